import Foundation
import ShqTestSupport
import Testing

/// Field mapping and idempotence of every import format, on small fixture files.
@Suite struct ImportTests {
    func records(_ fixture: StoreFixture) throws -> [[String: Any]] {
        let export = try fixture.shq("export", "--format", "jsonl")
        #expect(export.status == 0, "\(export.stderrText)")
        return try export.stdout.split(separator: UInt8(ascii: "\n")).map {
            try #require(JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
        }
    }

    /// Imports `file` twice: the second run must add nothing.
    func importTwice(_ fixture: StoreFixture, _ format: String, _ file: String, expect count: Int) throws {
        let first = try fixture.shq("import", format, file)
        #expect(first.status == 0, "\(first.stderrText)")
        #expect(first.stderrText.contains("imported \(count) of"), "\(first.stderrText)")
        let second = try fixture.shq("import", format, file)
        #expect(second.status == 0)
        #expect(second.stderrText.contains("imported 0 of"), "\(second.stderrText)")
        #expect(try fixture.sqlite("SELECT count(*) FROM invocations") == ["\(count)"])
    }

    @Test func bashWithEpochLinesMultiLineAndRawBytes() throws {
        let fixture = StoreFixture()
        let file = fixture.directory.file("bash_history")
        var data = Data("untimed first\n#1700000000\nls -la\n#1700000005\nfor i in 1 2; do\necho $i\ndone\n#1700000005\nls -la\n#1700000009\n".utf8)
        data += Data([0x65, 0x63, 0x68, 0x6f, 0x20, 0xff, 0xfe, 0x0a])  // "echo \xff\xfe"
        try data.write(to: URL(fileURLWithPath: file))
        try importTwice(fixture, "bash", file, expect: 5)
        let rows = try records(fixture)
        #expect(rows.map { $0["cmd"] as? String } == [
            "untimed first", "ls -la", "for i in 1 2; do\necho $i\ndone", "ls -la", "echo \u{FFFD}\u{FFFD}",
        ])
        #expect(rows[0]["started_at"] as? String == "2023-11-14T22:13:19.000000Z")
        #expect(rows[1]["started_at"] as? String == "2023-11-14T22:13:20.000000Z")
        #expect(rows[2]["started_at"] as? String == "2023-11-14T22:13:25.000000Z")
        #expect(rows.allSatisfy { $0["source"] as? String == "import" && $0["exit_code"] is NSNull })
        // The raw bytes are stored exactly.
        #expect(try fixture.sqlite("SELECT hex(cmd) FROM invocations WHERE cmd LIKE 'echo %'") == ["6563686F20FFFE"])
        // A grown file adds only what is new.
        data += Data("#1700000020\nmake test\n".utf8)
        try data.write(to: URL(fileURLWithPath: file))
        let grown = try fixture.shq("import", "bash", file)
        #expect(grown.stderrText.contains("imported 1 of 6 commands, 5 already present"), "\(grown.stderrText)")
    }

    /// A history in the other shell's format is refused before anything is stored.
    @Test func aFileInTheOtherShellsFormatIsRefused() throws {
        let fixture = StoreFixture()
        let bash = fixture.directory.file("bash_history")
        try "#1700000000\nls -la\n#1700000005\nmake\n".write(toFile: bash, atomically: true, encoding: .utf8)
        let zsh = fixture.directory.file("zsh_history")
        try ": 1700000000:0;ls -la\n: 1700000005:2;make\n".write(toFile: zsh, atomically: true, encoding: .utf8)
        let asZsh = try fixture.shq("import", "zsh", bash)
        #expect(asZsh.status == 1)
        #expect(asZsh.stderrText == "shq: import zsh: \(bash): it looks like a bash history (#epoch timestamp lines), not zsh's: try shq import bash\n")
        let asBash = try fixture.shq("import", "bash", zsh)
        #expect(asBash.status == 1)
        #expect(asBash.stderrText.hasPrefix("shq: import bash: \(zsh): it looks like a zsh history"))
        #expect(!FileManager.default.fileExists(atPath: fixture.database))
        // Each in its own format is fine.
        try importTwice(fixture, "bash", bash, expect: 2)
        #expect(try fixture.shq("import", "zsh", zsh).status == 0)
        let database = try fixture.shq("import", "bash", fixture.database)
        #expect(database.stderrText.contains("it is an SQLite database"), "\(database.stderrText)")
    }

    /// Lines without any timestamp go before every record already there, in the file's order, not at
    /// the time of the import (the file's mtime).
    @Test func untimedLinesGoBeforeEveryTimedRecord() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "timed", "--started-at", "2020-01-01T00:00:00Z")
        try fixture.shq("save", "-c", "recent")
        let file = fixture.directory.file("plain_history")
        try "first\nsecond\nthird\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try fixture.shq("import", "bash", file).status == 0)
        let rows = try records(fixture)
        #expect(rows.map { $0["cmd"] as? String } == ["first", "second", "third", "timed", "recent"])
        #expect(rows[2]["started_at"] as? String == "2019-12-31T23:59:59.000000Z")
        #expect(rows[0]["started_at"] as? String == "2019-12-31T23:59:57.000000Z")
        try "#1700000000\nonly\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try fixture.shq("import", "bash", file).stderrText == "imported 1 of 1 command\n")
    }

    @Test func zshExtendedHistoryWithContinuationsAndMetafiedBytes() throws {
        let fixture = StoreFixture()
        let file = fixture.directory.file("zsh_history")
        var data = Data(": 1700000000:0;git status\n: 1700000010:12;make \\\n  test\n".utf8)
        // "echo é" where é = C3 A9; zsh metafies 0xA9 as 0x83, 0xA9 ^ 0x20 = 0x89.
        data += Data([0x3a, 0x20, 0x31, 0x37, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x32, 0x30, 0x3a, 0x31, 0x3b])
        data += Data([0x65, 0x63, 0x68, 0x6f, 0x20, 0xc3, 0x83, 0x89, 0x0a])
        data += Data("plain line without header\n".utf8)
        try data.write(to: URL(fileURLWithPath: file))
        try importTwice(fixture, "zsh", file, expect: 4)
        let rows = try records(fixture)
        #expect(rows.map { $0["cmd"] as? String }.contains("make \n  test"))
        #expect(rows.map { $0["cmd"] as? String }.contains("echo é"))
        let make = try #require(rows.first { $0["cmd"] as? String == "make \n  test" })
        #expect(make["duration_ms"] as? Int == 12000)
        #expect(make["started_at"] as? String == "2023-11-14T22:13:30.000000Z")
        #expect(rows.contains { $0["cmd"] as? String == "plain line without header" })
    }

    /// fish's YAML-like file: `- cmd:` with `\\` and `\n` escaped, `when:` seconds, `paths:` lists skipped.
    @Test func fishHistoryWithEscapesPathsAndRepeats() throws {
        let fixture = StoreFixture()
        let file = fixture.directory.file("fish_history")
        let history = """
            - cmd: git status
              when: 1700000000
            - cmd: for i in 1 2\\necho $i\\nend
              when: 1700000010
              paths:
                - src/main.c
                - - cmd: not an entry
            - cmd: printf '%s\\\\n' a\\\\b
              when: 1700000020
            - cmd: git status
              when: 1700000000
            - cmd: echo é
              when: 1700000030
              future_key: kept out

            """
        try history.write(toFile: file, atomically: true, encoding: .utf8)
        try importTwice(fixture, "fish", file, expect: 5)
        let rows = try records(fixture)
        #expect(rows.map { $0["cmd"] as? String } == [
            "git status", "git status", "for i in 1 2\necho $i\nend", "printf '%s\\n' a\\b", "echo é",
        ])
        #expect(rows[0]["started_at"] as? String == "2023-11-14T22:13:20.000000Z")
        #expect(rows[2]["started_at"] as? String == "2023-11-14T22:13:30.000000Z")
        #expect(rows.allSatisfy { $0["source"] as? String == "import" && $0["cwd"] is NSNull })
        // A grown file adds only what is new.
        try (history + "- cmd: make test\n  when: 1700000040\n").write(toFile: file, atomically: true, encoding: .utf8)
        let grown = try fixture.shq("import", "fish", file)
        #expect(grown.stderrText.contains("imported 1 of 6 commands, 5 already present"), "\(grown.stderrText)")
        // Read as bash it would store `- cmd:` lines as commands: refused, and the other way round too.
        let asBash = try fixture.shq("import", "bash", file)
        #expect(asBash.status == 1)
        #expect(asBash.stderrText == "shq: import bash: \(file): it looks like a fish history ('- cmd:' entries), not bash's: try shq import fish\n")
        let bash = fixture.directory.file("bash_history")
        try "#1700000000\nls -la\n".write(toFile: bash, atomically: true, encoding: .utf8)
        let asFish = try fixture.shq("import", "fish", bash)
        #expect(asFish.status == 1)
        #expect(asFish.stderrText == "shq: import fish: \(bash): it is not a fish history: fish's starts with a '- cmd:' line\n")
    }

    /// Writes an SQLite file from SQL with the sqlite3 shell.
    static func makeDatabase(_ path: String, _ sql: String) throws {
        let result = try ShqProcess.run([path], input: Data(sql.utf8), executable: "/usr/bin/sqlite3")
        #expect(result.status == 0, "\(result.stderrText)")
    }

    static let histdbSchema = """
        CREATE TABLE commands (id integer primary key autoincrement, argv text, unique(argv) on conflict ignore);
        CREATE TABLE places (id integer primary key autoincrement, host text, dir text, unique(host, dir) on conflict ignore);
        CREATE TABLE history (id integer primary key autoincrement, session int, command_id int references commands (id),
            place_id int references places (id), exit_status int, start_time int, duration int);
        """

    @Test func zshHistdb() throws {
        let fixture = StoreFixture()
        let file = fixture.directory.file("histdb.db")
        try Self.makeDatabase(file, Self.histdbSchema + """
            INSERT INTO commands(argv) VALUES ('make test'), ('echo "a,b"');
            INSERT INTO places(host, dir) VALUES ('laptop', '/home/u/src'), ('pi', '/tmp');
            INSERT INTO history(session, command_id, place_id, exit_status, start_time, duration) VALUES
                (7, 1, 1, 2, 1700000000, 3), (8, 2, 2, 0, 1700000100, 0), (8, 1, 2, NULL, 1700000200, NULL);
            """)
        try importTwice(fixture, "zsh-histdb", file, expect: 3)
        let rows = try records(fixture)
        #expect(rows[0]["cmd"] as? String == "make test")
        #expect(rows[0]["cwd"] as? String == "/home/u/src")
        #expect(rows[0]["exit_code"] as? Int == 2)
        #expect(rows[0]["status"] as? String == "failed")
        #expect(rows[0]["duration_ms"] as? Int == 3000)
        #expect(rows[0]["session"] as? String == "zsh-histdb-7")
        #expect(rows[1]["cmd"] as? String == "echo \"a,b\"")
        #expect(rows[2]["exit_code"] is NSNull && rows[2]["duration_ms"] is NSNull)
        #expect(try fixture.sqlite("SELECT host FROM invocations ORDER BY started_at") == ["laptop", "pi", "pi"])
    }

    @Test func atuin() throws {
        let fixture = StoreFixture()
        let file = fixture.directory.file("atuin.db")
        try Self.makeDatabase(file, """
            CREATE TABLE history (id text primary key, timestamp integer not null, duration integer not null,
                exit integer not null, command text not null, cwd text not null, session text not null,
                hostname text not null, deleted_at integer, unique(timestamp, cwd, command));
            INSERT INTO history VALUES
                ('01a2084b4cf271d79aceec37e26a248c', 1700000000123456789, 2500000000, 1, 'cargo build', '/src/x', 's1', 'box:alice', NULL),
                ('01a2084b4cf271d79aceec37e26a248d', 1700000001000000000, -1, -1, 'echo hi', 'unknown', 's1', 'box:alice', NULL),
                ('01a2084b4cf271d79aceec37e26a248e', 1700000002000000000, 5, 0, 'secret gone', '/src', 's1', 'box:alice', 1700000003000000000);
            """)
        try importTwice(fixture, "atuin", file, expect: 2)
        let rows = try records(fixture)
        #expect(rows.map { $0["cmd"] as? String } == ["cargo build", "echo hi"])
        #expect(rows[0]["started_at"] as? String == "2023-11-14T22:13:20.123456Z")
        #expect(rows[0]["duration_ms"] as? Int == 2500)
        #expect(rows[0]["exit_code"] as? Int == 1)
        #expect(rows[0]["cwd"] as? String == "/src/x")
        #expect(rows[0]["session"] as? String == "s1")
        #expect(rows[1]["exit_code"] is NSNull && rows[1]["duration_ms"] is NSNull && rows[1]["cwd"] is NSNull)
        #expect(try fixture.sqlite("SELECT DISTINCT host || ' ' || user FROM invocations") == ["box alice"])
    }

    @Test func missingFileIsAClearError() throws {
        let fixture = StoreFixture()
        let result = try fixture.shq("import", "bash", fixture.directory.file("nope"))
        #expect(result.status != 0)
        #expect(result.stderrText.hasPrefix("shq: "))
        #expect(result.stderrText.contains("No such file"))
    }
}

