#!/usr/bin/env bash
# shq grep: searching 1 GiB of stored output over 10 000 commands, side by side in one run with ripgrep
# and grep -r over the same bytes written out as plain files (the physical limit: no decompression, no
# store). Prints a markdown section.
#   SHQ_BIN=… bash bench/55-grep.sh
#   GREP_BENCH_BYTES / GREP_BENCH_COMMANDS: a smaller data set while developing (default 1 GiB, 10 000).
set -euo pipefail
: "${SHQ_BIN:?set SHQ_BIN to the shq binary to measure}"
repo=$(cd "$(dirname "$0")/.." && pwd)
bytes=${GREP_BENCH_BYTES:-1073741824}
commands=${GREP_BENCH_COMMANDS:-10000}
work=${GREP_BENCH_DIR:-${TMPDIR:-/tmp}/shq-bench-grep}/$bytes-$commands
mkdir -p "$work"
cd "$work"

# The outputs as plain files (deterministic), then one `shq save` per command into a store, oldest first.
[ -f outputs.tsv ] || OUT_DIR=$work python3 "$repo/bench/gen_outputs.py" "$bytes" "$commands" >&2
db=$work/grep.db
if [ ! -f "$db.done" ]; then
  rm -f "$db" "$db-wal" "$db-shm" "$db-chunks"
  i=0
  while IFS=$'\t' read -r file cmd; do
    i=$((i + 1))
    "$SHQ_BIN" save --db "$db" -c "$cmd" --exit $((i % 7 == 0)) --started-at @$((1700000000 + i * 60)) --stdout "outputs/$file"
  done < outputs.tsv
  touch "$db.done"
fi
plain_mib=$(du -sm --apparent-size outputs/ | cut -f1)
# The same store as one made before chunk summaries existed: every output is read whole.
if [ ! -f bare.db.done ]; then
  sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  cp "$db" bare.db && cp "$db-chunks" bare.db-chunks && sqlite3 bare.db "DELETE FROM chunk_summaries" && touch bare.db.done
fi
summary_kib=$(sqlite3 "$db" "SELECT sum(length(bloom) + 24) / 1024 FROM chunk_summaries")
summary_chunks=$(sqlite3 "$db" "SELECT count(*) FROM chunk_summaries")
store_mib=$(python3 -c 'import os,sys; print("%.0f" % (sum(os.path.getsize(f) for f in sys.argv[1:] if os.path.exists(f)) / 2**20))' "$db" "$db-wal" "$db-chunks")

median_ms() {
  python3 -c 'import json,sys; print("%.0f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$1"
}
# time_it NAME COMMAND-LINE (run by bash: pipes allowed) → median ms of 5 runs after a warm-up run.
# grep exits 1 when nothing matches and 141 when `head` closes its pipe: any status is accepted.
time_it() {
  hyperfine -N -i -r "${GREP_BENCH_RUNS:-5}" -w 1 --export-json "$1.json" "bash -c '$2'" >/dev/null 2>&1
  median_ms "$1.json"
}
cpu_ms() {  # user+sys CPU of one run of a bash command line, ms (the machine may be shared: wall times lie)
  /usr/bin/time -f '%U %S' -o cpu.txt bash -c "$1" >/dev/null 2>&1 || true
  awk '{ printf "%.0f", ($1 + $2) * 1000 }' cpu.txt
}
rss_mib() {  # peak RSS of one run of a bash command line, MiB
  /usr/bin/time -f '%M' -o rss.txt bash -c "$1" >/dev/null 2>&1 || true
  awk '{ printf "%.0f", $1 / 1024 }' rss.txt
}
ratio() { python3 -c 'import sys; a,b=map(float,sys.argv[1:]); print("%.2f×" % (a/b) if b else "–")' "$1" "$2"; }

