# shq — zsh integration (zsh ≥ 5.3). Set-up: add to ~/.zshrc
#     eval "$(shq hook init)"
# Records every interactive command (line as typed, cwd at start, start, duration, $?, pipestatus) into
# shq's spool. The prompt path runs builtins only; any later `shq` command moves the spool into the store.
# preexec gets the line exactly as typed (even when the history drops it), precmd (ours first, to see $?
# and pipestatus) appends one line to the spool. See Docs/hooks.md.

zmodload zsh/datetime 2>/dev/null   # $epochtime: seconds and nanoseconds, no fork

(( ${+__shq_zglob} )) || typeset -gA __shq_zglob   # our patterns, translated to zsh's syntax once
# __shq_default_ignore (SHQ_IGNORE when unset) is set by `shq hook init`: the binary's list, not a copy.

# Sets __shq_pat and returns 0 when LINE ($2) matches one of the colon-separated globs in $1.
__shq_match_list() {
    emulate -L zsh
    local p
    for p in ${(s.:.)1}; do
        if (( ! ${+__shq_zglob[$p]} )); then __shq_translate "$p"; __shq_zglob[$p]=$__shq_zp; fi
        if [[ $2 == ${~__shq_zglob[$p]} ]]; then __shq_pat=$p; return 0; fi
    done
    return 1
}

