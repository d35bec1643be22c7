# shq — fish integration (tested with fish 3.6; fish ≥ 4 works too). Set-up: add to
# ~/.config/fish/config.fish
#     shq hook init | source
# Records every interactive command (line as typed, cwd at start, start, duration, $status, $pipestatus)
# into shq's spool. The prompt path runs builtins only; any later `shq` command moves the spool into the
# store. fish_preexec gets the line exactly as typed (multi-line included), fish_postexec sees the
# command's $status, $pipestatus and $CMD_DURATION and appends one line to the spool. See Docs/hooks.md.
#
# The clock: fish has no $EPOCHREALTIME, and `date` would be a process per prompt. /proc/uptime (read
# with the `read` builtin) is CLOCK_BOOTTIME in centiseconds; `shq hook init` hands over
# __shq_clock_offset = CLOCK_REALTIME − CLOCK_BOOTTIME in µs, so offset + uptime is the time of day
# (10 ms steps), read in fish_preexec for the start. The duration is fish's own $CMD_DURATION (ms).
#
# The per-command path is as few fish statements as it can be: fish 3.6 spends about 20 000 instructions
# on any statement and 70 000 on calling an event handler (valgrind), and a `math … | read` cost 1–2.7 ms
# in an interactive fish (its --profile). So: no `math`, no pipe, no command substitution; the start is
# written as the sum `<offset>+<uptime>` (the ingest adds it); record numbers come from a list made once
# (__shq_next_batch); what depends on variables (the skip rules, the spool file) is worked out when they
# change (fish's --on-variable events), not at every prompt; no fish_prompt handler outside `shq session`.
# Docs/design/hooks-and-store.md has the figures.

# __shq_default_ignore (SHQ_IGNORE when unset) is set by `shq hook init`: the binary's list, not a copy.

# Sets __shq_t to µs since the epoch now, 10 ms steps: the clock described above. Once per shell (the
# session's start); records write the sum for the ingest to add instead.
function __shq_now
    read -l up _ </proc/uptime
    math -s0 "round($__shq_clock_offset + $up * 1000000)" | read -g __shq_t
end

# The record numbers: __shq_hi followed by the next two-digit item of __shq_nums (00 … 63), so they
# grow (100 … 163, 200 … 263, …) with one `set -e` per record. Every 64 records, when the list runs out,
# the next hundred starts (the only `math`) and a background ingest moves the spool into the store.
function __shq_next_batch
    math $__shq_hi + 1 | read -g __shq_hi
    set -g __shq_nums $__shq_digits[1..64]
    command $__shq_bin hook ingest --background </dev/null >/dev/null 2>&1 &
    disown 2>/dev/null
end

