#!/usr/bin/env bash
# Before/after for a change that should not move any figure (a refactoring): two release binaries
# measured side by side in one run — instructions per everyday command (callgrind, independent of machine
# load) and wall time of the same commands (hyperfine, both binaries in one invocation, on the same data:
# 100k generated commands). Prints a markdown section.
# Usage: bash bench/compare.sh OLD_SHQ NEW_SHQ [LABEL_OLD LABEL_NEW]   (needs valgrind and hyperfine)
set -euo pipefail
old=${1:?old shq binary} new=${2:?new shq binary}
label_old=${3:-before} label_new=${4:-after}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
n=100000
OUT_DIR=$work python3 "$repo/bench/gen_history.py" $n >/dev/null
for side in old new; do
  bin=${!side}
  # valgrind cannot read the release binary's DWARF 5 debug information: measure copies without it.
  strip --strip-debug -o "$work/shq-$side" "$bin"
  "$work/shq-$side" import --db "$work/$side.db" zsh-histdb "$work/zsh-histdb-$n.db" >/dev/null 2>&1
done

commands=("--version" "run true" "save -c make" "history -n 20" "search git -n 20" "search test_api.toml -n 20" "stats")
echo "| command | instructions, $label_old | instructions, $label_new | ratio | median ms, $label_old | median ms, $label_new | ratio |"
echo "|---|---|---|---|---|---|---|"
for cmd in "${commands[@]}"; do
  declare -A ins=() ms=()
  for side in old new; do
    # shellcheck disable=SC2086  # the command's words
    SHQ_DB=$work/$side.db HOME=$work valgrind --tool=callgrind --callgrind-out-file="$work/$side.cg" \
      "$work/shq-$side" $cmd >/dev/null 2>&1 </dev/null || true
    ins[$side]=$(awk '/^summary:|^totals:/ { print $2; exit }' "$work/$side.cg")
  done
  # Both binaries in one hyperfine run, each on its own copy of the same store.
  hyperfine -N -w 5 -r 40 --export-json "$work/t.json" \
    "env SHQ_DB=$work/old.db HOME=$work $work/shq-old $cmd" \
    "env SHQ_DB=$work/new.db HOME=$work $work/shq-new $cmd" >/dev/null 2>&1
  read -r ms[old] ms[new] < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(*("%.2f" % (x["median"]*1000) for x in r))' "$work/t.json")
  python3 - "$cmd" "${ins[old]}" "${ins[new]}" "${ms[old]}" "${ms[new]}" <<'EOF'
import sys
cmd, io, inew, mo, mnew = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print(f"| `shq {cmd}` | {io/1e6:.2f} M | {inew/1e6:.2f} M | {inew/io:.3f} | {mo:.2f} | {mnew:.2f} | {mnew/mo:.2f} |")
EOF
done
echo
echo "Store: $n commands from \`bench/gen_history.py $n\` imported (zsh-histdb). Instructions: one callgrind run"
echo "per command and binary (debug information stripped). Times: \`hyperfine -N -w 5 -r 40\`, both binaries in one"
echo "invocation; \`env\` adds the same ~0.5 ms to both. Load average (1, 5, 15 min) at the end: $(cut -d" " -f1-3 /proc/loadavg), on $(nproc) vCPU."
