import Foundation
@testable import ShqStore
import ShqTestSupport
import Testing

@Suite struct SpoolRecordTests {
    @Test func commandLineRoundTrips() throws {
        let command = SpoolRecord.command(.init(
            session: "s1", number: 7, startedAt: Timestamp(microseconds: 1_700_000_000_123_456), durationMicros: 1_200_000,
            exitStatus: 3, pipestatus: "1 0 3", cwd: Array("/tmp/a\tb".utf8), cmd: [0x66, 0x6F, 0x0A, 0x5C, 0x6E, 0xFF, 0x09]))
        #expect(SpoolRecord.decode(command.encoded) == command)
        let session = SpoolRecord.session(.init(
            id: "s1", shell: "zsh", pid: 42, tty: "/dev/pts/1", host: "h", user: "u", startedAt: Timestamp(microseconds: 5)))
        #expect(SpoolRecord.decode(session.encoded) == session)
    }

    @Test func decodesWhatTheShellWrites() throws {
        // As shq.bash/shq.zsh escape it: backslash, TAB, newline.
        let line = Array("C\tsess\t3\t100\t20\t0\t\t/home/me\tprintf \"%s\\\\t\\\\n\" a\\nb".utf8)
        guard case .command(let c)? = SpoolRecord.decode(line) else { Issue.record("not decoded"); return }
        #expect(String(decoding: c.cmd, as: UTF8.self) == "printf \"%s\\t\\n\" a\nb")
        #expect(c.pipestatus == nil)
        #expect(c.durationMicros == 20)
    }

    @Test func aStartWrittenAsASumIsAdded() throws {
        // As shq.fish writes it: the clock offset (µs) + the /proc/uptime reading (seconds, centiseconds).
        for (field, expected) in [("1764000000000000+12345.67", Int64(1_764_012_345_670_000)), ("5+2", 2_000_005),
                                  ("-10+0.5", 499_990), ("0+1.1234567", 1_123_456), ("100", 100)] {
            let line = Array("C\ts\t1\t\(field)\t0\t0\t\t/\tls".utf8)
            guard case .command(let c)? = SpoolRecord.decode(line) else { Issue.record("\(field) not decoded"); continue }
            #expect(c.startedAt.microseconds == expected, "\(field)")
        }
        for bad in ["1+", "+1", "1+-1", "1+1.-2", "1+.5", "1+1.5x", "1+1+1", "9223372036854775807+9999999999", "900000000000000000+9999999999999"] {
            #expect(SpoolRecord.decode(Array("C\ts\t1\t\(bad)\t0\t0\t\t/\tls".utf8)) == nil, "\(bad)")
        }
    }

    @Test func malformedLinesAreRejected() {
        for bad in ["", "C", "C\ts", "X\ta\tb", "C\ts\tNaN\t1\t2\t0\t\t/\tls", "C\t\t1\t1\t2\t0\t\t/\tls",
                    "C\ts\t1\t1\t2\t99999999999\t\t/\tls", "S\ts\tbash"] {
            #expect(SpoolRecord.decode(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test func decoderNeverTrapsOnRandomBytes() {
        var random = SeededRandom(seed: 0xC0FFEE)
        let alphabet: [UInt8] = [9, 92, 110, 116, 45, 48, 49, 57, 67, 83, 0xFF, 0xE6, 0x20, 0x00]
        var rejected = 0
        for _ in 0..<20_000 {
            let count = random.below(40)
            var bytes = (0..<count).map { _ in alphabet[random.below(alphabet.count)] }
            if random.below(2) == 0 { bytes = Array("C\t".utf8) + bytes }
            guard SpoolRecord.decode(bytes) != nil else { rejected += 1; continue }
            // Only a line that starts with a record kind and a tab can decode.
            #expect(bytes.count > 1 && [UInt8(ascii: "C"), UInt8(ascii: "S")].contains(bytes[0]) && bytes[1] == 9, "\(bytes)")
        }
        #expect(rejected > 10_000)  // the input is mostly malformed: the decoder must have refused it
    }
}

@Suite struct SpoolIngestTests {
    /// A store in a temporary folder that lives as long as the test holds the fixture.
    final class Fixture {
        let directory = TemporaryDirectory()
        let store: Store
        init() throws {
            store = try Store(location: StoreLocation(databasePath: directory.databasePath))
            try store.location.createSpoolDirectory()
        }
    }

    func spool(_ store: Store, _ session: String, _ lines: [String], suffix: String = ".spool") throws {
        let path = store.location.spoolDirectory + "/" + session + suffix
        let handle = FileHandle(forWritingAtPath: path) ?? {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)!
        }()
        handle.seekToEndOfFile()
        handle.write(Data(lines.joined().utf8))
        handle.closeFile()
    }

    static func line(_ session: String, _ n: Int, _ cmd: String, exit: Int = 0) -> String {
        "C\t\(session)\t\(n)\t\(1_700_000_000_000_000 + n)\t1000\t\(exit)\t\t/tmp\t\(cmd)\n"
    }

    func commands(_ store: Store) throws -> [String] {
        try store.invocations().reversed().map(\.cmdText)
    }

