#!/usr/bin/env bash
# Runs every benchmark script (bench/NN-area.sh) against $SHQ_BIN and writes each one's markdown to
# Docs/benchmarks/<area>.md, then an index in Docs/benchmarks.md. Usage: make bench  (or: SHQ_BIN=… bash bench/run.sh [area…])
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SHQ_BIN:?set SHQ_BIN to the shq binary to measure}"
export SHQ_BIN
mkdir -p Docs/benchmarks
areas=("$@")
for script in bench/[0-9][0-9]-*.sh; do
  area=$(basename "$script" .sh); area=${area#[0-9][0-9]-}
  if [ ${#areas[@]} -gt 0 ] && [[ ! " ${areas[*]} " == *" $area "* ]]; then continue; fi
  echo "== $area" >&2
  bash "$script" > "Docs/benchmarks/$area.md.tmp" && mv "Docs/benchmarks/$area.md.tmp" "Docs/benchmarks/$area.md"
done
{
  echo "# Benchmarks"
  echo
  echo "Produced by \`make bench\` (release build, static Swift runtime) on the development machine"
  echo "(2 vCPU). Each section lists the exact commands it ran; comparisons are side by side in one run."
  echo
  for f in Docs/benchmarks/*.md; do echo "- [$(basename "$f" .md)](benchmarks/$(basename "$f"))"; done
  echo
  for f in Docs/benchmarks/*.md; do cat "$f"; echo; done
} > Docs/benchmarks.md
echo "wrote Docs/benchmarks.md" >&2
