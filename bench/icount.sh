#!/bin/bash
# Instructions per event of the model's `ring` (N pipes, A active), counted by valgrind's
# callgrind: steadier than time on a shared machine, for comparing two builds of the host
# and core. The difference of two runs (50,000 and 250,000 writes) removes start-up and
# set-up. V8 runs single-threaded so that background compilation does not vary the count.
# Needs valgrind (Debian: apt install valgrind); not part of `npm run bench`.
#   bench/icount.sh [N] [A]            e.g. bench/icount.sh 100 1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-100}; a=${2:-1}
count() {
  valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file=/dev/null \
    node --single-threaded -e "import('$here/workloads.mjs').then((W) => W.ring({ pipes: $n, active: $a, writes: $1 }))" 2>&1 |
    sed -n 's/.*Collected : //p'
}
lo=$(count 50000); hi=$(count 250000)
echo "ring N=$n A=$a: $(( (hi - lo) / 200000 )) instructions per event"