# One of our globs (*, ?, [...], \ escapes; everything else literal; an unclosed [ is literal), the one
# Sources/ShqPrivacy/GlobPattern.swift reads, as a PCRE body for `string match -r`. Every literal but
# ASCII letters, digits, _ and space is written \x{HEX}, so no character of the pattern is ever special
# to PCRE. Prints it.
function __shq_regex
    set -l c (string split '' -- $argv[1])
    set -l n (count $c)
    set -l out
    set -l i 1
    while test $i -le $n
        set -l ch $c[$i]
        if test "$ch" = '\\'
            # The next character is literal; a trailing backslash is itself.
            test $i -lt $n; and set i (math $i + 1)
            set -a out '\x{'(printf %x "'$c[$i]")'}'
            set i (math $i + 1)
        else if test "$ch" = '*'
            set -a out '.*'
            set i (math $i + 1)
        else if test "$ch" = '?'
            set -a out '.'
            set i (math $i + 1)
        else if test "$ch" = '['
            # A bracket expression, read as GlobPattern.parseSet reads it.
            set -l j (math $i + 1)
            set -l neg
            if test $j -le $n; and contains -- $c[$j] '!' '^'
                set neg '^'
                set j (math $j + 1)
            end
            set -l members
            set -l first 1
            set -l found 0
            while test $j -le $n
                set -l d $c[$j]
                set -l j1 (math $j + 1)
                set -l j2 (math $j + 2)
                if test "$d" = ']'; and test $first = 0
                    set found 1
                    break
                end
                set first 0
                if test "$d" = '['; and test $j1 -le $n; and test "$c[$j1]" = ':'
                    # [:name:]: the name runs to the first ':]' (ASCII only); without one, [ is a member.
                    set -l k $j2
                    set -l name
                    while test $k -lt $n
                        set -l k1 (math $k + 1)
                        test "$c[$k]" = ':'; and test "$c[$k1]" = ']'; and break
                        test (printf %d "'$c[$k]") -lt 128; or break
                        set -a name $c[$k]
                        set k $k1
                    end
                    set -l k1 (math $k + 1)
                    if test $k -lt $n; and test "$c[$k]" = ':'; and test "$c[$k1]" = ']'
                        set name (string join '' -- $name)
                        # PCRE's POSIX classes are ASCII-only here, as GlobPattern's are; an unknown
                        # name matches nothing.
                        if contains -- "$name" alpha digit alnum upper lower space blank punct xdigit
                            set -a members "[:$name:]"
                        end
                        set j (math $k + 2)
                        continue
                    end
                end
                if test "$d" = '\\'; and test $j -lt $n
                    set j $j1
                    set d $c[$j]
                    set j1 (math $j + 1)
                    set j2 (math $j + 2)
                end
                if test $j2 -le $n; and test "$c[$j1]" = -; and test "$c[$j2]" != ']'
                    set -l hi $c[$j2]
                    set -l next (math $j + 3)
                    if test "$hi" = '\\'; and test $next -le $n
                        set hi $c[$next]
                        set next (math $next + 1)
                    end
                    set -l lo_code (printf %d "'$d")
                    set -l hi_code (printf %d "'$hi")
                    # A reversed range matches nothing (PCRE would reject it).
                    if test $lo_code -le $hi_code
                        set -a members '\x{'(printf %x $lo_code)'}-\x{'(printf %x $hi_code)'}'
                    end
                    set j $next
                else
                    set -a members '\x{'(printf %x "'$d")'}'
                    set j $j1
                end
            end
            if test $found = 1
                if set -q members[1]
                    set -a out "[$neg"(string join '' -- $members)"]"
                else if test -n "$neg"
                    set -a out '.'
                else
                    set -a out '(?!)'
                end
                set i (math $j + 1)
            else
                set -a out '\x{5b}'
                set i (math $i + 1)
            end
        else if string match -qr '^[A-Za-z0-9_ ]$' -- $ch
            # Plain ASCII letters, digits, _ and space as they are: a shorter regex, compiled faster.
            set -a out $ch
            set i (math $i + 1)
        else
            set -a out '\x{'(printf %x "'$ch")'}'
            set i (math $i + 1)
        end
    end
    string join '' -- $out
end

# Compiles colon-separated glob list $argv[2] for list $argv[1] (ignore, exclude) into __shq_all_$1, one
# anchored PCRE alternation: one `string match` per prompt, recompiled only when the list changes.
# __shq_raw_$1 / __shq_rx_$1 keep the patterns one by one, to tell which matched.
function __shq_compile
    set -g __shq_src_$argv[1] $argv[2]
    set -l raw
    set -l rx
    for p in (string split ':' -- "$argv[2]")
        test -n "$p"; or continue
        set -a raw $p
        set -a rx (__shq_regex $p)
    end
    set -g __shq_raw_$argv[1] $raw
    set -g __shq_rx_$argv[1] $rx
    if test (count $rx) -gt 0
        set -g __shq_all_$argv[1] '(?s)\A(?:'(string join '|' -- $rx)')\z'
    else
        set -g __shq_all_$argv[1]
    end
end

# Whether LINE ($argv[2]) matches list $argv[1]; sets __shq_pat to the first pattern that does.
function __shq_match_list
    set -l all __shq_all_$argv[1]
    test -n "$$all"; or return 1
    string match -rq -- $$all $argv[2]; or return 1
    set -l raw __shq_raw_$argv[1]
    set -l rx __shq_rx_$argv[1]
    set -l patterns $$raw
    set -l i 1
    for r in $$rx
        if string match -rq -- '(?s)\A(?:'$r')\z' $argv[2]
            set -g __shq_pat $patterns[$i]
            return 0
        end
        set i (math $i + 1)
    end
    return 1
end

