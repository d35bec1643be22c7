#!/usr/bin/env bash
# Store and start-up costs: one `shq save`, `shq --version`, against /bin/true and sqlite3 in the same run.
set -euo pipefail
: "${SHQ_BIN:?}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export SHQ_DB="$work/history.db"
"$SHQ_BIN" save -c warmup </dev/null   # the store exists, as it does after first use
hyperfine -N --warmup 20 --runs 300 --export-json "$work/h.json" \
  -n 'shq save' "$SHQ_BIN save -c 'make -j4 test' --exit 0 --duration 1234" \
  -n 'shq --version' "$SHQ_BIN --version" \
  -n '/bin/true' "/bin/true" \
  -n "sqlite3 :memory: 'select 1'" "sqlite3 :memory: 'select 1'" </dev/null >/dev/null 2>&1
rows=$("$SHQ_BIN" sql "select count(*) from invocations" | tail -1)
size=$(stat -c %s "$SHQ_BIN")
strip -o "$work/shq-stripped" "$SHQ_BIN"; stripped=$(stat -c %s "$work/shq-stripped")
echo "## Store and start-up"
echo
echo "Commands (hyperfine -N --warmup 20 --runs 300, stdin /dev/null, store already created):"
echo
echo '```'
echo "hyperfine -N --warmup 20 --runs 300 \"shq save -c 'make -j4 test' --exit 0 --duration 1234\" \"shq --version\" /bin/true \"sqlite3 :memory: 'select 1'\""
echo '```'
echo
echo "| command | median | mean ± σ | target |"
echo "|---|---|---|---|"
python3 - "$work/h.json" <<'PY'
import json, sys
targets = {"shq save": "≤ 5 ms median"}
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"| `{r['command']}` | {r['median']*1000:.2f} ms | {r['mean']*1000:.2f} ± {r['stddev']*1000:.2f} ms | {targets.get(r['command'], '')} |")
PY
echo
echo "Rows written by the run: $rows (each save is one committed transaction in WAL mode, synchronous=NORMAL)."
echo
echo "Binary: $((size / 1024)) KiB as built (Swift runtime linked statically), $((stripped / 1024)) KiB stripped (what \`make install\` installs)."
