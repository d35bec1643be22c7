#!/usr/bin/env bash
# shq sync against a local PostgreSQL started here (as the test suite does: runuser/initdb/pg_ctl on a
# unix socket, fsync off): first push and first pull of 100k commands, a sync with nothing new, 4 stores
# × 25k syncing at once. Anchor in the same run: PostgreSQL's own COPY of the same 100k server rows (the
# floor any client pays to move them). Needs root and PostgreSQL's server programs.
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
runuser -u postgres -- "$bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -o "-c listen_addresses='' -k $pg -c fsync=off" start >/dev/null
psql() { "$bin/psql" -X -q -At -h "$pg" -U postgres "$@"; }
psql -c "CREATE DATABASE bench" -d postgres; psql -c "CREATE DATABASE four" -d postgres
export SHQ_SYNC_URL="postgresql:///bench?host=$pg&user=postgres"
OUT_DIR="$work" python3 "$repo/bench/gen_history.py" 100000 >/dev/null
OUT_DIR="$work" python3 "$repo/bench/gen_history.py" 25000 >/dev/null
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

SHQ_DB="$work/a/history.db" "$SHQ_BIN" import zsh-histdb "$work/zsh-histdb-100000.db" >/dev/null
t=$(date +%s%N); push_out=$(SHQ_DB="$work/a/history.db" "$SHQ_BIN" sync); push_ms=$(ms "$t")
key=$(SHQ_DB="$work/a/history.db" "$SHQ_BIN" sync key)
SHQ_DB="$work/b/history.db" "$SHQ_BIN" sync key --import "$key" >/dev/null
t=$(date +%s%N); pull_out=$(SHQ_DB="$work/b/history.db" "$SHQ_BIN" sync); pull_ms=$(ms "$t")
SHQ_DB="$work/b/history.db" hyperfine -N --warmup 3 --runs 30 --export-json "$work/noop.json" "$SHQ_BIN sync" >/dev/null 2>&1
noop=$(python3 -c "import json;r=json.load(open('$work/noop.json'))['results'][0];print(f\"{r['median']*1000:.1f} ms median, {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} ms\")")

# The anchor: the same 100k server rows out and back in with COPY, no client logic at all.
psql -d bench -c "COPY shq_records TO '$pg/rows.copy'"
psql -d bench -c "CREATE TABLE copy_anchor (LIKE shq_records)"
t=$(date +%s%N); psql -d bench -c "COPY copy_anchor FROM '$pg/rows.copy'"; copy_in_ms=$(ms "$t")
t=$(date +%s%N); psql -d bench -c "COPY copy_anchor TO STDOUT" >/dev/null; copy_out_ms=$(ms "$t")

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
echo "| what | shq | anchor: COPY of the same rows | ratio | target |"
echo "|---|---|---|---|---|"
echo "| first push, 100k (\`$push_out\`) | $push_ms ms | $copy_in_ms ms (COPY in) | $(python3 -c "print(f'{$push_ms/max($copy_in_ms,1):.1f}×')") | ≤ 5 s |"
echo "| first pull, 100k (\`$pull_out\`) | $pull_ms ms | $copy_out_ms ms (COPY out) | $(python3 -c "print(f'{$pull_ms/max($copy_out_ms,1):.1f}×')") | ≤ 5 s |"
echo "| sync with nothing new | $noop | | | ≤ 50 ms |"
echo "| 4 × 25k at once, then once more each | $four_ms ms | | | all 100k everywhere, none twice |"
echo
echo "Records/distinct ids per store after the four-machine run: $four(server: $server4)."
