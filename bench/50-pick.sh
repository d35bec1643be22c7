#!/usr/bin/env bash
# The Ctrl-R picker (`shq pick`) against fzf over the same commands (`shq sql` output, newest first), both
# the foreground job of a fresh 120x40 pseudo-terminal driven by bench/pty/pick-time.c: time to the first
# frame, time until everything is loaded and drawn, each keystroke of a typed query to its redrawn frame,
# peak RSS and CPU time; and `fzf --filter` (no terminal) matching the same query over every line.
# At 100k and 1M generated commands (bench/gen_history.py, imported from its zsh-histdb file).
#   SHQ_BIN=… bash bench/50-pick.sh        (PICK_BENCH_SIZES="100000" for a quick run)
# atuin's picker is not measured: `atuin search -i` needs its own shell integration set up in the pseudo-
# terminal, which did not fit the time this benchmark was written in (Docs/design/picker.md).
set -euo pipefail
: "${SHQ_BIN:?set SHQ_BIN to the shq binary to measure}"
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${PICK_BENCH_DIR:-${TMPDIR:-/tmp}/shq-bench-pick}
sizes=${PICK_BENCH_SIZES:-100000 1000000}
query=gitps
mkdir -p "$work"
cd "$work"
"${CC:-$(command -v cc || command -v clang)}" -O2 -Wall -Wextra -o pick-time "$repo/bench/pty/pick-time.c" -lutil
command -v fzf >/dev/null || { echo "fzf is missing (make deps installs it)" >&2; exit 1; }

median() { python3 -c 'import statistics,sys; print("%.1f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
ratio() { python3 -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print("%.2f" % (a/b) if b > 0 else "-")' "$1" "$2"; }

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "## Ctrl-R picker: shq pick and fzf"
echo
echo "Each picker runs in a fresh 120x40 pseudo-terminal (\`bench/pty/pick-time.c\`), query typed one key at a"
echo "time after everything is loaded (\`$query\`), each key timed to the last byte of its redraw (the frame"
echo "is done when 300 ms pass without output). shq: \`shq pick\` (first frame: the first complete frame it"
echo "draws; loaded: the last frame of the background load). fzf $(fzf --version | cut -d' ' -f1): \`fzf --height"
echo "40% --scheme=history < cmds\` over \`shq sql 'SELECT cmd FROM invocations ORDER BY started_at DESC'\`"
echo "(its frames are drawn as lines stream in, so only its settled time is given). Medians of the runs."
echo "Ratios are shq / fzf. Targets (issue #17): first frame ≤ 25 ms at 100k, ≤ 60 ms at 1M; keystroke"
echo "≤ 16 ms at 100k, ≤ 50 ms at 1M; memory ≤ 100 MiB at 1M."
echo
echo "| commands | measure | shq pick | fzf | shq / fzf |"
echo "|---|---|---|---|---|"
for n in $sizes; do
  [ -f "zsh-histdb-$n.db" ] || OUT_DIR=$work python3 "$repo/bench/gen_history.py" "$n" >&2
  db=$work/shq-$n.db
  [ -f "$db" ] || "$SHQ_BIN" import --db "$db" zsh-histdb "zsh-histdb-$n.db" >&2
  [ -f "cmds-$n" ] || "$SHQ_BIN" sql --db "$db" "SELECT cmd FROM invocations ORDER BY started_at DESC, seq DESC" | tail -n +2 > "cmds-$n"
  if [ "$n" -ge 1000000 ]; then runs=3; else runs=5; fi
  declare -a s_first=() s_loaded=() s_keys=() s_rss=() s_cpu=() f_loaded=() f_keys=() f_rss=() f_cpu=()
  for _ in $(seq "$runs"); do
    read -r -a r < <(./pick-time -s 120 40 -m '\033[?25h' -q 300 -k "$query" env SHQ_DB="$db" "$SHQ_BIN" pick)
    s_first+=("${r[0]}"); s_loaded+=("${r[1]}"); s_keys+=("${r[@]:2:${#query}}"); s_rss+=("${r[-2]}"); s_cpu+=("${r[-1]}")
    read -r -a r < <(./pick-time -s 120 40 -q 300 -k "$query" sh -c "exec fzf --height 40% --scheme=history < cmds-$n")
    f_loaded+=("${r[1]}"); f_keys+=("${r[@]:2:${#query}}"); f_rss+=("${r[-2]}"); f_cpu+=("${r[-1]}")
  done
  hyperfine -N -r 5 -w 1 --export-json "fzf-filter-$n.json" "sh -c 'fzf --filter $query --scheme=history < cmds-$n > /dev/null'" >/dev/null 2>&1
  filter=$(python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "fzf-filter-$n.json")
  label=$([ "$n" -ge 1000000 ] && echo "$((n / 1000000))M" || echo "$((n / 1000))k")
  distinct=$(wc -l < "cmds-$n")
  a=$(median "${s_first[@]}"); echo "| $label | open to first frame (ms) | $a | | |"
  a=$(median "${s_loaded[@]}"); b=$(median "${f_loaded[@]}"); echo "| $label | everything loaded and drawn (ms) | $a | $b | $(ratio "$a" "$b") |"
  a=$(median "${s_keys[@]}"); b=$(median "${f_keys[@]}"); echo "| $label | keystroke to its frame, median of ${#query} keys × $runs runs (ms) | $a | $b | $(ratio "$a" "$b") |"
  a=$(python3 -c 'import sys; print(max(float(x) for x in sys.argv[1:]))' "${s_keys[@]}"); b=$(python3 -c 'import sys; print(max(float(x) for x in sys.argv[1:]))' "${f_keys[@]}")
  echo "| $label | slowest keystroke (ms) | $a | $b | $(ratio "$a" "$b") |"
  a=$(median "${s_rss[@]}"); b=$(median "${f_rss[@]}")
  echo "| $label | peak RSS (MiB) | $(python3 -c "print('%.1f' % ($a/1024))") | $(python3 -c "print('%.1f' % ($b/1024))") | $(ratio "$a" "$b") |"
  a=$(median "${s_cpu[@]}"); b=$(median "${f_cpu[@]}"); echo "| $label | CPU time, open to Esc (ms) | $a | $b | $(ratio "$a" "$b") |"
  echo "| $label | \`fzf --filter $query\` over all $distinct lines (ms, hyperfine) | | $filter | |"
  unset s_first s_loaded s_keys s_rss s_cpu f_loaded f_keys f_rss f_cpu
done
echo
echo "Load average $load_start before, $(cut -d' ' -f1-3 /proc/loadavg) after."
