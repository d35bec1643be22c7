import Foundation
import ShqTestSupport
import Testing

private func mode(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
}

private func chmod(_ path: String, _ mode: Int) throws {
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
}

private func chownToNobody(_ path: String) throws {
    let result = try ShqProcess.run(["nobody", path], executable: "/bin/chown")
    #expect(result.status == 0, "chown: \(result.stderrText)")
}

/// Owner-only storage, checked on every open.
@Suite struct OwnerOnlyStoreTests {
    @Test func newStoreIsOwnerOnly() throws {
        let base = TemporaryDirectory()
        let database = base.file("data/shq/history.db")
        let result = try ShqProcess.run(["save", "-c", "true"], database: database, input: Data("output\n".utf8))
        #expect(result.status == 0)
        #expect(try mode(base.file("data/shq")) == 0o700)
        #expect(FileManager.default.fileExists(atPath: database + "-chunks"))
        for suffix in ["", "-wal", "-shm", "-chunks"] where FileManager.default.fileExists(atPath: database + suffix) {
            #expect(try mode(database + suffix) == 0o600, "\(suffix)")
        }
    }

    /// `shq run` opens the store on a second thread, under umask 077 for a moment, while it prepares the
    /// command: the command must still start with the user's umask, recorded or ignored (then shq
    /// replaces itself with it at once). Repeated, since a missing wait loses a race.
    @Test(arguments: [[:], ["SHQ_IGNORE": "sh *"]])
    func commandRunsWithTheUsersUmask(environment: [String: String]) throws {
        let fixture = StoreFixture()
        for _ in 0..<10 {
            let result = try ShqProcess.run(
                ["-c", "umask 022; exec \"$0\" run sh -c umask", ShqProcess.binary], database: fixture.database,
                environment: environment, executable: "/bin/sh")
            #expect(result.stdoutText == "0022\n", "\(result.stderrText)")
        }
    }

    @Test func readableDatabaseIsTightened() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "one")
        try chmod(fixture.database, 0o644)
        #expect(try fixture.shq("history").status == 0)
        #expect(try mode(fixture.database) == 0o600)
    }

    @Test func defaultDataDirectoryAndItsFilesAreTightened() throws {
        let home = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: home.file("shq"), withIntermediateDirectories: true)
        try chmod(home.file("shq"), 0o755)
        // A spool file appended by a shell under umask 022.
        _ = FileManager.default.createFile(atPath: home.file("shq/spool-test"), contents: Data("x\n".utf8))
        try chmod(home.file("shq/spool-test"), 0o644)
        let result = try ShqProcess.run(["save", "-c", "x"], environment: ["SHQ_DB": "", "XDG_DATA_HOME": home.path])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(try mode(home.file("shq")) == 0o700)
        #expect(try mode(home.file("shq/spool-test")) == 0o600)
        try chmod(home.file("shq/spool-test"), 0o662)
        let refused = try ShqProcess.run(["history"], environment: ["SHQ_DB": "", "XDG_DATA_HOME": home.path])
        #expect(refused.status != 0)
        #expect(refused.stderrText.hasPrefix("shq: \(home.file("shq/spool-test")): writable by other users (mode 0662)"))
    }

    @Test(arguments: ["", "-wal", "-chunks"])
    func groupWritableFileIsRefused(suffix: String) throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "one")
        let path = fixture.database + suffix
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        try chmod(path, 0o666)
        let result = try fixture.shq("history")
        #expect(result.status != 0)
        #expect(result.stderrText == "shq: \(path): writable by other users (mode 0666); refusing to use it. Fix: chmod 600 \(path)\n")
    }

    @Test func otherWritableDirectoryIsRefused() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "one")
        try chmod(fixture.directory.path, 0o777)
        let result = try fixture.shq("history")
        #expect(result.status != 0)
        #expect(result.stderrText.hasPrefix("shq: \(fixture.directory.path): writable by other users (mode 0777)"))
    }

    // chown needs root; CI runs as root. Elsewhere the test is reported as skipped, not passed.
    @Test(.enabled(if: geteuid() == 0, "chown to another user needs root"))
    func storeOwnedByAnotherUserIsRefused() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "one")
        try chownToNobody(fixture.database)
        let result = try fixture.shq("history")
        #expect(result.status != 0)
        #expect(result.stderrText == "shq: \(fixture.database): owned by nobody, not by you; refusing to use another user's history\n")
        try chownToNobody(fixture.directory.path)
        #expect(try fixture.shq("save", "-c", "two").stderrText.hasPrefix("shq: \(fixture.directory.path): owned by nobody"))
    }
}

/// `shq forget` and `shq prune` leave nothing of the deleted commands in the database file, its WAL or
/// the chunk file.
@Suite struct DeletionLeavesNoTraceTests {
    private func fileBytes(_ fixture: StoreFixture) -> Data {
        ["", "-wal", "-shm", "-journal", "-chunks"].reduce(into: Data()) { all, suffix in
            all += FileManager.default.contents(atPath: fixture.database + suffix) ?? Data()
        }
    }

