#!/usr/bin/env bash
# shq run and shq save while another process holds the store's write lock (sqlite3 in BEGIN EXCLUSIVE),
# and the end of a run whose lock was taken during it,
# against the same commands on a free store, side by side. Prints a markdown section. Needs $SHQ_BIN.
set -euo pipefail
: "${SHQ_BIN:?set SHQ_BIN to the shq binary to measure}"
work=$(mktemp -d "${TMPDIR:-/tmp}/shq-bench-locked.XXXXXX")
holder=""
cleanup() { touch "$work/release"; [ -z "$holder" ] || wait "$holder" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export SHQ_DB="$work/bench.db"
"$SHQ_BIN" save -c "first" </dev/null
RUNS=40

# Holds the write lock until $work/release exists; returns once it is held.
lock() {
  rm -f "$work/ready" "$work/release"
  sqlite3 "$SHQ_DB" "BEGIN EXCLUSIVE;" "INSERT INTO names(name) VALUES ('bench lock ' || random());" ".shell touch '$work/ready'" \
    ".shell while [ ! -e '$work/release' ]; do sleep 0.01; done" "COMMIT;" >/dev/null &
  holder=$!
  while [ ! -e "$work/ready" ]; do kill -0 "$holder" 2>/dev/null || { echo "sqlite3 could not lock the store" >&2; exit 1; }; sleep 0.01; done
}
unlock() { touch "$work/release"; wait "$holder"; holder=""; }

# Median milliseconds from invoking shq to the command's first instruction: the command is /bin/date,
# which prints when it started; bash's $EPOCHREALTIME is taken just before.
start_latency() {
  local samples=()
  for _ in $(seq "$RUNS"); do
    local before=$EPOCHREALTIME started
    started=$("$SHQ_BIN" run /bin/date +%s.%N)
    samples+=("$(awk -v a="$before" -v b="$started" 'BEGIN { printf "%.2f", (b - a) * 1000 }')")
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

echo "## A locked store"
echo
echo "Release binary, static Swift runtime; store: a fresh temporary database; 2 vCPU shared. The lock:"
echo "\`sqlite3 DB 'BEGIN EXCLUSIVE;' 'INSERT …;'\` kept open for the whole row (a real second process)."
echo "Goal: the command starts within ~50 ms although the store is locked (it used to wait for the lock)."
echo
echo "### Start latency of \`shq run\`"
echo
echo "Median of $RUNS runs: from just before bash starts \`shq run /bin/date +%s.%N\` to the time date prints."
echo
free_start=$(start_latency)
lock
locked_start=$(start_latency)
unlock
echo "| store | start latency (ms) | ratio |"
echo "|---|---|---|"
echo "| free | $free_start | 1.00 |"
echo "| locked | $locked_start | $(awk -v a="$locked_start" -v b="$free_start" 'BEGIN { printf "%.2f", a / b }') |"
echo
echo "### Whole commands"
echo
echo '```'
echo "hyperfine -N --warmup 3 --runs $RUNS 'shq run true' 'shq save -c x'   # store free, then locked"
echo '```'
echo
hyperfine -N --warmup 3 --runs "$RUNS" --export-markdown "$work/free.md" \
  -n "shq run true (free)" "$SHQ_BIN run true" -n "shq save -c x (free)" "$SHQ_BIN save -c x" >/dev/null 2>&1
lock
hyperfine -N --warmup 3 --runs "$RUNS" --export-markdown "$work/locked.md" \
  -n "shq run true (locked)" "$SHQ_BIN run true" -n "shq save -c x (locked)" "$SHQ_BIN save -c x" >/dev/null 2>&1
spooled=$(find "$SHQ_DB-spool" -name '*.record' | wc -l)
unlock
cat "$work/free.md"
tail -n +3 "$work/locked.md"
echo
# Every record made under the lock arrives once it is released (the detached ingest, or this read).
"$SHQ_BIN" hook ingest
late=$(sqlite3 "$SHQ_DB" "SELECT count(*) FROM invocation_events WHERE kind = 'late'")
echo "Records made under the lock: $((2 * (RUNS + 3) + RUNS)) ($spooled still in the spool when the lock was released);"
echo "with a \`late\` event in the store after it: $late."
echo
echo "### End latency of \`shq run\` when the lock is taken during the run"
echo
echo "Median of $RUNS runs: the command's row and start are stored, then the lock is taken and the command"
echo "told to end; from the time it prints as its last act (\`date +%s.%N\`) to just after \`shq run\` returns."
echo
# Milliseconds from the command's last instruction to shq's exit; LOCKED=1 takes the lock mid-run.
end_latency() {
  local samples=()
  for _ in $(seq "$RUNS"); do
    rm -f "$work/go" "$work/printed"
    "$SHQ_BIN" run sh -c "while [ ! -e '$work/go' ]; do sleep 0.005; done; date +%s.%N" >"$work/printed" &
    local run=$!
    # The record exists with its pid (the start is committed ~50 ms after the spawn).
    while [ "$(sqlite3 "$SHQ_DB" "SELECT count(*) FROM invocations WHERE status = 'running' AND pid IS NOT NULL" 2>/dev/null)" != 1 ]; do sleep 0.005; done
    [ "$1" = 1 ] && lock
    touch "$work/go"
    wait "$run"
    local after=$EPOCHREALTIME
    samples+=("$(awk -v a="$(cat "$work/printed")" -v b="$after" 'BEGIN { printf "%.2f", (b - a) * 1000 }')")
    [ "$1" = 1 ] && unlock
    "$SHQ_BIN" hook ingest
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
free_end=$(end_latency 0)
locked_end=$(end_latency 1)
echo "| store | end latency (ms) | ratio |"
echo "|---|---|---|"
echo "| free | $free_end | 1.00 |"
echo "| locked during the run | $locked_end | $(awk -v a="$locked_end" -v b="$free_end" 'BEGIN { printf "%.2f", a / b }') |"
