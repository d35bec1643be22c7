#!/usr/bin/env bash
# Before/after for the Ctrl-R picker: two release binaries opened alternately (old, new, old, new, …) on
# the same stores by bench/pty/pick-time.c, as the hooks' Ctrl-R runs it (`pick --widget --query ''`), the
# query typed one key at a time after everything is loaded. Prints, per size, the medians of: wall time
# to the first frame, CPU time to the first frame, CPU time per keystroke (every thread of the picker's
# process), wall time per keystroke. CPU times are what to compare on a loaded machine.
# Usage: PICK_BENCH_DIR=<folder with shq-N.db from bench/50-pick.sh> bash bench/pick-compare.sh OLD NEW [RUNS]
set -euo pipefail
old=${1:?old shq binary} new=${2:?new shq binary} runs=${3:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${PICK_BENCH_DIR:-${TMPDIR:-/tmp}/shq-bench-pick}
sizes=${PICK_BENCH_SIZES:-100000 1000000}
query=gitps keys=5
cd "$work"
"${CC:-$(command -v cc || command -v clang)}" -O2 -Wall -Wextra -o pick-time "$repo/bench/pty/pick-time.c" -lutil
median() { python3 -c 'import statistics,sys; print("%.1f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
echo "| commands | binary | first frame (ms) | CPU to first frame (ms) | CPU per key (ms) | key, wall (ms) |"
echo "|---|---|---|---|---|---|"
for n in $sizes; do
  for side in old new; do eval "${side}_first=(); ${side}_fcpu=(); ${side}_kcpu=(); ${side}_keys=()"; done
  for _ in $(seq "$runs"); do
    for side in old new; do
      # -q 1500: the load's batches must not look like a settled frame on a busy machine.
      read -r -a r < <(./pick-time -s 120 40 -m '\033[?25h' -q 1500 -k "$query" env SHQ_DB="$work/shq-$n.db" "${!side}" pick --widget --query '')
      eval "${side}_first+=(${r[0]}); ${side}_keys+=(${r[*]:2:$keys}); ${side}_fcpu+=(${r[$((keys + 4))]}); ${side}_kcpu+=(${r[*]:$((keys + 5)):$keys})"
    done
  done
  for side in old new; do
    eval "f=(\"\${${side}_first[@]}\"); c=(\"\${${side}_fcpu[@]}\"); k=(\"\${${side}_kcpu[@]}\"); w=(\"\${${side}_keys[@]}\")"
    echo "| $n | $side | $(median "${f[@]}") | $(median "${c[@]}") | $(median "${k[@]}") | $(median "${w[@]}") |"
  done
done
echo
echo "Load average $(cut -d' ' -f1-3 /proc/loadavg) at the end, on $(nproc) vCPU."