# Our glob syntax (*, ?, [...], \ escapes; everything else literal; an unclosed [ is literal), the one
# bash and Sources/ShqPrivacy/GlobPattern.swift use, rewritten as a zsh pattern in __shq_zp: zsh's own
# ( | ) < > # ^ ~ are escaped, and in zsh a backslash only quotes special characters.
__shq_translate() {
    emulate -L zsh
    local p=$1 c d lo hi members specials='*?[]()|<>#^~\' inset=']\-^!'
    integer i=1 n=${#1} j found
    __shq_zp=
    while (( i <= n )); do
        c=${p[i]}
        if [[ $c == '\' ]]; then
            if (( i == n )); then __shq_zp+='\\'; (( i++ )); continue; fi
            d=${p[i+1]}
            if [[ $specials == *"$d"* ]]; then __shq_zp+="\\$d"; else __shq_zp+=$d; fi
            (( i += 2 )); continue
        fi
        if [[ $c == '*' || $c == '?' ]]; then __shq_zp+=$c; (( i++ )); continue; fi
        if [[ $c != '[' ]]; then
            if [[ $specials == *"$c"* ]]; then __shq_zp+="\\$c"; else __shq_zp+=$c; fi
            (( i++ )); continue
        fi
        # A bracket expression, read as GlobPattern.parseSet reads it.
        j=i+1; members=; found=0
        [[ ${p[j]} == '!' || ${p[j]} == '^' ]] && { members='!'; (( j++ )) }
        local first=1
        while (( j <= n )); do
            c=${p[j]}
            if [[ $c == ']' ]] && (( ! first )); then found=1; break; fi
            first=0
            if [[ $c == '[' && ${p[j+1]} == ':' && ${p[j+2,n]} == [[:alnum:]]#':]'* ]]; then
                members+='[:'; (( j += 2 ))
                while [[ ${p[j]} != ':' ]]; do members+=${p[j]}; (( j++ )); done
                members+=':]'; (( j += 2 )); continue
            fi
            if [[ $c == '\' ]] && (( j < n )); then (( j++ )); c=${p[j]}; fi
            if [[ $inset == *"$c"* ]]; then lo="\\$c"; else lo=$c; fi
            if (( j + 2 <= n )) && [[ ${p[j+1]} == '-' && ${p[j+2]} != ']' ]]; then
                d=${p[j+2]}; (( j += 3 ))
                if [[ $d == '\' ]] && (( j <= n )); then d=${p[j]}; (( j++ )); fi
                if [[ $inset == *"$d"* ]]; then hi="\\$d"; else hi=$d; fi
                members+="$lo-$hi"
            else
                members+=$lo; (( j++ ))
            fi
        done
        if (( found )); then __shq_zp+="[$members]"; i=j+1; else __shq_zp+='\['; (( i++ )); fi
    done
}

# The ignore rules (the same as `shq ignore-check` and Sources/ShqPrivacy/IgnoreRules.swift).
# Returns 0 and sets __shq_reason when LINE ($1) is not to be recorded.
__shq_skip_reason() {
    emulate -L zsh
    __shq_reason=
    if [[ -n ${SHQ_DISABLED-} ]]; then __shq_reason='SHQ_DISABLED is set'
    elif [[ -z $1 ]]; then __shq_reason='empty line'
    elif [[ $1 == ' '* ]]; then __shq_reason='leading space'
    elif [[ $1 == '\'* ]]; then __shq_reason='leading backslash'
    elif __shq_match_list "${SHQ_IGNORE-$__shq_default_ignore}" "$1"; then
        __shq_reason="matches SHQ_IGNORE pattern '$__shq_pat'"
    elif __shq_match_list "${SHQ_EXCLUDE-}" "$1"; then
        __shq_reason="matches SHQ_EXCLUDE pattern '$__shq_pat'"
    fi
    [[ -n $__shq_reason ]]
}

# One spool field: backslash, TAB and newline escaped. Sets __shq_e.
__shq_escape() {
    emulate -L zsh
    local bs='\\' tab='\t' nl='\n'
    __shq_e=${1//\\/"$bs"}
    __shq_e=${__shq_e//$'\t'/"$tab"}
    __shq_e=${__shq_e//$'\n'/"$nl"}
}

# Appends $1 to the session's spool file, creating it owner-only. Never prints.
__shq_append() {
    emulate -L zsh
    local db=${SHQ_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/shq/history.db}
    local file=$db-spool/$__shq_session.spool text=$1 rc
    if [[ ! -e $file ]]; then
        # A new file (first record, or the last one was ingested): the session line opens it.
        local t h u
        __shq_escape "$__shq_tty"; t=$__shq_e
        __shq_escape "$__shq_host"; h=$__shq_e
        __shq_escape "$__shq_user"; u=$__shq_e
        text=$'S\t'"$__shq_session"$'\tzsh\t'"$$"$'\t'"$t"$'\t'"$h"$'\t'"$u"$'\t'"$__shq_started"$'\n'"$text"
        # Born 0600: umask 077 for the one write, then back to the user's (read from /proc: no fork).
        local k mask=
        { IFS=$': \t' read -r k k; IFS=$': \t' read -r k mask } </proc/self/status 2>/dev/null
        if [[ $k == Umask && -n $mask ]]; then
            umask 077
            { print -rn -- "$text" >>$file } 2>/dev/null; rc=$?
            umask $mask
        else
            { print -rn -- "$text" >>$file } 2>/dev/null; rc=$?
        fi
    else
        { print -rn -- "$text" >>$file } 2>/dev/null; rc=$?
    fi
    if (( rc != 0 )); then
        # The data dir is missing or unwritable: recreate it (a process, but only on this failure path,
        # at most once a minute), then try once more. Nothing is ever printed.
        (( epochtime[1] >= ${__shq_retry_at:-0} )) || return 1
        __shq_retry_at=$(( epochtime[1] + 60 ))
        command mkdir -p -m 700 -- "${db%/*}" "$db-spool" >/dev/null 2>&1 || return 1
        [[ -e $file ]] || { __shq_append "$1"; return }
        { print -rn -- "$text" >>$file } 2>/dev/null || return 1
    fi
    (( ++__shq_written % 64 )) || ( "$__shq_bin" hook ingest --background </dev/null >/dev/null 2>&1 &! )
    return 0
}

__shq_preexec() {
    __shq_line=$1
    __shq_cwd=$PWD
    __shq_start=$(( epochtime[1] * 1000000 + epochtime[2] / 1000 ))
    __shq_pending=1
}

# Applies what `shq hook off` / `shq hook on` left in file $1 (see Sources/ShqHooks/HookSwitch.swift),
# then empties it: the shq process cannot set this shell's variables itself.
__shq_hook_switch() {
    emulate -L zsh
    local word=
    { IFS= read -r word <$1; : >|$1 } 2>/dev/null
    case $word in
        off) export SHQ_DISABLED=1 ;;
        on) unset SHQ_DISABLED ;;
    esac
}

__shq_precmd() {
    local __shq_status=$? __shq_pipe="${pipestatus[*]}"
    emulate -L zsh
    local end=$(( epochtime[1] * 1000000 + epochtime[2] / 1000 ))
    local switch=${SHQ_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/shq/history.db}-spool/.$__shq_session.hook
    [[ ! -s $switch ]] || __shq_hook_switch $switch
    local recorded=
    if [[ -n $__shq_pending ]]; then
        __shq_pending=
        if ! __shq_skip_reason "$__shq_line"; then
            local c
            __shq_escape "$__shq_cwd"; c=$__shq_e
            __shq_escape "$__shq_line"
            (( ++__shq_n ))
            __shq_append "C	$__shq_session	$__shq_n	$__shq_start	$(( end - __shq_start ))	$__shq_status	$__shq_pipe	$c	$__shq_e
" && recorded=$__shq_session:$__shq_n
        fi
    elif (( ! __shq_written )); then
        __shq_append ""   # first prompt: open the spool with the session line
    fi
    (( ! ${+SHQ_IGNORE} )) || export SHQ_IGNORE
    (( ! ${+SHQ_EXCLUDE} )) || export SHQ_EXCLUDE
    [[ -z ${__shq_mark_nonce-} ]] || __shq_mark_end $__shq_status "$recorded"
    return $__shq_status
}

# --- Marks for `shq session` (set only in a shell the proxy started: __shq_mark_nonce) ----------------
# The real terminal gets the OSC 133 marks, bare: A prompt start, B prompt end (in PS1), C output start
# (preexec), D;status command end. The proxy gets its own, carrying its nonce and the record's key
# (session:n, empty when this command was not recorded); it takes them out of the stream. print is a
# builtin: no process on the prompt path.
__shq_mark_start() {
    print -rn -- $'\e]133;C\a\e]shq;mark;'"$__shq_mark_nonce"$';C\a'
}

__shq_mark_end() {
    print -rn -- $'\e]shq;mark;'"$__shq_mark_nonce"$';D;'"$2"$'\a\e]133;D;'"$1"$'\a\e]133;A\a'
    [[ $PS1 == *'133;B'* ]] || PS1+=$'%{\e]133;B\a%}'
}

# shqr CMD…: run through `shq run` (output captured), arguments passed as they are. An alias, not a
# function: zsh names a job by its text after alias expansion (`shq run -- CMD…`), while a suspended
# function's job has no name at all. For the same reason `shq` itself is not wrapped.
alias shqr='shq run --'

# Installed once per shell (sourcing again only refreshes the functions).
if [[ -z ${__shq_loaded-} ]]; then
    typeset -g __shq_loaded=1
    typeset -g __shq_bin=${__shq_bin:-shq}
    typeset -g __shq_started=$(( epochtime[1] * 1000000 + epochtime[2] / 1000 ))
    typeset -g __shq_n=0 __shq_written=0 __shq_pending= __shq_session
    # A UUID v7 for this shell, made from builtins: 48 bits of milliseconds, version, variant, random.
    () {
        local ms=$(( __shq_started / 1000 ))
        printf -v __shq_session '%08x-%04x-7%03x-%04x-%04x%04x%04x' $(( ms >> 16 )) $(( ms & 0xffff )) \
            $(( RANDOM & 0xfff )) $(( (RANDOM & 0x3fff) | 0x8000 )) $RANDOM $RANDOM $(( RANDOM ^ ($$ & 0x7fff) ))
    }
    export SHQ_SESSION=$__shq_session
    typeset -g __shq_user=${USERNAME-} __shq_host=${HOST-} __shq_tty=${TTY-}
    autoload -Uz add-zsh-hook
    add-zsh-hook preexec __shq_preexec
    [[ -z ${__shq_mark_nonce-} ]] || add-zsh-hook preexec __shq_mark_start
    # Ours first, so it sees the command's $? and pipestatus.
    precmd_functions=(__shq_precmd ${precmd_functions:#__shq_precmd})
fi

# --- Ctrl-R: `shq pick` (and Up with SHQ_BIND_UP=1) -------------------------------------------------
# The picker gets the line typed so far as its query and draws on the terminal itself; Enter in it runs
# the line (accept-line), Tab leaves it on the prompt. SHQ_BIND_CTRL_R=0 or `shq hook init --no-bind`
# leaves the keys alone.
__shq_pick_widget() {
    emulate -L zsh
    local out
    out=$("$__shq_bin" pick --widget --query "$BUFFER" ${__shq_pick_filter:+--filter} ${__shq_pick_filter-}) || {
        zle reset-prompt
        return 0
    }
    BUFFER=${out#*$'\n'}
    CURSOR=$#BUFFER
    zle reset-prompt
    [[ ${out%%$'\n'*} != run ]] || zle accept-line
}

__shq_pick_up_widget() {
    local __shq_pick_filter=session
    __shq_pick_widget
}

if [[ -o interactive && -z ${__shq_no_bind-} && ${SHQ_BIND_CTRL_R-1} != 0 ]]; then
    zle -N __shq_pick_widget
    zle -N __shq_pick_up_widget
    bindkey -M emacs '^R' __shq_pick_widget
    bindkey -M viins '^R' __shq_pick_widget
    if [[ ${SHQ_BIND_UP-0} == 1 ]]; then
        bindkey -M emacs '^[[A' __shq_pick_up_widget
        bindkey -M emacs '^[OA' __shq_pick_up_widget
        bindkey -M viins '^[[A' __shq_pick_up_widget
        bindkey -M viins '^[OA' __shq_pick_up_widget
    fi
fi

# What `shq doctor` reads to tell that this shell has the hook: the shell, its pid, the version of shq
# that printed the hook.
export SHQ_HOOK="zsh $$ ${__shq_version-}"
