# shq — bash integration (bash ≥ 5.0). Set-up: add to ~/.bashrc
#     eval "$(shq hook init)"
# Records every interactive command (line as typed, cwd at start, start, duration, $?, PIPESTATUS) into
# shq's spool. The prompt path runs builtins only; any later `shq` command moves the spool into the store.
#
# How it works, and why (see Docs/hooks.md):
# - PS0 is expanded after a line is read and before it runs, in this shell (no subshell for parameter
#   expansions): `${__shq_ps0[KEY]=}` stores "history-number start-time cwd" as an array key and prints
#   nothing. Empty lines and Ctrl-C never expand PS0, so they record nothing.
# - PROMPT_COMMAND (ours first, to see $? and PIPESTATUS) reads the line from `history 1` through a
#   scratch file (a builtin with a redirection, no fork), applies the ignore rules, appends one line.
# - So every line reaches the history list, ignorespace/ignoredups/HISTIGNORE are applied by the hook
#   instead of by bash (same effect on your history), which is why HISTCONTROL looks edited.

# __shq_default_ignore (SHQ_IGNORE when unset) is set by `shq hook init`: the binary's list, not a copy.

# Compiles colon-separated glob list $2 for list $1 (ignore, exclude) into __shq_all_$1, one extglob
# alternation @(p1|p2|…): one [[ == ]] per prompt instead of one per pattern (3 µs instead of 70 µs).
# __shq_raw_$1 / __shq_glob_$1 keep the patterns one by one, to tell which matched.
__shq_compile() {
    local -n __shq_src=__shq_src_$1 __shq_raw=__shq_raw_$1 __shq_glob=__shq_glob_$1 __shq_all=__shq_all_$1
    __shq_src=$2 __shq_raw=() __shq_glob=() __shq_all=
    local __shq_rest=$2: __shq_p __shq_joined=
    while [[ -n $__shq_rest ]]; do
        __shq_p=${__shq_rest%%:*}
        __shq_rest=${__shq_rest#*:}
        [[ -n $__shq_p ]] || continue
        __shq_raw+=("$__shq_p")
        __shq_bash_glob "$__shq_p"
        __shq_glob+=("$__shq_g")
        __shq_joined+=${__shq_joined:+|}$__shq_g
    done
    [[ -z $__shq_joined ]] || __shq_all="@($__shq_joined)"
}

# Sets __shq_pat to the first pattern of list $1 that matches LINE ($2).
__shq_which() {
    local -n __shq_raw=__shq_raw_$1 __shq_glob=__shq_glob_$1
    local __shq_i
    for __shq_i in "${!__shq_glob[@]}"; do
        if [[ $2 == ${__shq_glob[__shq_i]} ]]; then __shq_pat=${__shq_raw[__shq_i]}; return; fi
    done
}

# One of our globs (*, ?, [...], \ escapes, everything else literal) as a bash pattern in __shq_g that
# also works inside @(…|…): ( ) | are escaped, so bash's extglob never applies; an unclosed [ (read as
# GlobPattern.parseSet reads it) and a trailing \ become literal.
__shq_bash_glob() {
    local __shq_c __shq_k __shq_j __shq_n=${#1} __shq_first
    __shq_g=
    for (( __shq_k = 0; __shq_k < __shq_n; __shq_k++ )); do
        __shq_c=${1:__shq_k:1}
        case $__shq_c in
            '\') if (( __shq_k + 1 < __shq_n )); then __shq_g+=${1:__shq_k:2}; (( __shq_k++ )); else __shq_g+='\\'; fi ;;
            '('|')'|'|') __shq_g+="\\$__shq_c" ;;
            '[')
                # Find the closing ]: after an optional ! or ^, the first member may be ], [:name:] is a
                # class, \ escapes the next character.
                __shq_j=$(( __shq_k + 1 ))
                [[ ${1:__shq_j:1} == [!^] ]] && (( __shq_j++ ))
                __shq_first=1
                while (( __shq_j < __shq_n )); do
                    __shq_c=${1:__shq_j:1}
                    if [[ $__shq_c == ']' && -z $__shq_first ]]; then break; fi
                    __shq_first=
                    if [[ $__shq_c == '[' && ${1:__shq_j+1:1} == ':' && ${1:__shq_j+2} =~ ^[[:alnum:]]*:\] ]]; then
                        __shq_j=$(( __shq_j + 2 + ${#BASH_REMATCH} )); continue
                    fi
                    [[ $__shq_c == '\' ]] && (( __shq_j++ ))
                    (( __shq_j++ ))
                done
                if (( __shq_j < __shq_n )); then
                    # Copy the bracket expression, escaping ( ) | that are not escaped yet.
                    for (( ; __shq_k <= __shq_j; __shq_k++ )); do
                        __shq_c=${1:__shq_k:1}
                        if [[ $__shq_c == '\' ]]; then __shq_g+=${1:__shq_k:2}; (( __shq_k++ ))
                        elif [[ $__shq_c == [\(\)\|] ]]; then __shq_g+="\\$__shq_c"
                        else __shq_g+=$__shq_c; fi
                    done
                    (( __shq_k-- ))
                else
                    __shq_g+='\['
                fi ;;
            *) __shq_g+=$__shq_c ;;
        esac
    done
}

# The ignore rules (the same as `shq ignore-check` and Sources/ShqPrivacy/IgnoreRules.swift).
# Returns 0 and sets __shq_reason when LINE ($1) is not to be recorded.
__shq_skip_reason() {
    __shq_reason=
    if [[ -n ${SHQ_DISABLED-} ]]; then __shq_reason='SHQ_DISABLED is set'
    elif [[ -z $1 ]]; then __shq_reason='empty line'
    elif [[ $1 == ' '* ]]; then __shq_reason='leading space'
    elif [[ $1 == '\'* ]]; then __shq_reason='leading backslash'
    else
        [[ -n ${__shq_src_ignore+x} && ${SHQ_IGNORE-$__shq_default_ignore} == "$__shq_src_ignore" ]] \
            || __shq_compile ignore "${SHQ_IGNORE-$__shq_default_ignore}"
        [[ -n ${__shq_src_exclude+x} && ${SHQ_EXCLUDE-} == "$__shq_src_exclude" ]] || __shq_compile exclude "${SHQ_EXCLUDE-}"
        local __shq_nocase=
        if shopt -q nocasematch; then __shq_nocase=1; shopt -u nocasematch; fi
        if [[ -n $__shq_all_ignore && $1 == $__shq_all_ignore ]]; then
            __shq_which ignore "$1"; __shq_reason="matches SHQ_IGNORE pattern '$__shq_pat'"
        elif [[ -n $__shq_all_exclude && $1 == $__shq_all_exclude ]]; then
            __shq_which exclude "$1"; __shq_reason="matches SHQ_EXCLUDE pattern '$__shq_pat'"
        fi
        [[ -z $__shq_nocase ]] || shopt -s nocasematch
    fi
    [[ -n $__shq_reason ]]
}

# One spool field: backslash, TAB and newline escaped. Sets __shq_e.
__shq_escape() {
    local __shq_bs='\\' __shq_tab='\t' __shq_nl='\n'
    __shq_e=${1//\\/"$__shq_bs"}
    __shq_e=${__shq_e//$'\t'/"$__shq_tab"}
    __shq_e=${__shq_e//$'\n'/"$__shq_nl"}
}

# Appends $1 (one or more lines) to the session's spool file, creating it owner-only. Never prints.
__shq_append() {
    local __shq_db=${SHQ_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/shq/history.db}
    local __shq_file=$__shq_db-spool/$__shq_session.spool __shq_text=$1
    if [[ ! -e $__shq_file ]]; then
        # A new file (first record, or the last one was ingested): the session line opens it.
        __shq_escape "$__shq_tty"; local __shq_t=$__shq_e
        __shq_escape "$__shq_host"; local __shq_h=$__shq_e
        __shq_escape "$__shq_user"; local __shq_u=$__shq_e
        __shq_text=$'S\t'"$__shq_session"$'\tbash\t'"$$"$'\t'"$__shq_t"$'\t'"$__shq_h"$'\t'"$__shq_u"$'\t'"$__shq_started"$'\n'"$__shq_text"
        # Born 0600: umask 077 for the one write, then back to the user's (read from /proc: no fork).
        local __shq_k __shq_mask=
        { IFS=$': \t' read -r __shq_k __shq_k; IFS=$': \t' read -r __shq_k __shq_mask; } </proc/self/status 2>/dev/null
        if [[ $__shq_k == Umask && -n $__shq_mask ]]; then
            umask 077
            { printf '%s' "$__shq_text" >>"$__shq_file"; } 2>/dev/null; local __shq_rc=$?
            { : >>"$__shq_db-spool/.$__shq_session.line"; } 2>/dev/null
            umask "$__shq_mask"
        else
            { printf '%s' "$__shq_text" >>"$__shq_file"; } 2>/dev/null; local __shq_rc=$?
        fi
    else
        { printf '%s' "$__shq_text" >>"$__shq_file"; } 2>/dev/null; local __shq_rc=$?
    fi
    if (( __shq_rc != 0 )); then
        # The data dir is missing or unwritable: recreate it (a process, but only on this failure path,
        # at most once a minute), then try once more. Nothing is ever printed.
        local __shq_now=${EPOCHREALTIME%%[.,]*}
        (( __shq_now >= ${__shq_retry_at:-0} )) || return 1
        __shq_retry_at=$(( __shq_now + 60 ))
        command mkdir -p -m 700 -- "${__shq_db%/*}" "$__shq_db-spool" >/dev/null 2>&1 || return 1
        [[ -e $__shq_file ]] || { __shq_append "$1"; return; }
        { printf '%s' "$__shq_text" >>"$__shq_file"; } 2>/dev/null || return 1
    fi
    (( ++__shq_written % 64 )) || ( "$__shq_bin" hook ingest --background </dev/null >/dev/null 2>&1 & )
    return 0
}

# Before each line is read: make bash keep every line in the history list (we read it back from there)
# and remember the user's ignorespace/ignoredups/HISTIGNORE, which __shq_history_filter applies instead.
__shq_history_prepare() {
    if [[ ${HISTCONTROL-} != "${__shq_hc_set-}" ]]; then
        __shq_hc=${HISTCONTROL-}
        if [[ :$__shq_hc: == *:erasedups:* ]]; then HISTCONTROL=erasedups; else HISTCONTROL=; fi
        __shq_hc_set=$HISTCONTROL
    fi
    if [[ -n ${HISTIGNORE-} ]]; then __shq_hi=$HISTIGNORE; HISTIGNORE=; fi
}

# Drops history entry $2 (line $1) if the user's settings would never have saved it.
__shq_history_filter() {
    local __shq_drop=
    case :$__shq_hc: in *:ignorespace:*|*:ignoreboth:*) [[ $1 == ' '* ]] && __shq_drop=1 ;; esac
    case :$__shq_hc: in *:ignoredups:*|*:ignoreboth:*) [[ $1 == "${__shq_hist_prev-}" ]] && __shq_drop=1 ;; esac
    if [[ -z $__shq_drop && -n ${__shq_hi-} ]]; then
        local __shq_rest=$__shq_hi: __shq_p
        while [[ -n $__shq_rest ]]; do
            __shq_p=${__shq_rest%%:*}; __shq_rest=${__shq_rest#*:}
            if [[ $__shq_p == '&' ]]; then [[ $1 == "${__shq_hist_prev-}" ]] && __shq_drop=1
            elif [[ -n $__shq_p && $1 == $__shq_p ]]; then __shq_drop=1; fi
        done
    fi
    if [[ -n $__shq_drop ]]; then builtin history -d "$2" 2>/dev/null; else __shq_hist_prev=$1; fi
}

# Applies what `shq hook off` / `shq hook on` left in file $1 (see Sources/ShqHooks/HookSwitch.swift),
# then empties it: the shq process cannot set this shell's variables itself.
__shq_hook_switch() {
    local __shq_word=
    { IFS= read -r __shq_word <"$1"; : >|"$1"; } 2>/dev/null
    case $__shq_word in
        off) export SHQ_DISABLED=1 ;;
        on) unset SHQ_DISABLED ;;
    esac
}

__shq_precmd() {
    local __shq_status=$? __shq_pipe="${PIPESTATUS[*]}"
    local __shq_key=${!__shq_ps0[*]} __shq_recorded=
    __shq_ps0=()
    local __shq_db=${SHQ_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/shq/history.db}
    local __shq_scratch=$__shq_db-spool/.$__shq_session.line
    # First prompt (or the scratch file was cleaned up): open the spool with the session line.
    [[ -e $__shq_scratch ]] || __shq_append ""
    [[ ! -s $__shq_db-spool/.$__shq_session.hook ]] || __shq_hook_switch "$__shq_db-spool/.$__shq_session.hook"
    if [[ -n $__shq_key && -o history ]]; then
        local __shq_end=${EPOCHREALTIME//[!0-9]/}
        local __shq_num=${__shq_key%% *} __shq_rest=${__shq_key#* }
        local __shq_start=${__shq_rest%% *} __shq_cwd=${__shq_rest#* }
        __shq_start=${__shq_start//[!0-9]/}
        local HISTTIMEFORMAT= __shq_line= __shq_hn
        # Rewritten in place and NUL-terminated, never truncated: on ext4 a truncate-and-rewrite costs
        # ~2.4 ms (its replace-via-truncate heuristic flushes the file), the in-place write ~10 µs.
        # (3<> then >&3, not 1<>: `declare -f` prints 1<> as <>, i.e. stdin, breaking a copied function.)
        if { builtin history 1; printf '\0'; } 2>/dev/null 3<>"$__shq_scratch" >&3; then
            IFS= read -r -d '' __shq_line <"$__shq_scratch"
        fi
        __shq_line=${__shq_line#"${__shq_line%%[! ]*}"}
        __shq_hn=${__shq_line%%[!0-9]*}
        # Only trust the entry PS0 saw being added (a command may rewrite history: history -c, -r).
        if [[ -n $__shq_hn && $__shq_hn == "$__shq_num" ]]; then
            __shq_line=${__shq_line#"$__shq_hn"}; __shq_line=${__shq_line#\*}; __shq_line=${__shq_line#  }
            __shq_line=${__shq_line%$'\n'}
            __shq_history_filter "$__shq_line" "$__shq_hn"
            if ! __shq_skip_reason "$__shq_line"; then
                __shq_escape "$__shq_cwd"; local __shq_c=$__shq_e
                __shq_escape "$__shq_line"
                (( ++__shq_n ))
                __shq_append "C	$__shq_session	$__shq_n	$__shq_start	$(( __shq_end - __shq_start ))	$__shq_status	$__shq_pipe	$__shq_c	$__shq_e
" && __shq_recorded=$__shq_session:$__shq_n
            fi
        fi
    fi
    __shq_history_prepare
    [[ -z ${SHQ_IGNORE+x} ]] || export SHQ_IGNORE
    [[ -z ${SHQ_EXCLUDE+x} ]] || export SHQ_EXCLUDE
    # Put our PS0 part back if something replaced PS0.
    [[ ${PS0-} == *__shq_ps0* ]] || PS0=$__shq_ps0_part${PS0-}
    [[ -z ${__shq_mark_nonce-} ]] || __shq_mark_end "$__shq_status" "$__shq_recorded"
    return $__shq_status
}

# --- Marks for `shq session` (set only in a shell the proxy started: __shq_mark_nonce) ----------------
# The real terminal gets the OSC 133 marks, bare: A prompt start, B prompt end (in PS1), C output start
# (in PS0), D;status command end. The proxy gets its own, carrying its nonce and the record's key
# (session:n, empty when this command was not recorded); it takes them out of the stream. printf is a
# builtin: no process on the prompt path.
__shq_mark_end() {
    printf '\e]shq;mark;%s;D;%s\a\e]133;D;%s\a\e]133;A\a' "$__shq_mark_nonce" "$2" "$1"
    [[ ${PS1-} == *'133;B'* ]] || PS1=${PS1-}'\[\e]133;B\a\]'
}

# The PS0 part that marks the start of a command's output.
__shq_mark_start_part() {
    [[ -z ${__shq_mark_nonce-} ]] || __shq_ps0_part+='\e]133;C\a\e]shq;mark;'$__shq_mark_nonce';C\a'
}

# shqr CMD…: run through `shq run` (output captured), arguments passed as they are. An alias, not a
# function: bash names a job by its text after alias expansion (`shq run -- CMD…`), while a function's
# job would be named after the command inside it. For the same reason `shq` itself is not wrapped.
alias shqr='shq run --'

# Installed once per shell (sourcing again only refreshes the functions); needs bash ≥ 5.0.
if [[ -z ${__shq_loaded-} && -n ${EPOCHREALTIME-} ]]; then
    __shq_loaded=1
    __shq_bin=${__shq_bin:-shq}
    __shq_started=${EPOCHREALTIME//[!0-9]/}
    __shq_n=0 __shq_written=0
    # A UUID v7 for this shell, made from builtins: 48 bits of milliseconds, version, variant, random.
    __shq_ms=$(( __shq_started / 1000 ))
    printf -v __shq_session '%08x-%04x-7%03x-%04x-%04x%04x%04x' $(( __shq_ms >> 16 )) $(( __shq_ms & 0xffff )) \
        $(( RANDOM & 0xfff )) $(( (RANDOM & 0x3fff) | 0x8000 )) $RANDOM $RANDOM $(( RANDOM ^ ($$ & 0x7fff) ))
    unset __shq_ms
    export SHQ_SESSION=$__shq_session
    __shq_u='\u' __shq_h='\H'
    __shq_user=${__shq_u@P} __shq_host=${__shq_h@P}
    unset __shq_u __shq_h
    # `shq hook init` passes the terminal; sourced some other way, ask tty (once, at start-up).
    [[ -n ${__shq_tty+x} ]] || __shq_tty=$(command tty 2>/dev/null) || __shq_tty=
    declare -gA __shq_ps0=()
    __shq_ps0_part='${__shq_ps0[\! $EPOCHREALTIME $PWD]=}'
    __shq_mark_start_part
    # Ours first, so it sees the command's $? and PIPESTATUS; the user's PROMPT_COMMAND (string or array)
    # runs after it, unchanged.
    if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        PROMPT_COMMAND=(__shq_precmd "${PROMPT_COMMAND[@]}")
    else
        PROMPT_COMMAND=__shq_precmd${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND}
    fi
    PS0=$__shq_ps0_part${PS0-}
    __shq_history_prepare
fi

# --- Ctrl-R: `shq pick` (and Up with SHQ_BIND_UP=1) -------------------------------------------------
# The picker gets the line typed so far as its query and draws on the terminal itself. `bind -x` can set
# READLINE_LINE but cannot run the line, so Ctrl-R is a macro of two keys: the first runs __shq_pick,
# which rebinds the second to accept-line (Enter in the picker) or to nothing (Tab, Esc) before readline
# reads it. SHQ_BIND_CTRL_R=0 or `shq hook init --no-bind` leaves the keys alone.
__shq_pick() {
    local __shq_out
    bind '"\C-x\C-]2": ""'
    __shq_out=$("$__shq_bin" pick --widget --query "$READLINE_LINE" ${1:+--filter "$1"}) || return 0
    READLINE_LINE=${__shq_out#*$'\n'}
    READLINE_POINT=${#READLINE_LINE}
    [[ ${__shq_out%%$'\n'*} != run ]] || bind '"\C-x\C-]2": accept-line'
}

if [[ $- == *i* && -z ${__shq_no_bind-} && ${SHQ_BIND_CTRL_R-1} != 0 ]]; then
    for __shq_km in emacs vi-insert; do
        bind -m "$__shq_km" -x '"\C-x\C-]1": __shq_pick'
        bind -m "$__shq_km" -x '"\C-x\C-]3": __shq_pick session'
        bind -m "$__shq_km" '"\C-x\C-]2": ""'
        bind -m "$__shq_km" '"\C-r": "\C-x\C-]1\C-x\C-]2"'
        if [[ ${SHQ_BIND_UP-0} == 1 ]]; then
            bind -m "$__shq_km" '"\e[A": "\C-x\C-]3\C-x\C-]2"'
            bind -m "$__shq_km" '"\eOA": "\C-x\C-]3\C-x\C-]2"'
        fi
    done
    unset __shq_km
fi

# What `shq doctor` reads to tell that this shell has the hook: the shell, its pid, the version of shq
# that printed the hook.
export SHQ_HOOK="bash $$ ${__shq_version-}"