# The skip rules as one regex, __shq_skip_rx: any line while SHQ_DISABLED is set; else the empty line, a
# leading space or backslash, and the SHQ_IGNORE / SHQ_EXCLUDE patterns. Made again when one of those
# variables changes (--on-variable: set, erased, global or universal), so the prompt compiles and compares
# nothing and tests the line with one `string match`. (A function-local SHQ_IGNORE would be taken for the
# shell's until the next change: not supported.) Also exports SHQ_IGNORE / SHQ_EXCLUDE however they were
# set, as bash and zsh see them, for the `shq` commands run from this shell.
function __shq_rules --on-variable SHQ_IGNORE --on-variable SHQ_EXCLUDE --on-variable SHQ_DISABLED
    set -q SHQ_IGNORE; and not set -qx SHQ_IGNORE; and set -gx SHQ_IGNORE $SHQ_IGNORE
    set -q SHQ_EXCLUDE; and not set -qx SHQ_EXCLUDE; and set -gx SHQ_EXCLUDE $SHQ_EXCLUDE
    set -l ignore "$__shq_default_ignore"
    set -q SHQ_IGNORE; and set ignore "$SHQ_IGNORE"
    __shq_compile ignore "$ignore"
    __shq_compile exclude "$SHQ_EXCLUDE"
    if test -n "$SHQ_DISABLED"
        set -g __shq_skip_rx '(?s).*'
    else
        # (Quoted: with no patterns at all the substitution is an empty list, which would empty the word.)
        set -l alternatives (string join '|' -- $__shq_rx_ignore $__shq_rx_exclude)
        set -g __shq_skip_rx '(?s)\A(?:[ \\\\].*|'"$alternatives"')?\z'
    end
end

# The ignore rules (the same as `shq ignore-check` and Sources/ShqPrivacy/IgnoreRules.swift), told with
# their reason: returns 0 and sets __shq_reason when LINE ($argv[1]) is not to be recorded. The decision is
# __shq_skip_rx's, the one the hook acts on; the reason is looked for only then (one that finds none
# would say so, and the agreement test would fail on it).
function __shq_skip_reason
    set -g __shq_reason
    string match -rq -- $__shq_skip_rx "$argv[1]"; or return 1
    if test -n "$SHQ_DISABLED"
        set __shq_reason 'SHQ_DISABLED is set'
    else if test -z "$argv[1]"
        set __shq_reason 'empty line'
    else if string match -q -- ' *' "$argv[1]"
        set __shq_reason 'leading space'
    else if string match -qr -- '^\\\\' "$argv[1]"
        set __shq_reason 'leading backslash'
    else if __shq_match_list ignore "$argv[1]"
        set __shq_reason "matches SHQ_IGNORE pattern '$__shq_pat'"
    else if __shq_match_list exclude "$argv[1]"
        set __shq_reason "matches SHQ_EXCLUDE pattern '$__shq_pat'"
    else
        set __shq_reason 'skipped by __shq_skip_rx with no rule that says why (a bug)'
    end
    test -n "$__shq_reason"
end

# One spool field: backslash, TAB and newline escaped, in __shq_e (most fields have none: one `string
# match`). `string replace` works line by line; joining the lines with a written \n escapes the newlines.
# Every `string` call here gets its argument quoted: with no argument at all (an unset variable) it would
# read stdin, the terminal, at the prompt.
function __shq_escape
    set -g __shq_e "$argv[1]"
    string match -qr '[\\\\\t\n]' -- "$argv[1]"; or return 0
    string replace -a -- '\\' '\\\\' "$argv[1]" | string replace -a -- \t '\\t' | string join -- '\\n' | read -g __shq_e
end

# The spool folder of the store this shell writes to ($SHQ_DB, else the default) in __shq_dir, this
# shell's spool file in __shq_file and its `shq hook off|on` file in __shq_switch; worked out again when
# one of the variables they come from changes.
function __shq_spool_dir --on-variable SHQ_DB --on-variable XDG_DATA_HOME --on-variable HOME
    if test -n "$SHQ_DB"
        set -g __shq_dir $SHQ_DB-spool
    else if test -n "$XDG_DATA_HOME"
        set -g __shq_dir $XDG_DATA_HOME/shq/history.db-spool
    else
        set -g __shq_dir $HOME/.local/share/shq/history.db-spool
    end
    set -g __shq_file $__shq_dir/$__shq_session.spool
    set -g __shq_switch $__shq_dir/.$__shq_session.hook
end

