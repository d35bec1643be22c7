import Foundation
import ShqImport
import ShqTestSupport
import Testing

/// The usual location of each source's history, resolved against a given environment and a temporary HOME.
@Suite struct DefaultHistoryLocationTests {
    let home = TemporaryDirectory()

    func location(_ variables: [String: String]) -> DefaultHistoryLocation {
        var all = variables
        all["HOME"] = all["HOME"] ?? home.path
        let environment = all
        return DefaultHistoryLocation { environment[$0] }
    }

    func write(_ relative: String, _ text: String) throws -> String {
        let path = home.file(relative)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func candidatesFollowEachToolsConventions() {
        let plain = location([:])
        #expect(plain.candidates(for: .bash).map(\.path) == [home.file(".bash_history")])
        #expect(plain.candidates(for: .zsh).map(\.path) == [home.file(".zsh_history"), home.file(".histfile")])
        #expect(plain.candidates(for: .atuin).map(\.path) == [home.file(".local/share/atuin/history.db")])
        #expect(plain.candidates(for: .zshHistdb).map(\.path) == [home.file(".histdb/zsh-history.db")])
        let custom = location(["HISTFILE": "/h/file", "ZDOTDIR": "/z", "XDG_DATA_HOME": "/data", "HISTDB_FILE": "/db/h.db"])
        #expect(custom.candidates(for: .bash).map(\.path) == ["/h/file", home.file(".bash_history")])
        #expect(custom.candidates(for: .zsh).map(\.path) == ["/h/file", "/z/.zsh_history", home.file(".zsh_history"), home.file(".histfile")])
        #expect(custom.candidates(for: .atuin).map(\.path) == ["/data/atuin/history.db"])
        #expect(custom.candidates(for: .zshHistdb).map(\.path) == ["/db/h.db"])
        // Set but empty is unset, as in the shells.
        #expect(location(["HISTFILE": "", "XDG_DATA_HOME": ""]).candidates(for: .atuin).map(\.path) == [home.file(".local/share/atuin/history.db")])
    }

    @Test func findTakesTheFirstExistingFile() throws {
        let zdot = try write("zdot/.zsh_history", ": 1700000000:0;ls\n")
        _ = try write(".zsh_history", ": 1700000000:0;pwd\n")
        #expect(try location(["ZDOTDIR": home.file("zdot")]).find(for: .zsh) == zdot)
        #expect(try location([:]).find(for: .zsh) == home.file(".zsh_history"))
    }

    /// `$HISTFILE` is taken only for the shell whose history it can be.
    @Test func histfileMustFitTheFormat() throws {
        let bashFile = try write("custom-history", "#1700000000\nls\n")
        let bash = try write(".bash_history", "ls\n")
        let zsh = try write(".zsh_history", ": 1700000000:0;ls\n")
        #expect(try location(["HISTFILE": bashFile]).find(for: .bash) == bashFile)
        #expect(try location(["HISTFILE": bashFile]).find(for: .zsh) == zsh)  // bash's #epoch lines: not zsh's
        #expect(try location(["HISTFILE": zsh]).find(for: .bash) == bash)     // named for zsh
        #expect(try location(["HISTFILE": home.file("missing")]).find(for: .bash) == bash)
    }

    @Test func missingFileNamesEveryPathTried() {
        #expect {
            try location(["HISTFILE": "/nowhere/h"]).find(for: .zsh)
        } throws: { error in
            "\(error)" == "import zsh: no zsh history found (tried $HISTFILE (/nowhere/h), \(home.file(".zsh_history")), "
                + "\(home.file(".histfile"))); give the file to import"
        }
    }
}
