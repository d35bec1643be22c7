#!/usr/bin/env bash
# Writes bench/hot-symbols.txt: every function shq's everyday commands run, which the release link lays
# out together (lld --symbol-ordering-file, see RELEASE_FLAGS in the Makefile). A short-lived shq then
# touches fewer pages of its ~12 MB of code: 0.5–1 ms less per command (Docs/run.md). Symbols that no
# longer exist are skipped by the linker, so a stale list only costs that gain; re-run after big changes.
# swift build does not know the list is a link input: after writing it, delete the release binary to relink.
# Usage: SHQ_BIN=path/to/release/shq bash bench/hot-symbols.sh   (needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SHQ_BIN:?set SHQ_BIN to a release shq binary}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# valgrind cannot read the release binary's DWARF 5 debug information: profile a copy without it.
strip --strip-debug -o "$work/shq" "$SHQ_BIN"
export SHQ_DB="$work/history.db" HOME="$work" SHQ_SESSION=hot-symbols
"$work/shq" save -c 'make test' --exit 2 --duration 1500 >/dev/null
"$work/shq" run -c 'echo built' >/dev/null

runs=0
profile() {
  runs=$((runs + 1))
  valgrind --tool=callgrind --demangle=no --compress-strings=no --callgrind-out-file="$work/$runs.callgrind" \
    "$work/shq" "$@" >/dev/null 2>&1 </dev/null || true
}
profile run true
profile run -c 'echo out; echo err >&2'
profile save -c 'git status' --exit 0 --duration 12
profile history -n 20
profile history %failed
profile search make
profile show
profile info
profile stats
profile jobs
profile hook ingest
profile --version

# Each function once (recursion marks like fn'2 dropped), those named in more call sites first.
sed -n 's/^c\{0,1\}fn=//p' "$work"/*.callgrind | grep -v '^0x' | sed "s/'[0-9]*\$//" \
  | sort | uniq -c | sort -k1,1nr -k2,2 | awk '{print $2}' > bench/hot-symbols.txt
echo "wrote bench/hot-symbols.txt ($(wc -l < bench/hot-symbols.txt) symbols from $runs commands)" >&2
