import Foundation
import Glibc
import ShqTestSupport
import Testing

/// A large import writes in one transaction with the unique indexes dropped until its end: killed in the
/// middle, it must leave the store as it was — both indexes there, nothing half-written — and the same
/// import run again must store every command exactly once.
@Suite struct ImportInterruptTests {
    @Test func aKilledLargeImportLeavesTheStoreWithItsIndexes() throws {
        let fixture = StoreFixture()
        try fixture.createEmptyStore()
        let file = fixture.directory.file("bash_history")
        // 60 000 commands: past the 50 000 from which an import into an empty store rebuilds the indexes.
        let commands = 60_000
        var text = ""
        text.reserveCapacity(commands * 40)
        for index in 0..<commands { text += "#\(1_600_000_000 + index)\ngit commit -m \"change \(index)\"\n" }
        try text.write(toFile: file, atomically: true, encoding: .utf8)

        let importer = try ProcessProbe.spawn(ShqProcess.binary, ["import", "--db", fixture.database, "bash", file])
        defer { importer.stop() }
        // Wait on the state itself: the import holds the write lock while it writes.
        func writeLockTaken() throws -> Bool {
            let probe = try ShqProcess.run([fixture.database, "BEGIN IMMEDIATE; ROLLBACK;"], executable: "/usr/bin/sqlite3")
            return probe.status != 0 && probe.stderrText.contains("locked")
        }
        let locked = try ProcessProbe.waitUntil(timeout: 120) { try writeLockTaken() || !importer.isRunning }
        #expect(locked && importer.isRunning, "the import ended before it was seen writing")
        kill(importer.pid, SIGKILL)
        importer.wait(timeout: 30)
        #expect(importer.terminationSignal == SIGKILL)

        #expect(try fixture.sqlite("PRAGMA integrity_check") == ["ok"])
        let uniqueIndexes = "SELECT name FROM pragma_index_list('invocation_rows') WHERE \"unique\" = 1 ORDER BY name"
        #expect(try fixture.sqlite(uniqueIndexes) == ["invocation_rows_id", "invocation_rows_import_key"])
        #expect(try fixture.sqlite("SELECT count(*) FROM invocations") == ["0"])
        // The batches written before the kill had fed the trigram index: none of it stays.
        #expect(try fixture.sqlite("SELECT count(*) FROM invocations_fts WHERE invocations_fts MATCH 'com'") == ["0"])

        let again = try fixture.shq("import", "bash", file)
        #expect(again.status == 0, "\(again.stderrText)")
        #expect(try fixture.sqlite("SELECT count(*), count(DISTINCT import_key) FROM invocations") == ["\(commands)|\(commands)"])
        #expect(try fixture.sqlite(uniqueIndexes) == ["invocation_rows_id", "invocation_rows_import_key"])
        let third = try fixture.shq("import", "bash", file)
        #expect(third.stderrText.contains("imported 0 of \(commands) commands"), "\(third.stderrText)")
        #expect(try fixture.sqlite("SELECT count(*) FROM invocations_fts WHERE cmd LIKE '%change 59999%'") == ["1"])
    }
}
