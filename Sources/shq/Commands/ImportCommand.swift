import ArgumentParser
import ShqImport
import ShqRender
import ShqRun
import ShqStore
import ShqSystem

extension ImportFormat: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        _superCommandName: Shq.name,
        abstract: "Import another tool's history: bash, zsh, fish, zsh-histdb or atuin.",
        discussion: """
            Importing is idempotent: each command is keyed by what identifies it in its source, so \
            importing the same file again adds nothing, and a file that grew adds only its new commands. \
            Commands go through the same ignore rules as everything shq records. A bash, zsh or fish file \
            in another shell's format is refused. Lines without a timestamp are placed before the oldest \
            command already recorded, a second apart, in the file's order.

            Without a file, the usual location is read and named on stderr: bash $HISTFILE (when exported \
            and a bash history) or ~/.bash_history; zsh $HISTFILE, ${ZDOTDIR:-~}/.zsh_history, \
            ~/.zsh_history or ~/.histfile; atuin ${XDG_DATA_HOME:-~/.local/share}/atuin/history.db; \
            zsh-histdb ${HISTDB_FILE:-~/.histdb/zsh-history.db}.

              shq import bash ~/.bash_history        (#epoch lines, from HISTTIMEFORMAT, give times)
              shq import zsh ~/.zsh_history          (EXTENDED_HISTORY: start and duration)
              shq import fish ~/.local/share/fish/fish_history   (when: gives the start)
              shq import zsh-histdb ~/.histdb/zsh-history.db
              shq import atuin ~/.local/share/atuin/history.db
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "bash, zsh, fish, zsh-histdb or atuin.")
    var format: ImportFormat

    @Argument(help: ArgumentHelp("The history file or database (default: the usual location).", valueName: "file"))
    var file: String?

    func run() throws {
        let file: String
        if let given = self.file {
            file = given
        } else {
            file = try DefaultHistoryLocation().find(for: format)
            _ = writeAll(2, Array("shq: importing \(file) (\(format.historyName))\n".utf8))
        }
        var opened: Store?
        let commands = try format.importer.open(file) {
            opened = try store.open().ingestingHookSpool()
            return try opened?.oldestStart()
        }
        let target = try opened ?? store.open().ingestingHookSpool()
        var bar = ProgressBar(label: "importing")
        let summary = try target.importHistory(commands, format: format) { bar.update($0, of: $1) }
        bar.finish()
        var text = "imported \(summary.added) of \(summary.read) command\(summary.read == 1 ? "" : "s")"
        if summary.alreadyPresent > 0 { text += ", \(summary.alreadyPresent) already present" }
        if summary.skipped > 0 { text += ", \(summary.skipped) skipped by ignore rules" }
        _ = writeAll(2, Array((text + "\n").utf8))
    }
}
