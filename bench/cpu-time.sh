#!/usr/bin/env bash
# CPU time (user + system, `perf stat -e task-clock`, mean of 10 runs) per query command on a store of N
# generated commands (bench/gen_history.py, zsh-histdb import). CPU time moves less with machine load than
# wall time does, so it separates shq's own cost from waiting for a shared CPU.
# Usage: SHQ_BIN=path/to/release/shq bash bench/cpu-time.sh [N]   (default 100000; needs perf; not part of make bench)
set -euo pipefail
: "${SHQ_BIN:?set SHQ_BIN to a release shq binary}"
n=${1:-100000}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
OUT_DIR=$work python3 "$repo/bench/gen_history.py" "$n" >/dev/null
db=$work/shq.db
"$SHQ_BIN" import --db "$db" zsh-histdb "$work/zsh-histdb-$n.db" >/dev/null
cpu_ms() {  # RUNS PREPARE COMMAND… → mean task-clock in ms
  local runs=$1 prepare=$2; shift 2
  local total=0 i ms
  for i in $(seq "$runs"); do
    [ -n "$prepare" ] && eval "$prepare"
    ms=$(perf stat -x, -e task-clock "$@" 2>&1 >/dev/null </dev/null | awk -F, '/task-clock/ {print $1}')
    total=$(python3 -c "print($total + $ms)")
  done
  python3 -c "print(f'{$total / $runs:.1f}')"
}
echo "| command ($n commands) | CPU time, mean of 10 runs |"
echo "|---|---|"
echo "| \`shq --version\` (process floor) | $(cpu_ms 10 '' "$SHQ_BIN" --version) ms |"
echo "| \`shq history -n 20\` | $(cpu_ms 10 '' "$SHQ_BIN" history --db "$db" -n 20) ms |"
for term in test_api.toml git no-such-command-xyz; do
  echo "| \`shq search $term -n 20\` | $(cpu_ms 10 '' "$SHQ_BIN" search --db "$db" "$term" -n 20) ms |"
done
echo "| \`shq stats\` | $(cpu_ms 10 '' "$SHQ_BIN" stats --db "$db") ms |"
echo "| \`shq import bash\` into an empty store | $(cpu_ms 3 "rm -f $work/imp.db $work/imp.db-wal $work/imp.db-shm $work/imp.db-chunks" "$SHQ_BIN" import --db "$work/imp.db" bash "$work/bash_history_$n") ms |"
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) vCPU)."
