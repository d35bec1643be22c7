import ArgumentParser
import ShqQuery
import ShqStore

extension ImportFormat: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        _superCommandName: Shq.name,
        abstract: "Import another tool's history: bash, zsh, zsh-histdb or atuin.",
        discussion: """
            Importing is idempotent: each command is keyed by what identifies it in its source, so \
            importing the same file again adds nothing, and a file that grew adds only its new commands. \
            Commands go through the same ignore rules as everything shq records. A bash or zsh file in \
            the other shell's format is refused. Lines without a timestamp are placed before the oldest \
            command already recorded, a second apart, in the file's order.

              shq import bash ~/.bash_history        (#epoch lines, from HISTTIMEFORMAT, give times)
              shq import zsh ~/.zsh_history          (EXTENDED_HISTORY: start and duration)
              shq import zsh-histdb ~/.histdb/zsh-history.db
              shq import atuin ~/.local/share/atuin/history.db
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "bash, zsh, zsh-histdb or atuin.")
    var format: ImportFormat

    @Argument(help: ArgumentHelp("The history file or database.", valueName: "file"))
    var file: String

    func run() throws {
        let commands: ImportSource
        let opened: Store
        switch format {
        case .bash, .zsh:
            let (bytes, modified) = try ShellHistoryFile.read(file)
            if let mismatch = ShellHistoryFile.mismatch(bytes, as: format) {
                throw CommandFailure("import \(format.rawValue): \(file): \(mismatch)")
            }
            opened = try store.open()
            // Lines of a file without any timestamp go before every timed record (counting back a second
            // each from the oldest), not at the file's time: they are older than the commands recorded since.
            let untimed = try opened.oldestStart() ?? modified
            commands = ImportSource(format == .bash
                ? ShellHistoryFile.parseBash(bytes, fallbackTime: untimed)
                : ShellHistoryFile.parseZsh(bytes, fallbackTime: untimed))
        case .zshHistdb:
            commands = try ForeignHistoryDatabase.readZshHistdb(file)
            opened = try store.open()
        case .atuin:
            commands = try ForeignHistoryDatabase.readAtuin(file)
            opened = try store.open()
        }
        var bar = ProgressBar(label: "importing")
        let summary = try opened.importHistory(commands, format: format) { bar.update($0, of: $1) }
        bar.finish()
        var text = "imported \(summary.added) of \(summary.read) command\(summary.read == 1 ? "" : "s")"
        if summary.alreadyPresent > 0 { text += ", \(summary.alreadyPresent) already present" }
        if summary.skipped > 0 { text += ", \(summary.skipped) skipped by ignore rules" }
        _ = writeAll(2, Array((text + "\n").utf8))
    }
}