# Makes the spool file writable when it is not (the hook's first record, or the last file was ingested):
# creates it owner-only, opened by the session line. Returns 0 when it can be written to. Never prints:
# fish reports a failed redirection even with 2>/dev/null, so the file's folder is checked first.
function __shq_open
    set -l dir $__shq_dir
    set -l file $__shq_file
    if not test -d $dir -a -w $dir
        # The data dir is missing or unwritable: recreate it (a process, but only on this failure path,
        # at most once a minute), then try once more.
        read -l up _ </proc/uptime
        set up (string replace -r '\..*' '' -- $up)
        test $up -ge $__shq_retry_at; or return 1
        set -g __shq_retry_at (math $up + 60)
        command mkdir -p -m 700 -- (string replace -r '/[^/]*$' '' -- $dir) $dir >/dev/null 2>&1; or return 1
        test -d $dir -a -w $dir; or return 1
    end
    test -e $file; and return 1
    __shq_escape "$__shq_tty"
    set -l t $__shq_e
    __shq_escape "$__shq_host"
    set -l h $__shq_e
    __shq_escape "$__shq_user"
    # Born 0600: fish sets the process umask when $umask changes (no process).
    set -l mask $umask
    set umask 0077
    printf 'S\t%s\tfish\t%s\t%s\t%s\t%s\t%s\n' $__shq_session $fish_pid "$t" "$h" "$__shq_e" $__shq_started >>$file
    set umask $mask
    test -w $file
end

# Before every command line (never an empty one): the line as typed and the cwd, then the start.
function __shq_preexec --on-event fish_preexec
    set -g __shq_pre $argv[1] $PWD
    read -g __shq_up _ </proc/uptime
end

# Applies what `shq hook off` / `shq hook on` left in file $argv[1] (see Sources/ShqHooks/HookSwitch.swift),
# then empties it: the shq process cannot set this shell's variables itself.
function __shq_hook_switch
    read -l word <$argv[1]
    printf '' >$argv[1]
    switch "$word"
        case off
            set -gx SHQ_DISABLED 1
        case on
            set -e SHQ_DISABLED
    end
end

# After every command line (fish runs each fish_postexec handler with the command's $status and
# $pipestatus, and puts them back after the last, so this one need not return them), and
# $CMD_DURATION in ms (written with 000 after it: µs; an empty one is then 0). The line goes into the spool
# with one printf when the file is there and writable; else __shq_open makes it (or the record is lost,
# silently: the command and the prompt never suffer for it).
function __shq_postexec --on-event fish_postexec
    set -l st $status "$CMD_DURATION" $pipestatus
    test -s $__shq_switch; and __shq_hook_switch $__shq_switch
    if set -q __shq_pre[2]; and not string match -rq -- $__shq_skip_rx $__shq_pre[1]
        set -g __shq_n $__shq_hi$__shq_nums[1]
        set -e __shq_nums[1]
        if string match -qr '[\\\\\t\n]' -- $__shq_pre
            __shq_escape "$__shq_pre[1]"
            set __shq_pre[1] $__shq_e
            __shq_escape "$__shq_pre[2]"
            set __shq_pre[2] $__shq_e
        end
        if test -w $__shq_file; or __shq_open
            printf 'C\t%s\t%s\t%s+%s\t%s000\t%s\t%s\t%s\t%s\n' $__shq_session $__shq_n $__shq_clock_offset "$__shq_up" \
                $st[2] $st[1] "$st[3..-1]" $__shq_pre[2] $__shq_pre[1] >>$__shq_file
        else
            set -g __shq_n
        end
        set -q __shq_nums[1]; or __shq_next_batch
    else
        set -g __shq_n
    end
end

# shqr CMD…: run through `shq run` (output captured), arguments passed as they are. An abbreviation, not
# a function: the line then reads `shq run -- CMD…` when it runs, so fish names the job after `shq run`
# as it would without the hook (a function's job would be named `shqr`). For the same reason `shq`
# itself is not wrapped.
abbr -a -g shqr 'shq run --'

# Installed once per shell (sourcing again only refreshes the functions).
if not set -q __shq_loaded
    set -g __shq_loaded 1
    set -q __shq_bin; or set -g __shq_bin shq
    set -q __shq_tty; or set -g __shq_tty
    # Without the offset from `shq hook init` (the script sourced some other way): the boot time from
    # /proc/stat, whole seconds.
    if not set -q __shq_clock_offset
        set -g __shq_clock_offset (math (string match -r '^btime (\d+)' </proc/stat)[2] '* 1000000')
    end
    __shq_now
    set -g __shq_started $__shq_t
    set -g __shq_n
    set -g __shq_digits
    for t in 0 1 2 3 4 5 6 7 8 9
        set -a __shq_digits $t{0,1,2,3,4,5,6,7,8,9}
    end
    set -g __shq_nums $__shq_digits[1..64]
    set -g __shq_hi 1
    set -g __shq_retry_at 0
    # A UUID v7 for this shell, made from builtins: 48 bits of milliseconds, version, variant, random.
    set -l ms (math -s0 "floor($__shq_started / 1000)")
    set -g __shq_session (printf '%08x-%04x-7%03x-%04x-%04x%04x%04x' (math -s0 "floor($ms / 65536)") (math "bitand($ms, 65535)") \
        (random 0 4095) (math "bitor(bitand("(random 0 65535)", 16383), 32768)") (random 0 65535) (random 0 65535) \
        (math "bitxor("(random 0 65535)", bitand($fish_pid, 32767))"))
    set -gx SHQ_SESSION $__shq_session
    set -g __shq_user $USER
    set -g __shq_host $hostname
    # fish ≥ 4 writes the OSC 133 marks itself.
    set -g __shq_fish_marks 0
    string match -qr '^[4-9]|^[1-9][0-9]' -- $version; and set -g __shq_fish_marks 1
    # The spool file and its session line, now rather than at a prompt.
    __shq_spool_dir
    test -w $__shq_file; or __shq_open
