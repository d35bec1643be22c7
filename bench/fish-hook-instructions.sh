#!/usr/bin/env bash
# What the fish hook adds to each command, in instructions (valgrind's callgrind, the fish process alone):
# an interactive fish on a pseudo-terminal fed N `true` lines then `exit`, and fed `exit` alone, with and
# without the hook; per command = ((hook, N) − (hook, 0) − ((none, N) − (none, 0))) / N. Instruction
# counts do not drift with the machine's load (bench/30-hooks.sh gives the times). Not part of make bench
# (four valgrind runs of fish take minutes).
# Usage: SHQ_BIN=path/to/shq bash bench/fish-hook-instructions.sh [HOOK_FILE]
#   HOOK_FILE: a shq.fish to source instead of `shq hook init --shell fish` (e.g. an older one, from
#   `git show REV:shell-hooks/shq.fish`), with the settings `hook init` would give it.
set -euo pipefail
: "${SHQ_BIN:?set SHQ_BIN to the shq binary}"
N=${N:-200}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$(dirname "$0")/pty/drive_pty.py" "$work/drive_pty.py"
{ for _ in $(seq "$N"); do echo true; done; echo exit; } > "$work/burst"
echo exit > "$work/burst0"
hook_line="$SHQ_BIN hook init --shell fish | source"
if [ -n "${1:-}" ]; then
  # The assignments `hook init` prints, then the given script.
  "$SHQ_BIN" hook init --shell fish | sed -n '/^set -g __shq/p' > "$work/settings.fish"
  hook_line="source $work/settings.fish; source $(readlink -f "$1")"
fi
count() {  # tool burst → instructions
  local dir=$work/$1-$2
  mkdir -p "$dir/fish" "$dir/home/.local/share/fish/generated_completions"
  { echo "function fish_prompt; printf '\$ '; end"; echo "set -g fish_greeting"; echo "set -g fish_autosuggestion_enabled 0"
    echo "set -gx SHQ_DB $dir/db/history.db"
    [ "$1" = hook ] && echo "$hook_line"; } > "$dir/fish/config.fish"
  env HOME="$dir/home" XDG_CONFIG_HOME="$dir" python3 "$work/drive_pty.py" "$work/$2" \
    valgrind --tool=callgrind --callgrind-out-file="$dir/cg" fish -i >/dev/null 2>&1
  sed -n 's/^summary: //p' "$dir/cg"
}
none_n=$(count none burst); none_0=$(count none burst0); hook_n=$(count hook burst); hook_0=$(count hook burst0)
python3 - "$N" "$none_n" "$none_0" "$hook_n" "$hook_0" <<'PY'
import sys
n, none_n, none_0, hook_n, hook_0 = (int(x) for x in sys.argv[1:])
fish = (none_n - none_0) / n
hook = ((hook_n - hook_0) - (none_n - none_0)) / n
print(f"| fish alone, per command | hook added, per command | ratio | hook start-up |")
print(f"|---|---|---|---|")
print(f"| {fish / 1e6:.2f} M | {hook / 1e6:.2f} M | {(fish + hook) / fish:.2f} | {(hook_0 - none_0) / 1e6:.1f} M |")
PY
