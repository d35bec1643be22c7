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

# __shq_default_ignore (SHQ_IGNORE when unset) is set by `shq hook init`: the binary's list, not a copy.

# Sets __shq_t to µs since the epoch for the /proc/uptime reading $argv[1] (default: now), 10 ms steps: the clock described above. One
# `math` into `read`: a command substitution costs 0.1-0.3 ms in fish 3.6, a pipe into `read` about half,
# so the per-command path uses none where it can.
function __shq_now
    set -l up $argv[1]
    test -n "$up"; or read up _ </proc/uptime
    math -s0 "round($__shq_clock_offset + $up * 1000000)" | read -g __shq_t
end

# One of our globs (*, ?, [...], \ escapes; everything else literal; an unclosed [ is literal), the one
# Sources/ShqPrivacy/GlobPattern.swift reads, as a PCRE body for `string match -r`. Every literal is
# written \x{HEX}, so no character of the pattern is ever special to PCRE. Prints it.
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

# The ignore rules (the same as `shq ignore-check` and Sources/ShqPrivacy/IgnoreRules.swift).
# Returns 0 and sets __shq_reason when LINE ($argv[1]) is not to be recorded.
function __shq_skip_reason
    set -g __shq_reason
    set -l line "$argv[1]"
    set -l ignore "$__shq_default_ignore"
    set -q SHQ_IGNORE; and set ignore "$SHQ_IGNORE"
    set -l exclude "$SHQ_EXCLUDE"
    if test -n "$SHQ_DISABLED"
        set __shq_reason 'SHQ_DISABLED is set'
    else if test -z "$line"
        set __shq_reason 'empty line'
    else if string match -q -- ' *' "$line"
        set __shq_reason 'leading space'
    else if string match -qr '^\\\\' -- "$line"
        set __shq_reason 'leading backslash'
    else
        test "$__shq_src_ignore" = "$ignore"; and set -q __shq_all_ignore; or __shq_compile ignore "$ignore"
        test "$__shq_src_exclude" = "$exclude"; and set -q __shq_all_exclude; or __shq_compile exclude "$exclude"
        if __shq_match_list ignore $line
            set __shq_reason "matches SHQ_IGNORE pattern '$__shq_pat'"
        else if __shq_match_list exclude $line
            set __shq_reason "matches SHQ_EXCLUDE pattern '$__shq_pat'"
        end
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

# The spool folder of the store this shell writes to ($SHQ_DB, else the default), in __shq_dir.
function __shq_spool_dir
    if test -n "$SHQ_DB"
        set -g __shq_dir $SHQ_DB-spool
    else if test -n "$XDG_DATA_HOME"
        set -g __shq_dir $XDG_DATA_HOME/shq/history.db-spool
    else
        set -g __shq_dir $HOME/.local/share/shq/history.db-spool
    end
end

# Appends $argv[1] (one or more lines) to the session's spool file, creating it owner-only. Never prints:
# fish reports a failed redirection even with 2>/dev/null, so the folder is checked first.
function __shq_append
    __shq_spool_dir
    set -l dir $__shq_dir
    set -l file $dir/$__shq_session.spool
    set -l text $argv[1]
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
    if not test -e $file
        # A new file (first record, or the last one was ingested): the session line opens it.
        __shq_escape "$__shq_tty"
        set -l t $__shq_e
        __shq_escape "$__shq_host"
        set -l h $__shq_e
        __shq_escape "$__shq_user"
        set text 'S	'$__shq_session'	fish	'$fish_pid'	'$t'	'$h'	'$__shq_e'	'$__shq_started\n$text
        # Born 0600: fish sets the process umask when $umask changes (no process).
        set -l mask $umask
        set umask 0077
        printf '%s' $text >>$file
        set umask $mask
    else if test -w $file
        printf '%s' $text >>$file
    else
        return 1
    end
    # Every 64 records a background ingest (a list that grows to 64 items: no arithmetic).
    set -a __shq_batch 1
    if set -q __shq_batch[64]
        set -g __shq_batch
        command $__shq_bin hook ingest --background </dev/null >/dev/null 2>&1 &
        disown 2>/dev/null
    end
    return 0