end
# What the variables say now (their handlers run only when they change).
__shq_rules

# --- Marks for `shq session` (set only in a shell the proxy started: __shq_mark_nonce) ----------------
# The proxy gets its own marks, carrying its nonce and the record's key (session:n, empty when this
# command was not recorded); it takes them out of the stream. Both ends come from the fish_preexec and
# fish_postexec handlers, so nothing fish prints between commands (its ⏎ after output without a final
# newline, job notices) is taken for a command's output. The real terminal gets the bare OSC 133 marks
# C (output start), D;status and A (prompt start) from us in fish < 4, which has none; fish ≥ 4 writes
# A, C and D itself, so we write only the private ones there (no doubled marks). No B: it would have to
# go into the user's fish_prompt. printf is a builtin: no process on the prompt path.
# The handlers exist only under `shq session`; defined after __shq_preexec / __shq_postexec, so fish
# runs them after those (in the order they were defined), when the record's number is known.
if set -q __shq_mark_nonce
    function __shq_mark_start --on-event fish_preexec
        test $__shq_fish_marks = 1; or printf '\e]133;C\a'
        printf '\e]shq;mark;%s;C\a' $__shq_mark_nonce
    end
    # The record's key is `session:n` when this command was recorded (__shq_n is empty when not).
    function __shq_mark_end --on-event fish_postexec
        set -l st $status
        set -l key
        test -n "$__shq_n"; and set key $__shq_session:$__shq_n
        printf '\e]shq;mark;%s;D;%s\a' $__shq_mark_nonce "$key"
        test $__shq_fish_marks = 1; or printf '\e]133;D;%s\a' $st
    end
    if test $__shq_fish_marks = 0
        function __shq_prompt_mark --on-event fish_prompt
            printf '\e]133;A\a'
        end
    end
end

# --- Ctrl-R: `shq pick` (and Up with SHQ_BIND_UP=1) -------------------------------------------------
# The picker gets the line typed so far as its query and draws on the terminal itself; its first output
# line says what to do with the rest: `run` (Enter: the line replaces the typed one and runs), `edit`
# (Tab: it is left on the line). Cancelled (Esc, Ctrl-G, Ctrl-C), it prints nothing and fails: the typed
# line stays. `string collect` keeps a multi-line command one argument. SHQ_BIND_CTRL_R=0 or
# `shq hook init --no-bind` leaves the keys alone. User bindings (no --preset), so fish's own
# fish_default_key_bindings / fish_vi_key_bindings, which reset only the preset ones, keep them.
function __shq_pick
    set -l query (commandline | string collect)
    set -l out (command $__shq_bin pick --widget --query "$query" $argv)
    if test $status -eq 0; and set -q out[2]
        commandline -r -- (string join \n -- $out[2..-1] | string collect)
        commandline -f repaint
        test "$out[1]" = run; and commandline -f execute
    else
        commandline -f repaint
    end
end

if status is-interactive; and test -z "$__shq_no_bind"; and test "$SHQ_BIND_CTRL_R" != 0
    bind \cr __shq_pick
    bind -M insert \cr __shq_pick
    if test "$SHQ_BIND_UP" = 1
        bind \e\[A '__shq_pick --filter session'
        bind \eOA '__shq_pick --filter session'
        bind -M insert \e\[A '__shq_pick --filter session'
        bind -M insert \eOA '__shq_pick --filter session'
    end
end

# What `shq doctor` reads to tell that this shell has the hook: the shell, its pid, the version of shq
# that printed the hook.
set -gx SHQ_HOOK "fish $fish_pid $__shq_version"
