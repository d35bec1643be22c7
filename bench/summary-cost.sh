#!/usr/bin/env bash
# What the chunk summarizer (Sources/ShqStore/ChunkSummary.swift) costs alone, per MiB, on 256 KiB chunks
# of base64 and of build logs (bench/gen_outputs.py: escapes, CRLF), for the working tree and for an older
# revision side by side: CPU per MiB (several rounds, rounds alternating), instructions per MiB
# (callgrind, one round), and a checksum of every summary, which must be equal when the output is meant to
# be the same. Not part of `make bench` (Docs/design/grep.md quotes it). Needs swiftc, valgrind.
# Usage: bash bench/summary-cost.sh [BASE_REV (default main)] [MiB per input (default 32)]
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-main}
mib=${2:-32}
work=$(mktemp -d "${TMPDIR:-/tmp}/shq-summary-cost.XXXXXX"); trap 'rm -rf "$work"' EXIT
# One program per revision: the summarizer's source files (their module imports dropped: one module
# here) and the driver.
build() {
  local dir=$work/$1 file; mkdir -p "$dir"
  for file in Sources/ShqStore/ChunkSummary.swift Sources/ShqStore/ChunkSummarizer.swift Sources/ShqSystem/EscapeStripper.swift; do
    if [ "$1" = new ]; then
      [ ! -e "$file" ] || cp "$file" "$dir/"
    else
      git show "$base:$file" > "$dir/$(basename "$file")" 2>/dev/null || rm -f "$dir/$(basename "$file")"
    fi
  done
  sed -i '/^import Shq/d' "$dir"/*.swift
  swiftc -O -wmo -module-name SummaryBench -o "$dir/bench" "$dir"/*.swift bench/summary/main.swift
}
build base
build new
python3 -c '
import base64, random, sys
r = random.Random(22)
raw = r.randbytes(int(sys.argv[1]) * 3 << 18)
text = base64.b64encode(raw)
sys.stdout.buffer.write(b"\n".join(text[i:i + 76] for i in range(0, len(text), 76)) + b"\n")' "$mib" > "$work/base64.txt"
OUT_DIR=$work python3 bench/gen_outputs.py $((mib << 20)) 40 >/dev/null
cat "$work"/outputs/*.txt > "$work/logs.txt"
ROUNDS=${ROUNDS:-5}
echo "| input | build | checksum | CPU µs per MiB (median of $ROUNDS) | instructions per MiB |"
echo "|---|---|---|---:|---:|"
for input in base64 logs; do
  file=$work/$input.txt
  size=$(stat -c %s "$file")
  declare -A cpu=()
  for _ in $(seq "$ROUNDS"); do
    for b in base new; do cpu[$b]+="$("$work/$b/bench" "$file" 3 | awk '{print $NF}') "; done
  done
  for b in base new; do
    sum=$("$work/$b/bench" "$file" 1 | awk '{print $2}')
    # Instructions of one round minus those of reading the file (a run over an empty round count).
    total=$(valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$work/$b/bench" "$file" 1 2>&1 >/dev/null | awk '/Collected/ {print $NF}')
    idle=$(valgrind --tool=callgrind --callgrind-out-file="$work/cg0.out" "$work/$b/bench" "$file" 0 2>&1 >/dev/null | awk '/Collected/ {print $NF}')
    med=$(tr ' ' '\n' <<<"${cpu[$b]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '| %s (%d MiB) | %s | %s | %s | %s |\n' "$input" $((size >> 20)) "$([ $b = base ] && echo "$base" || echo "working tree")" "$sum" "$med" \
      "$(awk -v t="$total" -v i="$idle" -v s="$size" 'BEGIN {printf "%.2f M", (t - i) / (s / 1048576) / 1e6}')"
  done
  unset cpu
done
echo
echo "Load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) vCPU; $(git rev-parse --short HEAD) against $base."
