#!/usr/bin/env bash
# Runs every benchmark script (bench/NN-area.sh) against $SHQ_BIN and writes each one's markdown to
# Docs/benchmarks/<area>.md, ending with the run it comes from (commit, date, command, load), then an index
# with every section in Docs/benchmarks.md.
# Usage: make bench  (or: SHQ_BIN=… bash bench/run.sh [area…] to re-run some areas and keep the others)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SHQ_BIN:?set SHQ_BIN to the shq binary to measure}"
export SHQ_BIN
mkdir -p Docs/benchmarks
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo "unknown")
# Sources that differ from the commit make the binary something the commit alone does not describe.
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain -- Sources Package.swift shell-hooks Plugins bench)" ]; then
  commit+=" with uncommitted changes"
fi
areas=("$@")
for script in bench/[0-9][0-9]-*.sh; do
  area=$(basename "$script" .sh); area=${area#[0-9][0-9]-}
  if [ ${#areas[@]} -gt 0 ] && [[ ! " ${areas[*]} " == *" $area "* ]]; then continue; fi
  echo "== $area" >&2
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)
  bash "$script" > "Docs/benchmarks/$area.md.tmp"
  {
    echo
    echo "Run: commit $commit, $(date -u '+%Y-%m-%d %H:%M UTC'), \`SHQ_BIN=<release shq> bash bench/run.sh $area\`"
    echo "(\`make bench\` runs every area this way); load average (1, 5, 15 min) $load_start before,"
    echo "$(cut -d' ' -f1-3 /proc/loadavg) after, on $(nproc) vCPU."
  } >> "Docs/benchmarks/$area.md.tmp"
  mv "Docs/benchmarks/$area.md.tmp" "Docs/benchmarks/$area.md"
done
{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (release build, static Swift runtime) from the scripts in \`bench/\`. Each"
  echo "section lists the exact commands it ran and ends with the run it comes from: commit, date, command"
  echo "and machine load. \`bash bench/run.sh AREA\` re-runs one area and keeps the others, so sections can"
  echo "come from different commits and days: compare rows within one section (measured side by side in"
  echo "one run), not across sections. How the anchor (atuin) and the test data are set up: \`bench/README.md\`."
  echo
  for f in Docs/benchmarks/*.md; do echo "- [$(basename "$f" .md)](benchmarks/$(basename "$f"))"; done
  echo
  for f in Docs/benchmarks/*.md; do cat "$f"; echo; done
} > Docs/benchmarks.md
echo "wrote Docs/benchmarks.md" >&2
