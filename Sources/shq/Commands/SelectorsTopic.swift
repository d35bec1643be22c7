import ArgumentParser
import ShqStore
import ShqSystem

/// A help topic: `shq help selectors` (and `shq selectors`) explain the selector language.
struct SelectorsTopic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selectors",
        _superCommandName: Shq.name,
        abstract: "The SELECTOR language: which commands history, show, info, rerun, export and stats act on.",
        discussion: """
            A selector combines any of these parts, written together without spaces. \
            Filters narrow the whole history; a range then counts back from the newest match. \
            Every part is applied.

            Ranges (one per selector)
              @N            the N-th most recent (@1 is the last command)
              @N:           the N most recent
              @N:@M         the N-th to the M-th most recent (@10:@6: five)
              ID            an id or a unique prefix of one; must come first
              '~N' (quoted) means the same as @N; unquoted, bash and zsh may
              turn ~N into a directory of their directory stack.
            Filters (all must hold)
              %failed       non-zero exit, killed by a signal, or failed (not exit 148 from
                            the hook: a job stopped with Ctrl-Z)
              %ok           exited 0
              %exit<>0      compare the exit status: = != <> < > <= >=
              %duration>500 compare the duration: ms, or 250us 2s 1.5m 1h
              %/REGEX/      the command matches REGEX (\\/ for a slash)
              %cmd~=REGEX   the same; REGEX runs to the next % (\\% for one)
              %cwd~=REGEX   the directory matches REGEX
              :TAG          recorded with this tag (shq save --tag)
              REGEX is POSIX extended (grep -E) and case-sensitive.
            Directories (one per selector): commands run in exactly that one
              .  ./sub  ..  ../other  ~/  ~/dir/  /abs/path/
              A selector that is only an existing directory with no trailing /
              (what ~N becomes when the shell expands it) is refused.
              A tag or directory runs until the next %, : or @N; a backslash
              escapes the next character.

            Hosts (history pulled by shq sync holds other machines' commands)
              history, search and stats take --host NAME, and --host . for this
              machine: shq history --host . %failed@5:

            Examples
              shq show @2                 output of the command before the last
              shq history %failed@5:      the last five failures
              shq history .%failed@5:     ... of them, in this directory
              shq history '%/^git (push|pull)/' -n 50
              shq history '%duration>=2s%exit=0'
              shq info ~/src/app:deploy   last command tagged deploy in ~/src/app
              shq rerun 0193a2f1 -n       how that command would be rerun
              shq export '%cwd~=^/srv/' --format csv

            Quote selectors when they contain | ( ) < > * or spaces. \
            A mistake is reported at the offending character:
              shq: selector '%faild': unknown filter '%faild' … at character 2
            """
    )

    func run() throws {
        _ = writeAll(1, Array(Self.helpMessage().utf8))
    }
}