end

function __shq_preexec --on-event fish_preexec
    set -g __shq_line $argv[1]
    set -g __shq_cwd $PWD
    # The start, read now (the arithmetic waits for fish_postexec): in order even for commands that
    # start within the same 10 ms step.
    read -g __shq_up _ </proc/uptime
    set -g __shq_pending 1
    set -q __shq_mark_nonce; and __shq_mark_start
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

# After every command line: fish_postexec handlers all see the command's $status and $pipestatus.
function __shq_postexec --on-event fish_postexec
    set -l st $status
    set -l pipe $pipestatus
    set -l duration $CMD_DURATION
    test -n "$duration"; or set duration 0
    __shq_spool_dir
    test -s $__shq_dir/.$__shq_session.hook; and __shq_hook_switch $__shq_dir/.$__shq_session.hook
    test -n "$__shq_pending"; or return $st
    set -g __shq_pending
    set -l recorded
    if not __shq_skip_reason $__shq_line
        __shq_now $__shq_up
        math $__shq_n + 1 | read -g __shq_n
        __shq_escape "$__shq_cwd"
        set -l c $__shq_e
        __shq_escape "$__shq_line"
        __shq_append 'C	'$__shq_session'	'$__shq_n'	'$__shq_t'	'$duration'000	'$st'	'"$pipe"'	'$c'	'$__shq_e\n
        and set recorded $__shq_session:$__shq_n
    end
    set -q SHQ_IGNORE; and not set -qx SHQ_IGNORE; and set -gx SHQ_IGNORE $SHQ_IGNORE
    set -q SHQ_EXCLUDE; and not set -qx SHQ_EXCLUDE; and set -gx SHQ_EXCLUDE $SHQ_EXCLUDE
    set -q __shq_mark_nonce; and __shq_mark_end $st "$recorded"
    return $st
end

# Before every prompt (also after an empty Enter, which runs nothing): the first opens the spool with the
# session line; under `shq session` in fish < 4, the prompt-start mark.
function __shq_prompt --on-event fish_prompt
    set -l st $status
    set -q __shq_opened; or __shq_append ''; and set -g __shq_opened 1
    set -q __shq_mark_nonce; and test $__shq_fish_marks = 0; and printf '\e]133;A\a'
    return $st
end

# --- Marks for `shq session` (set only in a shell the proxy started: __shq_mark_nonce) ----------------
# The proxy gets its own marks, carrying its nonce and the record's key (session:n, empty when this
# command was not recorded); it takes them out of the stream. Both ends come from the fish_preexec and
# fish_postexec handlers, so nothing fish prints between commands (its ⏎ after output without a final
# newline, job notices) is taken for a command's output. The real terminal gets the bare OSC 133 marks
# C (output start), D;status and A (prompt start) from us in fish < 4, which has none; fish ≥ 4 writes
# A, C and D itself, so we write only the private ones there (no doubled marks). No B: it would have to
# go into the user's fish_prompt. printf is a builtin: no process on the prompt path.
function __shq_mark_start
    test $__shq_fish_marks = 1; or printf '\e]133;C\a'
    printf '\e]shq;mark;%s;C\a' $__shq_mark_nonce
end

function __shq_mark_end
    printf '\e]shq;mark;%s;D;%s\a' $__shq_mark_nonce $argv[2]
    test $__shq_fish_marks = 1; or printf '\e]133;D;%s\a' $argv[1]
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
    set -g __shq_n 0
    set -g __shq_batch
    set -g __shq_retry_at 0
    set -g __shq_pending
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
end

# What `shq doctor` reads to tell that this shell has the hook: the shell, its pid, the version of shq
# that printed the hook.
set -gx SHQ_HOOK "fish $fish_pid $__shq_version"