/// `shq import FORMAT` without a file reads the usual location under HOME and says which file it read.
@Suite struct ImportDefaultLocationTests {
    /// The variables that choose a location, cleared so the developer's own do not leak in.
    func environment(home: String, _ extra: [String: String] = [:]) -> [String: String] {
        var environment = ["HOME": home, "HISTFILE": "", "ZDOTDIR": "", "XDG_DATA_HOME": "", "HISTDB_FILE": ""]
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    @Test func bashHistoryFromHome() throws {
        let fixture = StoreFixture()
        let home = TemporaryDirectory()
        try "#1700000000\nls -la\n#1700000005\nmake\n".write(toFile: home.file(".bash_history"), atomically: true, encoding: .utf8)
        let result = try fixture.shq("import", "bash", environment: environment(home: home.path))
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stderrText.hasPrefix("shq: importing \(home.file(".bash_history")) (bash history)\n"), "\(result.stderrText)")
        #expect(result.stderrText.contains("imported 2 of 2 commands"))
        #expect(try fixture.sqlite("SELECT cmd FROM invocations ORDER BY started_at") == ["ls -la", "make"])
    }

    @Test func zshHistoryFromZdotdir() throws {
        let fixture = StoreFixture()
        let home = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: home.file("zsh"), withIntermediateDirectories: true)
        try ": 1700000000:0;from zdotdir\n".write(toFile: home.file("zsh/.zsh_history"), atomically: true, encoding: .utf8)
        try ": 1700000000:0;from home\n".write(toFile: home.file(".zsh_history"), atomically: true, encoding: .utf8)
        let result = try fixture.shq("import", "zsh", environment: environment(home: home.path, ["ZDOTDIR": home.file("zsh")]))
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stderrText.hasPrefix("shq: importing \(home.file("zsh/.zsh_history")) (zsh history)\n"))
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["from zdotdir"])
    }

    @Test func exportedHistfileThatFits() throws {
        let fixture = StoreFixture()
        let home = TemporaryDirectory()
        try "#1700000000\nfrom histfile\n".write(toFile: home.file("my-history"), atomically: true, encoding: .utf8)
        let result = try fixture.shq("import", "bash", environment: environment(home: home.path, ["HISTFILE": home.file("my-history")]))
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stderrText.hasPrefix("shq: importing \(home.file("my-history")) (bash history)\n"))
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["from histfile"])
    }

    @Test func databasesFromTheirDefaultPlaces() throws {
        let fixture = StoreFixture()
        let home = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: home.file(".local/share/atuin"), withIntermediateDirectories: true)
        let atuinFile = home.file(".local/share/atuin/history.db")
        try ImportTests.makeDatabase(atuinFile, """
            CREATE TABLE history (id text primary key, timestamp integer not null, duration integer not null,
                exit integer not null, command text not null, cwd text not null, session text not null,
                hostname text not null, deleted_at integer, unique(timestamp, cwd, command));
            INSERT INTO history VALUES ('01a2084b4cf271d79aceec37e26a248c', 1700000000000000000, 5, 0, 'from atuin', '/', 's', 'h:u', NULL);
            """)
        let atuin = try fixture.shq("import", "atuin", environment: environment(home: home.path))
        #expect(atuin.status == 0, "\(atuin.stderrText)")
        #expect(atuin.stderrText.hasPrefix("shq: importing \(atuinFile) (atuin database)\n"))
        let histdbFile = home.file("elsewhere.db")
        try ImportTests.makeDatabase(histdbFile, ImportTests.histdbSchema + """
            INSERT INTO commands(argv) VALUES ('from histdb');
            INSERT INTO places(host, dir) VALUES ('h', '/');
            INSERT INTO history(session, command_id, place_id, exit_status, start_time, duration) VALUES (1, 1, 1, 0, 1700000001, 0);
            """)
        let histdb = try fixture.shq("import", "zsh-histdb", environment: environment(home: home.path, ["HISTDB_FILE": histdbFile]))
        #expect(histdb.status == 0, "\(histdb.stderrText)")
        #expect(histdb.stderrText.hasPrefix("shq: importing \(histdbFile) (zsh-histdb database)\n"))
        #expect(try fixture.sqlite("SELECT cmd FROM invocations ORDER BY started_at") == ["from atuin", "from histdb"])
    }

    @Test func missingDefaultNamesThePathsTried() throws {
        let fixture = StoreFixture()
        let home = TemporaryDirectory()
        let atuin = try fixture.shq("import", "atuin", environment: environment(home: home.path, ["XDG_DATA_HOME": home.file("data")]))
        #expect(atuin.status == 1)
        #expect(atuin.stderrText == "shq: import atuin: no atuin database found (tried \(home.file("data/atuin/history.db"))); give the file to import\n")
        let histdb = try fixture.shq("import", "zsh-histdb", environment: environment(home: home.path))
        #expect(histdb.status == 1)
        #expect(histdb.stderrText == "shq: import zsh-histdb: no zsh-histdb database found (tried \(home.file(".histdb/zsh-history.db"))); give the file to import\n")
        #expect(!FileManager.default.fileExists(atPath: fixture.database), "nothing was created")
    }
}
