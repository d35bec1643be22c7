#!/usr/bin/env bash
# shq sync against a local PostgreSQL started here (as the test suite does: runuser/initdb/pg_ctl on a
# unix socket, fsync off): first push and first pull of 100k commands, a sync with nothing new, 4 stores
# × 25k syncing at once. Anchor in the same run: PostgreSQL's own COPY of the same 100k server rows (the
# floor any client pays to move them). Needs root and PostgreSQL's server programs.
# Beside each wall time, the CPU it took: shq's own (user + sys, /usr/bin/time) and the server's (the
# postmaster's reaped children, from /proc: every backend that served the step), which a loaded machine
# does not inflate the way it does wall times.
set -euo pipefail
: "${SHQ_BIN:?}"
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ "$(id -u)" != 0 ] || [ -z "$bin" ] || ! id postgres >/dev/null 2>&1; then
  echo "## Sync"; echo; echo "Not measured: needs root and PostgreSQL's server programs (make deps installs postgresql)."; exit 0
fi
work=$(mktemp -d); pg=$(mktemp -d)
chown postgres: "$pg"; chmod 755 "$pg"
stop() { runuser -u postgres -- "$bin/pg_ctl" -D "$pg/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work" "$pg"; }
trap stop EXIT
runuser -u postgres -- "$bin/initdb" -D "$pg/data" -A trust -U postgres --no-sync >/dev/null
# autovacuum off: its workers' CPU would land in whichever step's server CPU follows a big insert.
runuser -u postgres -- "$bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -o "-c listen_addresses='' -k $pg -c fsync=off -c autovacuum=off" start >/dev/null
psql() { "$bin/psql" -X -q -At -h "$pg" -U postgres "$@"; }
psql -c "CREATE DATABASE bench" -d postgres; psql -c "CREATE DATABASE four" -d postgres
export SHQ_SYNC_URL="postgresql:///bench?host=$pg&user=postgres"
OUT_DIR="$work" python3 "$repo/bench/gen_history.py" 100000 >/dev/null
OUT_DIR="$work" python3 "$repo/bench/gen_history.py" 25000 >/dev/null
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# The server's CPU so far, in ms: the postmaster's own and its finished backends' (utime, stime, cutime, cstime).
postmaster=$(head -1 "$pg/data/postmaster.pid"); idle_children=$(pgrep -c -P "$postmaster")
# (after the backends that served the last step have exited and been reaped, 2 s at most)
server_cpu() {
  for _ in $(seq 200); do [ "$(pgrep -c -P "$postmaster")" -le "$idle_children" ] && break; sleep 0.01; done
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", ($14 + $15 + $16 + $17) * 1000 / hz }' "/proc/$postmaster/stat"
}
# Runs a command, keeping shq's CPU (user + sys, ms) in $client_cpu.
timed() { /usr/bin/time -f '%U %S' -o "$work/time" "$@"; client_cpu=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$work/time"); }

SHQ_DB="$work/a/history.db" "$SHQ_BIN" import zsh-histdb "$work/zsh-histdb-100000.db" >/dev/null
s0=$(server_cpu); t=$(date +%s%N); SHQ_DB="$work/a/history.db" timed "$SHQ_BIN" sync >"$work/out"; push_ms=$(ms "$t"); push_out=$(cat "$work/out")
push_cpu="$client_cpu + $(( $(server_cpu) - s0 ))"
key=$(SHQ_DB="$work/a/history.db" "$SHQ_BIN" sync key)
SHQ_DB="$work/b/history.db" "$SHQ_BIN" sync key --import "$key" >/dev/null
s0=$(server_cpu); t=$(date +%s%N); SHQ_DB="$work/b/history.db" timed "$SHQ_BIN" sync >"$work/out"; pull_ms=$(ms "$t"); pull_out=$(cat "$work/out")
pull_cpu="$client_cpu + $(( $(server_cpu) - s0 ))"
s0=$(server_cpu)
SHQ_DB="$work/b/history.db" hyperfine -N --warmup 3 --runs 30 --export-json "$work/noop.json" "$SHQ_BIN sync" >/dev/null 2>&1
noop_server=$(( ($(server_cpu) - s0) * 10 / 33 ))  # tenths of a ms per run (3 warm-up + 30 runs)
noop_cpu=$(python3 -c "import json;r=json.load(open('$work/noop.json'))['results'][0];print(f\"{(r['user']+r['system'])*1000:.1f} + {$noop_server/10:.1f} ms\")")
noop=$(python3 -c "import json;r=json.load(open('$work/noop.json'))['results'][0];print(f\"{r['median']*1000:.1f} ms median, {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} ms\")")

# The anchor: the same 100k server rows out and back in with COPY, no client logic at all.
psql -d bench -c "COPY shq_records TO '$pg/rows.copy'"
psql -d bench -c "CREATE TABLE copy_anchor (LIKE shq_records)"
s0=$(server_cpu); t=$(date +%s%N); psql -d bench -c "COPY copy_anchor FROM '$pg/rows.copy'"; copy_in_ms=$(ms "$t")
copy_in_cpu=$(( $(server_cpu) - s0 ))
s0=$(server_cpu); t=$(date +%s%N); psql -d bench -c "COPY copy_anchor TO STDOUT" >/dev/null; copy_out_ms=$(ms "$t")
copy_out_cpu=$(( $(server_cpu) - s0 ))

# Four machines, 25k commands each, syncing at the same moment, then once more each.
export SHQ_SYNC_URL="postgresql:///four?host=$pg&user=postgres"
for m in 1 2 3 4; do SHQ_DB="$work/m$m/history.db" "$SHQ_BIN" import zsh-histdb "$work/zsh-histdb-25000.db" >/dev/null; done
SHQ_DB="$work/m1/history.db" "$SHQ_BIN" sync >/dev/null
key4=$(SHQ_DB="$work/m1/history.db" "$SHQ_BIN" sync key)
for m in 2 3 4; do SHQ_DB="$work/m$m/history.db" "$SHQ_BIN" sync key --import "$key4" >/dev/null; done
t=$(date +%s%N)
for m in 1 2 3 4; do SHQ_DB="$work/m$m/history.db" "$SHQ_BIN" sync >/dev/null & done; wait
for m in 1 2 3 4; do SHQ_DB="$work/m$m/history.db" "$SHQ_BIN" sync >/dev/null; done
four_ms=$(ms "$t")
four=""
for m in 1 2 3 4; do
  four+="$(sqlite3 "$work/m$m/history.db" 'SELECT count(*) || "/" || count(DISTINCT id) FROM invocation_rows') "
done
server4=$(psql -d four -c "SELECT count(*) || '/' || count(DISTINCT id) FROM shq_records")

echo "## Sync"
echo
echo "A local PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on a unix socket (fsync off), started by the script;"
echo "100k commands from \`bench/gen_history.py\` imported (zsh-histdb, 4 hosts). Commands:"
echo
echo '```'
echo "shq import zsh-histdb zsh-histdb-100000.db && time shq sync           # A: first push"
echo "shq sync key --import KEY && time shq sync                             # B: first pull"
echo "hyperfine -N --warmup 3 --runs 30 'shq sync'                           # B again: nothing new"
echo "psql -c \"COPY copy_anchor FROM 'rows.copy'\"; psql -c 'COPY copy_anchor TO STDOUT'   # anchor"
echo "4 stores × 25k: shq sync in all four at once, then once more in each"
echo '```'
echo
echo "CPU is shq's (user + sys) + the server's, in ms; the anchor's is the server's alone (psql's is left out)."
echo
echo "| what | shq: wall | shq: CPU | anchor: COPY of the same rows, wall / CPU | ratio (wall, CPU) | target |"
echo "|---|---|---|---|---|---|"
echo "| first push, 100k (\`$push_out\`) | $push_ms ms | $push_cpu | $copy_in_ms / $copy_in_cpu ms (COPY in) | $(python3 -c "print(f'{$push_ms/max($copy_in_ms,1):.1f}×, {($push_cpu)/max($copy_in_cpu,1):.1f}×')") | ≤ 5 s |"
echo "| first pull, 100k (\`$pull_out\`) | $pull_ms ms | $pull_cpu | $copy_out_ms / $copy_out_cpu ms (COPY out) | $(python3 -c "print(f'{$pull_ms/max($copy_out_ms,1):.1f}×, {($pull_cpu)/max($copy_out_cpu,1):.1f}×')") | ≤ 5 s |"
echo "| sync with nothing new | $noop | $noop_cpu (means) | | | ≤ 50 ms |"
echo "| 4 × 25k at once, then once more each | $four_ms ms | | | | all 100k everywhere, none twice |"
echo
echo "Records/distinct ids per store after the four-machine run: $four(server: $server4)."
