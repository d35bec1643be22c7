import Foundation
import ShqTestSupport
import Testing

/// The README's first minutes, as a user lives them: the hook line in the rc file, no `SHQ_DB`, commands
/// typed at the prompt, then `shq history` typed in the same terminal — no ingest, no sync step between.
@Suite struct ReadmeFlowTests {
    @Test(arguments: [TmuxTerminal.Shell.bash, .zsh])
    func typedCommandsShowUpInHistoryAtOnce(_ shell: TmuxTerminal.Shell) throws {
        // TmuxTerminal points SHQ_DB at a fixture; the rc file drops it so the default store is used.
        let unused = StoreFixture()
        let terminal = try TmuxTerminal(shell, database: unused.database, rc: "unset SHQ_DB\neval \"$(shq hook init)\"")
        try terminal.run("echo readme-hello")
        try terminal.run("ls /readme-no-such-dir")
        try terminal.run("cd /tmp")
        try terminal.waitFor("^\\$ $")
        try terminal.clear()
        try terminal.run("shq history -n 3")
        let screen = try terminal.waitFor("cd /tmp\\s*$")
        // Newest at the bottom; the failed `ls` shows its exit status (2 from GNU ls).
        let rows = screen.split(separator: "\n").filter { $0.contains("readme-") || $0.hasSuffix("cd /tmp") }
        #expect(rows.count == 3, "\(screen)")
        #expect(rows.first?.hasSuffix("echo readme-hello") == true, "\(screen)")
        #expect(rows.dropFirst().first.map { $0.contains(" 2 ") && $0.hasSuffix("ls /readme-no-such-dir") } == true, "\(screen)")
        #expect(screen.contains("ID") && screen.contains("COMMAND"), "the table header: \(screen)")

        // The store is the documented default, owner-only, and the fixture's path was never created.
        let store = terminal.home.file("data/shq/history.db")
        let attributes = try FileManager.default.attributesOfItem(atPath: store)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: unused.database))
    }
}
