@testable import ShqImport
import ShqPrivacy
import ShqStore
import ShqSystem
import ShqTestSupport
import Testing

/// The import's bulk path (`ImportStaging.insertImported`: rows inserted with triggers off, the trigram
/// index fed once per batch) stores exactly what the ordinary one-row insert stores for the same
/// records: every column of `invocations` but the random id, and the same search answers — batch by
/// batch into the indexes, and in one transaction with the unique indexes rebuilt at its end.
@Suite struct ImportStoredRowsTests {
    let directory = TemporaryDirectory()

    @Test(arguments: [false, true]) func bulkImportStoresWhatSingleInsertsStore(rebuildingIndexes: Bool) throws {
        var commands: [ImportedCommand] = []
        for index in 0..<300 {
            commands.append(ImportedCommand(
                cmd: Array("git commit -m \"change \(index)\" && export TOKEN=s\(index)x".utf8),
                startedAt: Timestamp(microseconds: 1_700_000_000_000_000 + Int64(index) * 1_500_000),
                durationMicros: index % 7 == 0 ? nil : Int64(index * 1000),
                exitCode: index % 5 == 0 ? nil : Int32(index % 3),
                cwd: index % 4 == 0 ? nil : Array("/src/p\(index % 9)".utf8),
                host: index % 6 == 0 ? nil : "box\(index % 2)", user: "u\(index % 3)", session: "s\(index % 11)",
                identity: ImportKey.hash(Array("line \(index)".utf8))))
        }
        let bulk = try Store(location: StoreLocation(databasePath: directory.file("bulk.db")))
        let summary = try bulk.importHistory(commands, format: .zshHistdb, batchSize: 64, rebuildingIndexes: rebuildingIndexes)
        #expect(summary.added == 300)

        let single = try Store(location: StoreLocation(databasePath: directory.file("single.db")))
        for command in commands {
            guard case .record(let cmd) = RecordingPolicy.decide(command.cmd, entryPoint: .import) else { continue }
            _ = try single.insert(Store.invocation(from: command, cmd: cmd, format: .zshHistdb))
        }

        let columns = "seq, session, cmd, cwd, host, user, shell, tty, source, started_at, ended_at, duration_us, exit_code, "
            + "signal, status, pid, tag, pipestatus, import_key"
        #expect(try rows(bulk, "SELECT \(columns) FROM invocations ORDER BY seq")
                == rows(single, "SELECT \(columns) FROM invocations ORDER BY seq"))
        let search = "SELECT rowid FROM invocations_fts WHERE cmd LIKE '%change 1%' ORDER BY rowid"
        #expect(try rows(bulk, search) == rows(single, search))
        #expect(try rows(bulk, search).count == 111)
        try bulk.db.execute("INSERT INTO invocations_fts(invocations_fts, rank) VALUES ('integrity-check', 1)")
    }

    private func rows(_ store: Store, _ sql: String) throws -> [String] {
        let statement = try store.db.prepare(sql)
        var result: [String] = []
        while try statement.step() {
            result.append((0..<statement.columnCount).map { statement.isNull($0) ? "NULL" : statement.string($0) }.joined(separator: "|"))
        }
        return result
    }
}
