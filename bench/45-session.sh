#!/usr/bin/env bash
# `shq session` against the same shell on a plain PTY and under util-linux script(1), side by side in one
# run: shell start-up, keystroke echo latency, output throughput drained as a terminal would, the
# proxy's idle wake-ups, peak RSS and CPU. The driver is a small C "terminal" (bench/session/termdrive.c).
set -euo pipefail
: "${SHQ_BIN:?}"
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export SHQ_DB="$work/history.db" XDG_CONFIG_HOME="$work/config" HOME="$work"
"${CC:-$(command -v cc || command -v clang)}" -O2 -o "$work/termdrive" bench/session/termdrive.c -lutil
seq 1 6000000 > "$work/lines.txt"   # ~47 MB of short lines
bytes=$(stat -c %s "$work/lines.txt")
# Every variant loads the hook (so the shell does the same work); only under shq session does it write marks.
printf "PS1='\$ '\neval \"\$('%s' hook init)\"\n" "$SHQ_BIN" > "$work/rc"
"$SHQ_BIN" save -c warmup </dev/null
shell=(bash --noprofile --rcfile "$work/rc" -i)
declare -A variants=(
  [plain]="${shell[*]}"
  [script]="script -q -c '${shell[*]}' /dev/null"
  [session]="$SHQ_BIN session -- ${shell[*]}"
  [session-64M]="env SHQ_SESSION_CAP=64M $SHQ_BIN session -- ${shell[*]}"
)
order=(plain script session session-64M)
startups=20 keys=1000 rounds=5

for ((i = 0; i < startups; i++)); do
  for v in "${order[@]}"; do eval "\"$work/termdrive\" startup -- ${variants[$v]}" >> "$work/startup-$v"; done
done
for v in "${order[@]}"; do eval "\"$work/termdrive\" full \"$work/lines.txt\" $keys $rounds -- ${variants[$v]}" > "$work/full-$v"; done

median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -n "s/.*$2=\([^ ]*\).*/\1/p" "$work/full-$1"; }
plain_start=$(median "$work/startup-plain") plain_echo=$(field plain echo_median_us) plain_cat=$(field plain cat_median_s)

echo "## shq session"
echo
echo "Commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u '+%Y-%m-%d %H:%M UTC'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "The same interactive bash (hook loaded) on a fresh PTY driven by a small C terminal"
echo "(\`bench/session/termdrive.c\`: forkpty, drain every read at once): bare, under util-linux \`script\`,"
echo "and under \`shq session\` (capture on: the hook writes its marks, each command's output is stored;"
echo "\`session-64M\` stores up to 64 MiB per command instead of 2). Start-up: fork to the prompt's first"
echo "byte, median of $startups, interleaved. Echo: $keys keystrokes (x, DEL alternately), time to the first"
echo "echoed byte. Throughput: \`cat lines.txt\` (\`seq 1 6000000\`, $((bytes / 1000000)) MB) and a marker, median"
echo "of $rounds. Wake-ups: the process's context switches over 10 s idle at the prompt. CPU and peak RSS are"
echo "those of the process the terminal started (bash itself, \`script\`, the proxy)."
echo
echo '```'
echo "make bench   # or: SHQ_BIN=<release shq> bash bench/run.sh session"
echo "termdrive startup -- VARIANT ; termdrive full lines.txt $keys $rounds -- VARIANT"
echo '```'
echo
echo "| variant | start-up | added | echo median | p99 | \`cat\` 47 MB | vs plain | idle wake-ups | CPU per \`cat\` | peak RSS |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for v in "${order[@]}"; do
  s=$(median "$work/startup-$v")
  awk -v v="$v" -v s="$s" -v ps="$plain_start" -v e="$(field "$v" echo_median_us)" -v p99="$(field "$v" echo_p99_us)" \
      -v pe="$plain_echo" -v c="$(field "$v" cat_median_s)" -v pc="$plain_cat" -v w="$(field "$v" idle_wakeups)" \
      -v cpu="$(field "$v" cpu_ms_per_round)" -v rss="$(field "$v" peak_rss_kb)" -v b="$bytes" 'BEGIN {
    printf "| %s | %.1f ms | %+.1f ms | %.3f ms (%+.3f) | %.3f ms | %.2f s (%.0f MB/s) | %.2f× | %d | %.0f ms | %.1f MiB |\n",
      v, s / 1000, (s - ps) / 1000, e / 1000, (e - pe) / 1000, p99 / 1000, c, b / c / 1e6, pc / c, w, cpu, rss / 1024 }'
done
echo
awk -v a="$(field session cpu_ms_per_round)" -v b="$(field session-64M cpu_ms_per_round)" -v n="$bytes" 'BEGIN {
  printf "CPU per MB stored (session-64M minus session, per MB stored beyond the 2 MiB cap): %.1f ms\n", (b - a) / ((n - 2 * 1048576) / 1e6) }'
