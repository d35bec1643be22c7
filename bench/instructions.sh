#!/usr/bin/env bash
# Instructions that everyday commands execute (valgrind's callgrind), and how many of them run inside
# swift-argument-parser and inside the Swift runtime's protocol-conformance look-up. Instruction counts
# do not drift with machine load, so they compare code changes; they are not what a user waits (start-up
# of a large static binary is page faults more than instructions, see Docs/run.md).
# Usage: SHQ_BIN=path/to/release/shq bash bench/instructions.sh   (needs valgrind; not part of make bench)
set -euo pipefail
: "${SHQ_BIN:?set SHQ_BIN to a release shq binary}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# valgrind cannot read the release binary's DWARF 5 debug information: profile a copy without it.
strip --strip-debug -o "$work/shq" "$SHQ_BIN"
export SHQ_DB="$work/history.db" HOME="$work" SHQ_SESSION=instructions
"$work/shq" save -c 'make test' --exit 2 --duration 1500 >/dev/null
"$work/shq" run -c 'echo built' >/dev/null

echo "| command | instructions | in swift-argument-parser | in conformance look-ups |"
echo "|---|---|---|---|"
n=0
for cmd in "--version" "run true" "save -c make" "history -n 20" "search make -n 20"; do
  n=$((n + 1))
  # shellcheck disable=SC2086  # the command's words
  valgrind --tool=callgrind --callgrind-out-file="$work/$n.out" "$work/shq" $cmd >/dev/null 2>&1 </dev/null || true
  # Inclusive cost of the outermost function of each kind = the largest inclusive cost among its functions.
  callgrind_annotate --inclusive=yes --threshold=100 "$work/$n.out" 2>/dev/null | python3 -c '
import re, sys
total = parser = lookup = 0
for line in sys.stdin:
    m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?\S*?:?(.*)", line)
    if "PROGRAM TOTALS" in line:
        total = int(line.split()[0].replace(",", ""))
        continue
    if not m or not m.group(1)[0].isdigit():
        continue
    cost, name = int(m.group(1).replace(",", "")), m.group(2)
    if "ArgumentParser" in name:
        parser = max(parser, cost)
    if "swift_conformsToProtocol" in name:
        lookup = max(lookup, cost)
def mi(x): return f"{x / 1e6:.1f} M"
print(f"| `shq {sys.argv[1]}` | {mi(total)} | {mi(parser)} ({parser / total:.0%}) | {mi(lookup)} ({lookup / total:.0%}) |")' "$cmd"
done
echo
echo "valgrind --tool=callgrind on each command (binary stripped of debug information), a store with two records;"
echo "costs are inclusive: the largest inclusive cost of any function of the argument parser, and of \`swift_conformsToProtocol\`."
