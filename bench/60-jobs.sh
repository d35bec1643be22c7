#!/usr/bin/env bash
# Job registry: what orphan recovery adds to reading commands, `shq jobs` with live jobs, how soon
# `shq wait` notices an end, and a `shq kill` round trip on a real `shq run` job.
set -euo pipefail
: "${SHQ_BIN:?}"
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
export SHQ_DB=$work/h.db
host=$(hostname)
"$SHQ_BIN" jobs >/dev/null
# Records are written as shq stores them (Schema.swift): 16-byte ids, the host interned in `names`, the
# source as its code (0 run, 2 save). HOST is this host's name id.
sqlite3 "$SHQ_DB" "INSERT INTO names(name) VALUES ('$host') ON CONFLICT DO NOTHING"
HOST="(SELECT id FROM names WHERE name = '$host')"
# 10,000 finished records (the reads below list the last 20).
sqlite3 "$SHQ_DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 10000)
  INSERT INTO invocation_rows(id, cmd, source, started_at, status, exit_code, host)
  SELECT randomblob(16), 'echo ' || i, 2, 1700000000000000 + i * 1000000, 'completed', 0, $HOST FROM n;"
cp "$SHQ_DB" "$work/idle.db"
# 20 live jobs, each watched by a real process.
for i in $(seq 1 20); do
  sleep 600 & pid=$!; start=$(awk '{print $22}' /proc/$pid/stat)
  sqlite3 "$SHQ_DB" "INSERT INTO invocation_rows(id, cmd, source, started_at, status, pid, pid_start, wrapper_pid, wrapper_start, host)
    VALUES (randomblob(16), 'sleep 600', 0, $(date +%s)000000, 'running', $pid, $start, $pid, $start, $HOST)"
done
echo "## Jobs"
echo
echo "Store: 10,000 finished records; \"20 live\" adds 20 running jobs whose wrappers are real processes"
echo "(each read checks all 20 in /proc). Release build, \`hyperfine -N --warmup 5 -r 40\`, medians."
echo
echo '```'
echo "shq history --db idle.db -n 20        SHQ_DB=live.db shq history -n 20"
echo "SHQ_DB=live.db shq jobs                SHQ_DB=live.db shq sql 'SELECT 1'   (process + open floor)"
echo '```'
echo
hyperfine -N --warmup 5 -r 40 --export-json "$work/h.json" \
  -n "history, 0 live" "$SHQ_BIN history --db $work/idle.db -n 20" \
  -n "history, 20 live" "$SHQ_BIN history -n 20" \
  -n "jobs, 20 live" "$SHQ_BIN jobs" \
  -n "sql SELECT 1 (floor)" "$SHQ_BIN sql 'SELECT 1'" >/dev/null
echo "| command | median | min |"
echo "|---|---|---|"
python3 -c '
import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("| %s | %.2f ms | %.2f ms |" % (r["command"], r["median"]*1000, r["min"]*1000))' "$work/h.json"
echo
# shq wait: a wrapper that lives 300 ms; the time past 300 ms covers the sqlite3 insert, shq start-up and the
# detection of the end (pidfd), i.e. an upper bound on detection latency.
lat=()
for i in $(seq 1 15); do
  t0=$EPOCHREALTIME; sleep 0.3 & pid=$!; start=$(awk '{print $22}' /proc/$pid/stat)
  sqlite3 "$SHQ_DB" "INSERT INTO invocation_rows(id, cmd, source, started_at, status, wrapper_pid, wrapper_start, host)
    VALUES (X'$(printf '01ee%04d' $i)000000000000000000000000', 'sleep', 0, 1, 'running', $pid, $start, $HOST)"
  "$SHQ_BIN" wait "$(printf '01ee%04d' $i)" 2>/dev/null || true; t1=$EPOCHREALTIME
  lat+=("$(python3 -c "print(round(($t1-$t0)*1000-300,1))")")
done
# shq kill on a real `shq run sleep 30` job: from the command until the record says it ended.
kill_ms=()
for i in $(seq 1 10); do
  "$SHQ_BIN" run sleep 30 & sleep 0.3
  id=$("$SHQ_BIN" jobs --format json | python3 -c 'import json,sys; print([j for j in json.load(sys.stdin) if j["cmd"]=="sleep 30"][0]["id"])')
  t0=$EPOCHREALTIME; "$SHQ_BIN" kill "$id" >/dev/null; t1=$EPOCHREALTIME
  wait $! 2>/dev/null || true
  kill_ms+=("$(python3 -c "print(round(($t1-$t0)*1000,1))")")
done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| measurement (15 / 10 runs) | median | max |"
echo "|---|---|---|"
echo "| \`shq wait\`: ms past a 300 ms wrapper (insert + start-up + pidfd detection) | $(med "${lat[@]}") ms | $(printf '%s\n' "${lat[@]}" | sort -n | tail -1) ms |"
echo "| \`shq kill ID\` on \`shq run sleep 30\`: signal sent → record says failed (SIGTERM) | $(med "${kill_ms[@]}") ms | $(printf '%s\n' "${kill_ms[@]}" | sort -n | tail -1) ms |"