    func spoolFiles(_ store: Store) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: store.location.spoolDirectory).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func ingestsSessionAndCommandsThenRemovesTheFile() throws {
        let fixture = try Fixture(); let store = fixture.store
        try spool(store, "s1", ["S\ts1\tbash\t99\t/dev/pts/4\thost\tme\t1700000000000000\n",
                                Self.line("s1", 1, "make"), Self.line("s1", 2, "make test", exit: 2)])
        let report = try store.ingestSpool { $0 }
        #expect(report.recorded == 2)
        #expect(try commands(store) == ["make", "make test"])
        let last = try #require(try store.invocations(limit: 1).first)
        #expect(last.source == .hook && last.shell == "bash" && last.tty == "/dev/pts/4" && last.host == "host")
        #expect(last.exitCode == 2 && last.status == .failed && last.durationMicros == 1000 && last.cwdText == "/tmp")
        #expect(try spoolFiles(store).isEmpty)
        #expect(try store.db.scalarInt("SELECT count(*) FROM sessions WHERE id = 's1' AND pid = 99") == 1)
    }

    @Test func policyCanDropOrRewrite() throws {
        let fixture = try Fixture(); let store = fixture.store
        try spool(store, "s1", [Self.line("s1", 1, "keep"), Self.line("s1", 2, "drop"), Self.line("s1", 3, "secret=1")])
        let report = try store.ingestSpool { cmd in
            let text = String(decoding: cmd, as: UTF8.self)
            if text == "drop" { return nil }
            return Array(text.replacingOccurrences(of: "1", with: "***").utf8)
        }
        #expect(report.recorded == 2 && report.skipped == 1)
        #expect(try commands(store) == ["keep", "secret=***"])
    }

    @Test func aLineCutShortIsDroppedAndTheRestKept() throws {
        let fixture = try Fixture(); let store = fixture.store
        try spool(store, "s1", [Self.line("s1", 1, "whole"), "C\ts1\t2\t17000"])
        let report = try store.ingestSpool { $0 }
        #expect(report.recorded == 1 && report.malformed == 1)
        #expect(try commands(store) == ["whole"])
    }

    @Test func ingestingTheSameLinesTwiceAddsThemOnce() throws {
        let fixture = try Fixture(); let store = fixture.store
        // A taken file left by an ingest that died after its commit, and the same line again.
        try spool(store, "s1", [Self.line("s1", 1, "once")], suffix: ".123.taken")
        try spool(store, "s1", [Self.line("s1", 1, "once"), Self.line("s1", 2, "twice")])
        try store.ingestSpool { $0 }
        #expect(try commands(store) == ["once", "twice"])
        #expect(try spoolFiles(store).isEmpty)
    }

    @Test func nothingIsLostWhenTheTransactionFails() throws {
        let fixture = try Fixture(); let store = fixture.store
        try spool(store, "s1", [Self.line("s1", 1, "precious")])
        try store.db.execute("PRAGMA query_only=1")
        #expect(throws: StoreError.self) { try store.ingestSpool { $0 } }
        #expect(try spoolFiles(store).count == 1)  // still there (renamed to .taken)
        try store.db.execute("PRAGMA query_only=0")
        try store.ingestSpool { $0 }
        #expect(try commands(store) == ["precious"])
        #expect(try spoolFiles(store).isEmpty)
    }

    @Test func aFileAShellStillHasOpenWaitsForTheNextIngest() throws {
        let fixture = try Fixture(); let store = fixture.store
        try spool(store, "s1", [Self.line("s1", 1, "first")])
        // A shell that opened the file just before the rename and has not written yet.
        // Close-on-exec: a process another test spawns meanwhile must not inherit the descriptor and keep
        // the file open after this "shell" closed it.
        let writer = open(store.location.spoolDirectory + "/s1.spool", O_WRONLY | O_APPEND | O_CLOEXEC)
        try #require(writer >= 0)
        let report = try store.ingestSpool { $0 }
        #expect(report.busy == 1 && report.recorded == 0)
        let late = Array(Self.line("s1", 2, "late").utf8)
        #expect(write(writer, late, late.count) == late.count)
        close(writer)
        try store.ingestSpool { $0 }
        #expect(try commands(store) == ["first", "late"])
    }

    /// Scratch files of shells gone for a week go (`.line`: bash's read-back; `.hook`: hook off/on); a
    /// live shell's stay.
    @Test func staleScratchFilesAreRemoved() throws {
        let fixture = try Fixture(); let directory = fixture.store.location.spoolDirectory
        let names = [".old.line", ".old.hook", ".new.line", ".new.hook"]
        for name in names { _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data("off\n".utf8)) }
        let weekAgo = Date().addingTimeInterval(-8 * 86_400)
        for name in names where name.hasPrefix(".old") {
            try FileManager.default.setAttributes([.modificationDate: weekAgo], ofItemAtPath: directory + "/" + name)
        }
        Store.removeStaleScratchFiles(in: directory)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(".") }.sorted()
            == [".new.hook", ".new.line"])
    }

    @Test func nothingPendingIsCheap() throws {
        let fixture = try Fixture(); let store = fixture.store
        let report = try store.ingestSpool { $0 }
        #expect(report == Store.SpoolIngestReport())
        #expect(!FileManager.default.fileExists(atPath: store.location.spoolDirectory + "/.lock"))
    }
}
