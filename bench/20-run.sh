#!/usr/bin/env bash
# shq run: wrapper overhead, relay throughput beyond the capture cap (with peak RSS), capture-and-store
# throughput under the cap, the relay's CPU against the pipe pair (paired runs) and a 250 MB capture
# against zstd. Prints a markdown section. Needs $SHQ_BIN; $SHQ_BASE_BIN (optional) adds a second build
# to the paired tables, measured in the same rounds (before/after a change).
set -euo pipefail
: "${SHQ_BIN:?set SHQ_BIN to the shq binary to measure}"
work=$(mktemp -d "${TMPDIR:-/tmp}/shq-bench-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
export SHQ_DB="$work/bench.db"
BIG="$work/big.txt"      # 1 GiB of base64 text: far beyond the 32 MiB default cap
SMALL="$work/small.txt"  # 24 MiB: under the cap, stored whole
# RUN_ONLY=capture: only the last section (capture into a new store against zstd), which needs 250 MB.
# RUN_ONLY=relay: only the paired CPU of the relay past the cap.
if [ "${RUN_ONLY:-}" = capture ]; then
  head -c $((192 << 20)) /dev/urandom | base64 -w 76 > "$BIG"
else
  head -c $((768 << 20)) /dev/urandom | base64 -w 76 > "$BIG"
  truncate -s $((1 << 30)) "$BIG"
fi
head -c $((24 << 20)) "$BIG" > "$SMALL"
LOG="$work/log.txt"      # 24 MiB of build-log-like lines: what captured output usually is (compresses ~10×)
awk 'BEGIN { for (i = 0; ; i++) { line = sprintf("[%6d] Compiling module_%d/file_%d.swift (%d ms) ok\n", i, i % 97, i % 1013, (i * 7919) % 500); n += length(line); if (n > 24 * 1048576) break; printf "%s", line } }' > "$LOG"

# Median wall seconds and max peak RSS (KiB) of RUNS runs of a bash command line (PREPARE, if given,
# runs untimed before each).
measure() {
  local runs=$1 line=$2 prepare=${3:-} times=() rss=0
  for _ in $(seq "$runs"); do
    [ -z "$prepare" ] || bash -c "$prepare"
    read -r t m < <( { /usr/bin/time -f '%e %M' bash -c "$line" 2>&1 >/dev/null; } | tail -1)
    times+=("$t"); (( m > rss )) && rss=$m
  done
  printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" "$rss"
}

# CPU seconds (user + system) of a bash command line, children included, then its wall seconds.
cpu_wall() { { /usr/bin/time -f '%U %S %e' bash -c "$1" 2>&1 >/dev/null; } | tail -1 | awk '{printf "%.2f %.2f\n", $1 + $2, $3}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
variants=("shq|$SHQ_BIN")
[ -z "${SHQ_BASE_BIN:-}" ] || variants+=("shq (base)|$SHQ_BASE_BIN")

echo "## Run"
echo
if [ "${RUN_ONLY:-}" != capture ]; then
if [ "${RUN_ONLY:-}" != relay ]; then
echo "Release binary, static Swift runtime; store: a fresh temporary database; 2 vCPU shared."
echo "Load average when this section started: $(cut -d' ' -f1-3 /proc/loadavg) (other builds share the machine;"
echo "compare rows of one table with each other, not with other runs)."
echo
echo "### Wrapper overhead"
echo
echo '```'
echo "hyperfine -N --warmup 20 --runs 300 'shq run true' 'true'"
echo '```'
echo
hyperfine -N --warmup 20 --runs 300 --export-markdown "$work/overhead.md" "$SHQ_BIN run true" "true" >/dev/null 2>&1
sed "s|$SHQ_BIN|shq|g" "$work/overhead.md"
echo
echo "### Relaying 1 GiB beyond the capture cap (default 32 MiB per stream)"
echo
echo "FILE: 1 GiB of base64 text. Median of 3 runs (script: 1 run); peak RSS is the largest process's."
echo
echo '```'
echo "shq run cat FILE >/dev/null"
echo "cat FILE | cat >/dev/null"
echo "script -q -c 'cat FILE' /dev/null >/dev/null"
echo '```'
echo
read -r shq_t shq_m < <(measure 3 "$SHQ_BIN run cat $BIG >/dev/null")
stored=$(sqlite3 "$SHQ_DB" "SELECT bytes || ' bytes, truncated=' || truncated FROM outputs WHERE stream='stdout' ORDER BY invocation DESC LIMIT 1")
read -r pipe_t pipe_m < <(measure 3 "cat $BIG | cat >/dev/null")
read -r script_t script_m < <(measure 1 "script -q -c 'cat $BIG' /dev/null >/dev/null")
echo "| command | wall (s) | vs pipe | peak RSS (MiB) |"
echo "|---|---:|---:|---:|"
for row in "shq run cat FILE|$shq_t|$shq_m" "cat FILE \| cat|$pipe_t|$pipe_m" "script -q -c 'cat FILE'|$script_t|$script_m"; do
  IFS='|' read -r name t m <<<"${row//\\|/¦}"
  printf '| `%s` | %s | %s× | %s |\n' "${name//¦/\\|}" "$t" "$(awk -v a="$t" -v b="$pipe_t" 'BEGIN {printf "%.2f", a / b}')" "$(awk -v k="$m" 'BEGIN {printf "%.1f", k / 1024}')"
done
echo
echo "Stored of the last shq run: $stored."
echo
echo "### Capture and store under the cap"
echo
echo "24 MiB of base64 text (compresses to ~76%) and 24 MiB of build-log-like lines (compresses ~10×), each"
echo "stored whole (checked: stored bytes = file size). Median of 5 runs. New: each run into an empty store."
echo "Repeated: the store already holds the same output, so the new copy is compared and dropped."
echo
echo '```'
echo "shq run cat SMALL >/dev/null"
echo "shq run cat LOG >/dev/null"
echo '```'
echo
echo "| output | store | wall (s) | throughput (MB/s) | peak RSS (MiB) |"
echo "|---|---|---:|---:|---:|"
for row in "base64 text|$SMALL" "build-log lines|$LOG"; do
  name=${row%%|*} file=${row#*|}
  size=$(stat -c %s "$file")
  for store in new repeated; do
    prepare=""; [ "$store" = new ] && prepare="rm -f $SHQ_DB $SHQ_DB-wal $SHQ_DB-shm $SHQ_DB-chunks"
    read -r t m < <(measure 5 "$SHQ_BIN run cat $file >/dev/null" "$prepare")
    stored=$(sqlite3 "$SHQ_DB" "SELECT bytes FROM outputs WHERE stream='stdout' ORDER BY invocation DESC LIMIT 1")
    [ "$stored" = "$size" ] || echo "**$name: stored $stored of $size bytes**"
    printf '| %s, %s MiB | %s | %s | %s | %s |\n' "$name" "$((size >> 20))" "$store" "$t" "$(awk -v s="$size" -v t="$t" 'BEGIN {printf "%.0f", s / 1e6 / t}')" "$(awk -v k="$m" 'BEGIN {printf "%.1f", k / 1024}')"
  done
done
echo
fi
echo "### CPU of the relay, paired"
echo
echo "Wall time of the pipe pair swings with the scheduling of two shared cores, so this compares CPU"
echo "(user + system of the whole process tree, from \`/usr/bin/time\`) in runs that alternate A B A B"
echo "(with a second build, the two shq builds swap places every round). ${PAIRS:=5} pairs; the ratio is the"
echo "median of the pairs' ratios.${SHQ_BASE_BIN:+ \`shq (base)\` is \`\$SHQ_BASE_BIN\`, another build run in the same pairs.}"
echo "Load average when this section started: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo '```'
echo "shq run cat FILE >/dev/null"
echo "cat FILE | cat >/dev/null"
echo '```'
echo
declare -A relay_cpu relay_wall relay_ratio
pipe_cpu=() pipe_wall=()
for round in $(seq "$PAIRS"); do
  read -r p pw < <(cpu_wall "cat $BIG | cat >/dev/null"); pipe_cpu+=("$p"); pipe_wall+=("$pw")
  order=("${!variants[@]}")
  (( round % 2 )) || order=($(printf '%s\n' "${order[@]}" | tac))
  for i in "${order[@]}"; do
    v=${variants[$i]}
    # A store per build: a newer schema would make the other build run the command unrecorded.
    read -r c w < <(cpu_wall "SHQ_DB=$work/relay-$i.db ${v#*|} run cat $BIG >/dev/null")
    relay_cpu[${v%%|*}]+="$c "
    relay_wall[${v%%|*}]+="$w "
    relay_ratio[${v%%|*}]+="$(awk -v a="$c" -v b="$p" 'BEGIN {printf "%.3f", a / b}') "
  done
done
echo "| command | CPU (s), median | CPU per run | vs pipe (median of pairs) | wall (s), median |"
echo "|---|---:|---|---:|---:|"
for v in "${variants[@]}"; do
  name=${v%%|*}
  printf '| `%s run cat FILE` | %s | %s | %.2f× | %s |\n' "$name" "$(tr ' ' '\n' <<<"${relay_cpu[$name]}" | grep . | median)" "${relay_cpu[$name]% }" \
    "$(tr ' ' '\n' <<<"${relay_ratio[$name]}" | grep . | median)" "$(tr ' ' '\n' <<<"${relay_wall[$name]}" | grep . | median)"
done
printf '| `cat FILE \\| cat` | %s | %s | 1.00× | %s |\n' "$(printf '%s\n' "${pipe_cpu[@]}" | median)" "${pipe_cpu[*]}" "$(printf '%s\n' "${pipe_wall[@]}" | median)"
echo
echo "Load average at the end of this section: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
fi
[ "${RUN_ONLY:-}" != relay ] || exit 0
echo "### Capture into a new store against zstd"
echo
CAPTURE="$work/capture.txt"  # 250 MB of base64 text, stored whole under a 300 MiB cap
head -c 250000000 "$BIG" > "$CAPTURE"
echo "250 MB of base64 text stored whole (\`--capture-cap 300M\`), each run into an empty store, against"
echo "\`zstd -1 -T1\` over the same file; ${CAPTURE_PAIRS:=3} rounds alternating the commands. Speed = 250 MB / median wall."
echo
echo '```'
echo "shq run --capture-cap 300M cat FILE >/dev/null"
echo "zstd -1 -T1 -c FILE >/dev/null"
echo '```'
echo
# Wall and CPU seconds of a bash command line.
wall_cpu() { { /usr/bin/time -f '%e %U %S' bash -c "$1" 2>&1 >/dev/null; } | tail -1 | awk '{printf "%s %.2f\n", $1, $2 + $3}'; }
declare -A cap_wall cap_cpu
zstd_wall=() zstd_cpu=()
for _ in $(seq "$CAPTURE_PAIRS"); do
  for v in "${variants[@]}"; do
    db=$work/capture.db
    rm -f "$db" "$db-wal" "$db-shm" "$db-chunks"
    read -r w c < <(wall_cpu "SHQ_DB=$db ${v#*|} run --capture-cap 300M cat $CAPTURE >/dev/null")
    stored=$(sqlite3 "$db" "SELECT bytes FROM outputs WHERE stream='stdout' ORDER BY invocation DESC LIMIT 1")
    [ "$stored" = 250000000 ] || echo "**${v%%|*}: stored $stored of 250000000 bytes**"
    cap_wall[${v%%|*}]+="$w "; cap_cpu[${v%%|*}]+="$c "
  done
  read -r w c < <(wall_cpu "zstd -q -1 -T1 -c $CAPTURE >/dev/null")
  zstd_wall+=("$w"); zstd_cpu+=("$c")
done
zw=$(printf '%s\n' "${zstd_wall[@]}" | median)
echo "| command | wall (s), median | MB/s | vs zstd's speed | CPU (s), median | wall per run | CPU per run |"
echo "|---|---:|---:|---:|---:|---|---|"
for v in "${variants[@]}"; do
  name=${v%%|*}
  w=$(tr ' ' '\n' <<<"${cap_wall[$name]}" | grep . | median)
  printf '| `%s run --capture-cap 300M cat FILE` | %s | %.0f | %.2f× | %s | %s | %s |\n' "$name" "$w" "$(awk -v w="$w" 'BEGIN {print 250 / w}')" \
    "$(awk -v a="$zw" -v b="$w" 'BEGIN {print a / b}')" "$(tr ' ' '\n' <<<"${cap_cpu[$name]}" | grep . | median)" "${cap_wall[$name]% }" "${cap_cpu[$name]% }"
done
printf '| `zstd -1 -T1 -c FILE` | %s | %.0f | 1.00× | %s | %s | %s |\n' "$zw" "$(awk -v w="$zw" 'BEGIN {print 250 / w}')" "$(printf '%s\n' "${zstd_cpu[@]}" | median)" "${zstd_wall[*]}" "${zstd_cpu[*]}"
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
