import ArgumentParser
import Glibc
import ShqPrivacy
import ShqStore
import ShqSystem

struct IgnoreCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ignore-check",
        _superCommandName: Shq.name,
        abstract: "Tell whether a command line would be recorded, and if not, why.",
        discussion: """
            Rules, in order: SHQ_DISABLED set (non-empty); an empty line; a leading space; a leading backslash; \
            SHQ_IGNORE (default: \(IgnoreRules.defaultIgnore)); SHQ_EXCLUDE (your own patterns). \
            Both lists are colon-separated shell globs (*, ?, [...], \\ escapes) matched against the whole line. \
            The hooks, `shq run` and `shq save` all apply them.

            `--defaults` prints the default SHQ_IGNORE list, to extend it:
              export SHQ_IGNORE="$(shq ignore-check --defaults):vault *"

            Exit status, like `git check-ignore`: 0 when the line would be skipped, 1 when it would be recorded.
            """
    )

    @Argument(help: ArgumentHelp("The command line, as you would type it.", valueName: "line"))
    var line: String?

    @Flag(help: "Print the default SHQ_IGNORE list (the one the shell hooks get from `shq hook init`).")
    var defaults = false

    func validate() throws {
        if defaults == (line != nil) { throw ValidationError("give either a command line or --defaults") }
    }

    func run() throws {
        guard let line else {
            _ = writeAll(1, Array((IgnoreRules.defaultIgnore + "\n").utf8))
            return
        }
        switch RecordingPolicy.decide(RawArguments.bytes(of: line), entryPoint: .run) {
        case .skip(let reason):
            _ = writeAll(1, Array("skipped: \(reason)\n".utf8))
        case .record:
            _ = writeAll(1, Array("recorded\n".utf8))
            Glibc.exit(1)  // not an error: the answer is "no", as with `git check-ignore`
        }
    }
}
