#!/bin/bash
# Instructions per event of the model's `ring` (N pipes, A active), counted by valgrind's
# callgrind: steadier than time on a shared machine, for comparing two builds of the host
# and core. The difference of two runs (50,000 and 250,000 writes) removes start-up and
# set-up. V8 runs single-threaded so that background compilation does not vary the count,
# and without its memory reducer: that starts a marking cycle on a timer once the program
# stops allocating, and under valgrind (50 times slower) the timer fires inside the loop,
# adding work that grows with the heap and that a run at full speed does not see.
# With --cache, callgrind also simulates the caches and the line adds the data reads and
# writes that missed the first-level cache (D1) and the last level (LL) per event: a
# model of this machine's caches, not a measurement of them, but it shows where a larger
# N turns the same instructions into memory traffic.
# Needs valgrind (Debian: apt install valgrind); not part of `npm run bench`.
#   bench/icount.sh [--cache] [N] [A]            e.g. bench/icount.sh 100 1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=no
if [ "${1:-}" = "--cache" ]; then cache=yes; shift; fi
n=${1:-100}; a=${2:-1}
# Prints callgrind's totals: Ir, or with the cache model Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw.
count() {
  valgrind --tool=callgrind --cache-sim=$cache --smc-check=all-non-file --callgrind-out-file=/dev/null \
    node --single-threaded --no-memory-reducer -e "import('$here/workloads.mjs').then((W) => W.ring({ pipes: $n, active: $a, writes: $1 }))" 2>&1 |
    sed -n 's/.*Collected : //p'
}
read -r -a lo <<< "$(count 50000)"
read -r -a hi <<< "$(count 250000)"
# Per event: (sum of the 250,000-write run's columns - the 50,000-write run's) / 200,000.
per() {
  local d=0 c
  for c in "$@"; do d=$(( d + hi[c] - lo[c] )); done
  awk -v d="$d" 'BEGIN { v = d / 200000; if (v < 0 && v > -0.05) v = 0; printf (d >= 2000000 ? "%.0f" : "%.1f"), v }'
}
line="ring N=$n A=$a: $(per 0) instructions per event"
if [ $cache = yes ]; then
  line="$line; D1 misses $(per 4 5), LL misses $(per 7 8) per event"
fi
echo "$line"