rare=frobnicate_widget
regex='test_[a-z]+_[0-9]+ failed'
common=warning
declare -A t c
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
t[rare,shq]=$(time_it shq-rare "$SHQ_BIN grep --db $db $rare")
t[rare,rg]=$(time_it rg-rare "rg $rare outputs")
t[rare,grep]=$(time_it grep-rare "grep -r $rare outputs")
t[rare,bare]=$(time_it shq-rare-bare "$SHQ_BIN grep --db bare.db $rare")
c[rare,shq]=$(cpu_ms "$SHQ_BIN grep --db $db $rare"); c[rare,bare]=$(cpu_ms "$SHQ_BIN grep --db bare.db $rare")
c[rare,rg]=$(cpu_ms "rg $rare outputs")
t[regex,shq]=$(time_it shq-regex "$SHQ_BIN grep --db $db -i \"$regex\"")
t[regex,rg]=$(time_it rg-regex "rg -i \"$regex\" outputs")
t[regex,grep]=$(time_it grep-regex "grep -r -E -i \"$regex\" outputs")
t[regex,bare]=$(time_it shq-regex-bare "$SHQ_BIN grep --db bare.db -i \"$regex\"")
c[regex,shq]=$(cpu_ms "$SHQ_BIN grep --db $db -i \"$regex\""); c[regex,bare]=$(cpu_ms "$SHQ_BIN grep --db bare.db -i \"$regex\"")
c[regex,rg]=$(cpu_ms "rg -i \"$regex\" outputs")
t[noliteral,shq]=$(time_it shq-noliteral "$SHQ_BIN grep --db $db -c -i \"(alpha|bravo)[0-9]\"")
t[noliteral,rg]=$(time_it rg-noliteral "rg -c -i \"(alpha|bravo)[0-9]\" outputs")
t[noliteral,grep]=$(time_it grep-noliteral "grep -r -c -E -i \"(alpha|bravo)[0-9]\" outputs")
t[list,shq]=$(time_it shq-list "$SHQ_BIN grep --db $db -l $common -n 20")
t[list,rg]=$(time_it rg-list "rg -l $common outputs | head -20")
t[list,grep]=$(time_it grep-list "grep -r -l $common outputs | head -20")
rss_rare=$(rss_mib "$SHQ_BIN grep --db $db $rare")
rss_all=$(rss_mib "$SHQ_BIN grep --db $db -c -i $common")

cat <<EOF
## grep

\`shq grep\` over $plain_mib MiB of generated output (\`gen_outputs.py $bytes $commands\`: build logs, compiler
warnings, test runs; a fifth coloured, a tenth with CRLF) stored by one \`shq save --stdout\` per command
(store: $store_mib MiB, zstd chunks), against ripgrep ($(rg --version | sed -n 1p)) and GNU grep
($(grep --version | sed -n '1s/.* //p')) over the same bytes as $commands plain files (warm page cache).
Medians of ${GREP_BENCH_RUNS:-5} \`hyperfine -N\` runs of whole processes. shq also removes escape sequences and
carriage returns before matching (rg and grep search the raw bytes) and reads newest first.

| search | shq | rg | grep -r | shq/rg | target |
|---|---|---|---|---|---|
| rare literal: \`shq grep $rare\` | ${t[rare,shq]} ms | ${t[rare,rg]} ms | ${t[rare,grep]} ms | $(ratio "${t[rare,shq]}" "${t[rare,rg]}") | ≤ 300 ms |
| case-insensitive regex: \`shq grep -i '$regex'\` | ${t[regex,shq]} ms | ${t[regex,rg]} ms | ${t[regex,grep]} ms | $(ratio "${t[regex,shq]}" "${t[regex,rg]}") | ≤ 2 s |
| the same two without chunk summaries (a store from before them): rare literal / regex | ${t[rare,bare]} / ${t[regex,bare]} ms | | | | |
| regex with no literal, every output read: \`shq grep -c -i '(alpha\|bravo)[0-9]'\` | ${t[noliteral,shq]} ms | ${t[noliteral,rg]} ms | ${t[noliteral,grep]} ms | $(ratio "${t[noliteral,shq]}" "${t[noliteral,rg]}") | |
| common word, first 20 commands: \`shq grep -l $common -n 20\` (\`rg -l $common \| head -20\`) | ${t[list,shq]} ms | ${t[list,rg]} ms | ${t[list,grep]} ms | $(ratio "${t[list,shq]}" "${t[list,rg]}") | ≤ 100 ms |

$([ "$bytes" = 1073741824 ] && [ "$commands" = 10000 ] || echo "**Reduced data set** (GREP_BENCH_BYTES=$bytes, GREP_BENCH_COMMANDS=$commands): the goals are for 1 GiB over 10 000 commands.")
CPU (user+sys, one run): rare literal ${c[rare,shq]} ms (without summaries ${c[rare,bare]} ms; rg ${c[rare,rg]} ms),
regex ${c[regex,shq]} ms (without summaries ${c[regex,bare]} ms; rg ${c[regex,rg]} ms).
Chunk summaries: $summary_chunks chunks, $summary_kib KiB (filters and row fields) for $plain_mib MiB of output.
Peak RSS: $rss_rare MiB for the rare literal, $rss_all MiB counting \`-i $common\` in every output (target ≤ 64 MiB).
Load average (1, 5, 15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) vCPU).
EOF