    /// Saves a command whose line and output both carry `marker`; checks the marker is on disk before.
    private func saveMarked(_ fixture: StoreFixture, _ marker: String, extra: [String] = []) throws {
        let output = Data("output \(marker)-OUT\n".utf8)
        try fixture.shq(arguments: ["save", "-c", "echo \(marker)-CMD"] + extra, input: output)
    }

    @Test func forgetRemovesCommandEventsOutputAndEveryByte() throws {
        let fixture = StoreFixture()
        let marker = "MARK" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        try fixture.shq("save", "-c", "keep me", input: Data("kept output\n".utf8))
        try saveMarked(fixture, marker)
        try fixture.shq("save", "-c", "keep me too")
        let before = fileBytes(fixture)
        #expect(before.range(of: Data("\(marker)-CMD".utf8)) != nil)
        #expect(before.range(of: Data("\(marker)-OUT".utf8)) != nil)

        let result = try fixture.shq("forget", "-y", "~2")
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText == "forgot 1 command\n")
        let after = fileBytes(fixture)
        #expect(after.range(of: Data(marker.utf8)) == nil)
        #expect(try fixture.sqlite("SELECT cmd FROM invocations ORDER BY seq") == ["keep me", "keep me too"])
        #expect(try fixture.sqlite("SELECT count(*) FROM blobs") == ["1"])
        #expect(try fixture.sqlite("SELECT count(*) FROM invocation_events WHERE invocation NOT IN (SELECT seq FROM invocations)") == ["0"])
        #expect(try fixture.shq("show", "~2", "-O").stdoutText == "kept output\n")
    }

    /// A full-text index kept by triggers (as the search feature keeps one) is purged too.
    @Test func forgetPurgesAFullTextIndex() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "warm up")
        _ = try fixture.sqlite("""
            CREATE VIRTUAL TABLE test_fts USING fts5(cmd);
            CREATE TRIGGER test_fts_insert AFTER INSERT ON invocation_rows BEGIN
                INSERT INTO test_fts(rowid, cmd) VALUES (new.seq, new.cmd); END;
            CREATE TRIGGER test_fts_delete AFTER DELETE ON invocation_rows BEGIN
                DELETE FROM test_fts WHERE rowid = old.seq; END;
            """)
        let marker = "FTS" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try saveMarked(fixture, marker)
        #expect(try fixture.sqlite("SELECT count(*) FROM test_fts WHERE test_fts MATCH '\(marker)'") == ["1"])
        #expect(fileBytes(fixture).range(of: Data(marker.utf8)) != nil)
        try fixture.shq("forget", "-y", "~1")
        #expect(fileBytes(fixture).range(of: Data(marker.utf8)) == nil)
        #expect(try fixture.sqlite("SELECT count(*) FROM test_fts WHERE test_fts MATCH '\(marker)'") == ["0"])
    }

    @Test func pruneRemovesOldCommandsAndEveryByte() throws {
        let fixture = StoreFixture()
        let marker = "OLD" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        try saveMarked(fixture, marker, extra: ["--started-at", "2020-01-01T00:00:00Z"])
        try fixture.shq("save", "-c", "recent")
        #expect(fileBytes(fixture).range(of: Data("\(marker)-OUT".utf8)) != nil)
        let result = try fixture.shq("prune", "--older-than", "30d")
        #expect(result.stdoutText == "pruned 1 command older than 30d\n")
        #expect(fileBytes(fixture).range(of: Data(marker.utf8)) == nil)
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["recent"])
    }

    /// A large output (several chunks, each compressed, so the marker need not appear in the file
    /// literally): every byte of the chunk file outside the chunks still stored reads zero after forget.
    @Test func forgetErasesALargeOutputFromTheChunkFile() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "keep", input: Data("kept output\n".utf8))
        let marker = "BIG" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        var output = Data()
        for line in 0..<40_000 { output += Data("\(line) \(marker) \(UUID().uuidString)\n".utf8) }
        try fixture.shq("save", "-c", "big", input: output)
        #expect(try fixture.shq("show", "-O", "~1").stdout == output)
        let chunkFile = fixture.database + "-chunks"
        let before = try #require(FileManager.default.contents(atPath: chunkFile))
        #expect(before.count > 500_000)

        #expect(try fixture.shq("forget", "-y", "~1").status == 0)
        let after = try #require(FileManager.default.contents(atPath: chunkFile))
        let live = try fixture.sqlite("SELECT file_offset, file_length FROM blob_chunks WHERE file_offset IS NOT NULL").map {
            let parts = $0.split(separator: "|").map { Int($0)! }
            return parts[0]..<(parts[0] + parts[1])
        }
        #expect(live.count == 1)
        let leftOver = after.indices.filter { index in after[index] != 0 && !live.contains { $0.contains(index) } }
        #expect(leftOver.isEmpty, "\(leftOver.count) bytes of the forgotten output remain")
        #expect(fileBytes(fixture).range(of: Data(marker.utf8)) == nil)
        var info = stat()
        #expect(stat(chunkFile, &info) == 0 && Int(info.st_blocks) * 512 < 64 * 1024)  // the blocks were given back
        #expect(try fixture.shq("show", "-O", "~1").stdoutText == "kept output\n")
    }

    @Test func forgetSharedOutputKeepsTheOtherCopy() throws {
        let fixture = StoreFixture()
        let output = Data("same output\n".utf8)
        try fixture.shq("save", "-c", "first", input: output)
        try fixture.shq("save", "-c", "second", input: output)
        try fixture.shq("forget", "-y", "~1")
        #expect(try fixture.shq("show", "~1", "-O").stdoutText == "same output\n")
    }

    @Test func severalSelectorsAddUp() throws {
        let fixture = StoreFixture()
        for name in ["a", "b", "c"] { try fixture.shq("save", "-c", name) }
        #expect(try fixture.shq("forget", "-y", "~1", "~3").stdoutText == "forgot 2 commands\n")
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["b"])
        #expect(try fixture.shq("forget").status != 0)
    }

    /// Without a terminal to ask on, forget deletes only with -y; --dry-run lists and deletes nothing.
    @Test func forgetAsksOrNeedsYes() throws {
        let fixture = StoreFixture()
        for name in ["keep", "secret one", "secret two"] { try fixture.shq("save", "-c", name) }
        let refused = try fixture.shq("forget", "%/secret/")
        #expect(refused.status == 1)
        #expect(refused.stderrText == "shq: forget: 2 commands match; not deleting without a terminal to confirm on: add -y to delete, or --dry-run to list them\n")
        let dry = try fixture.shq("forget", "--dry-run", "%/secret/")
        #expect(dry.status == 0)
        let lines = dry.stdoutText.split(separator: "\n")
        #expect(lines.count == 4, "\(dry.stdoutText)")
        #expect(lines[0].hasPrefix("ID") && lines[1].hasSuffix("secret one") && lines[2].hasSuffix("secret two"))
        #expect(lines[3] == "would forget 2 commands")
        #expect(try fixture.sqlite("SELECT count(*) FROM invocations") == ["3"])
        #expect(try fixture.shq("forget", "-y", "%/secret/").stdoutText == "forgot 2 commands\n")
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["keep"])
    }

    @Test func badArgumentsAreRefused() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "x")
        #expect(try fixture.shq("prune", "--older-than", "soon").status != 0)
        #expect(try fixture.shq("forget", "-y", "~9").status != 0)
        #expect(try fixture.sqlite("SELECT count(*) FROM invocations") == ["1"])
    }
}

