#!/bin/bash
# Instructions per event of the model's `ring` (N pipes, A active), counted by valgrind's
# callgrind: steadier than time on a shared machine, for comparing two builds of the host
# and core. The difference of two runs (50,000 and 250,000 writes) removes start-up and
# set-up. V8 runs single-threaded so that background compilation does not vary the count,
# and with its predictable GC schedule (fixed young generation and heap growth, no memory
# reducer, no idle-time work): V8 otherwise sizes its heaps from allocation rates measured
# in time, and under valgrind (50 times slower) a loop that allocates nothing looks idle —
# a timer may start marking inside the loop, or the young generation shrinks and the
# teardown after the loop needs 20 scavenges in one run and 3 in the other. At 100,000
# pipes that made repeated counts of the same build differ by 3x (now by 3 %).
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
    node --single-threaded --predictable-gc-schedule -e "import('$here/workloads.mjs').then((W) => W.ring({ pipes: $n, active: $a, writes: $1 }))" 2>&1 |
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