/// `shq sql` cannot change anything, whatever the SQL.
@Suite struct ReadOnlySQLTests {
    static let attempts = [
        "DELETE FROM invocations",
        "UPDATE invocations SET cmd = 'x'",
        "INSERT INTO invocations(id, cmd, source, started_at, status) VALUES ('z', 'z', 'save', 0, 'completed')",
        "DROP TABLE invocations",
        "CREATE TABLE t(x)",
        "ATTACH DATABASE '/tmp/shq-attack.db' AS a",
        "PRAGMA writable_schema = 1",
        "PRAGMA query_only = 0",
        "PRAGMA user_version = 99",
        "SELECT load_extension('/usr/lib/x86_64-linux-gnu/libsqlite3.so.0')",
        "SELECT 1; DELETE FROM invocations",
        "SELECT 1; ATTACH DATABASE ':memory:' AS m",
        "BEGIN IMMEDIATE",
        "VACUUM INTO '/tmp/shq-copy.db'",
        "REINDEX",
        "ANALYZE",
        "WITH x AS (SELECT 1) DELETE FROM invocations",
    ]

    @Test(arguments: attempts)
    func refusedAndDataIntact(sql: String) throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "precious", input: Data("output\n".utf8))
        let before = try fixture.sqlite("SELECT seq, cmd, status FROM invocations; PRAGMA user_version; SELECT count(*) FROM sqlite_master")
        let result = try fixture.shq("sql", sql)
        #expect(result.status != 0)
        #expect(result.stderrText.hasPrefix("shq: sql: "), "\(result.stderrText)")
        #expect(try fixture.sqlite("SELECT seq, cmd, status FROM invocations; PRAGMA user_version; SELECT count(*) FROM sqlite_master") == before)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/shq-copy.db"))
    }

    @Test func readingStillWorks() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "precious")
        for query in ["SELECT cmd FROM invocations", "SELECT count(*) FROM failed_invocations", "PRAGMA table_info(invocations)",
                      "PRAGMA user_version", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT sum(i) FROM n -- done"] {
            let result = try fixture.shq("sql", query)
            #expect(result.status == 0, "\(query): \(result.stderrText)")
        }
    }
}
