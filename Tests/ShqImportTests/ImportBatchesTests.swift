import ShqImport
import ShqStore
import ShqTestSupport
import Testing

/// `Store.importHistory` prepares each batch's records on another thread while it writes the previous
/// batch: with many small batches every record must still arrive once, in order, with the right counts.
@Suite struct ImportBatchesTests {
    let directory = TemporaryDirectory()

    @Test(arguments: [false, true]) func manyBatchesStoreEveryCommandOnceInOrder(rebuildingIndexes: Bool) throws {
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        var commands: [ImportedCommand] = []
        for index in 0..<250 {
            // Every 10th is refused by the ignore rules (leading space); every 25th (from the 21st) repeats the one before.
            let text = index % 10 == 3 ? " hidden \(index)" : "echo \(index)"
            let identity = index % 25 == 20 ? commands[commands.count - 1].identity : ImportKey.hash(Array(text.utf8))
            commands.append(ImportedCommand(cmd: Array(text.utf8), startedAt: Timestamp(microseconds: Int64(index) * 1_000_000),
                                            exitCode: 0, identity: identity))
        }
        var reported: [Int] = []
        let summary = try store.importHistory(commands, format: .bash, batchSize: 7, rebuildingIndexes: rebuildingIndexes) { done, total in
            #expect(total == 250)
            reported.append(done)
        }
        // The first batch is a tenth of the others (at least one command): the writer waits for it.
        #expect(reported == [1] + Array(stride(from: 8, to: 250, by: 7)) + [250])
        #expect(summary.read == 250)
        #expect(summary.skipped == 25)
        #expect(summary.alreadyPresent == 10)
        #expect(summary.added == 215)

        let expected = commands.enumerated()
            .filter { $0.offset % 10 != 3 && $0.offset % 25 != 20 }
            .map { String(decoding: $0.element.cmd, as: UTF8.self) }
        let rows = try store.db.prepare("SELECT cmd FROM invocations ORDER BY seq")
        var stored: [String] = []
        while try rows.step() { stored.append(rows.string(0)) }
        #expect(stored == expected)

        let again = try store.importHistory(commands, format: .bash, batchSize: 7, rebuildingIndexes: rebuildingIndexes)
        #expect(again.added == 0)
        #expect(again.alreadyPresent == 225)
    }

    /// A database is read batch by batch as the import goes: every row once, in time order, and the
    /// read ends at the last row (stepping past it would start the query over).
    @Test func databaseSourceIsReadOnceAcrossBatches() throws {
        let histdb = directory.file("histdb.db")
        let source = try Database(path: histdb)
        try source.execute("""
            CREATE TABLE commands (id integer primary key autoincrement, argv text, unique(argv) on conflict ignore);
            CREATE TABLE places (id integer primary key autoincrement, host text, dir text);
            CREATE TABLE history (id integer primary key autoincrement, session int, command_id int,
                place_id int, exit_status int, start_time int, duration int);
            CREATE INDEX hist_time on history(start_time);
            INSERT INTO places(host, dir) VALUES ('box', '/src');
            """)
        // Inserted newest first, so only the ORDER BY puts them in time order.
        for index in (0..<25).reversed() {
            try source.execute("""
                INSERT INTO commands(argv) VALUES ('step \(index)');
                INSERT INTO history(session, command_id, place_id, exit_status, start_time, duration)
                    VALUES (\(index % 3), (SELECT id FROM commands WHERE argv = 'step \(index)'), 1, 0, \(1_700_000_000 + index), 1);
                """)
        }
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        var totals: Set<Int> = []
        let summary = try store.importHistory(try ZshHistdbImporter().open(histdb), format: .zshHistdb, batchSize: 5) { _, total in
            totals.insert(total)
        }
        #expect(totals == [25])
        #expect(summary.read == 25 && summary.added == 25)
        // Names and directories are interned per batch (`ImportStaging`): the same ones recur across batches.
        let rows = try store.db.prepare("SELECT cmd, session, cwd, host FROM invocations ORDER BY seq")
        var stored: [String] = []
        while try rows.step() {
            stored.append(rows.string(0))
            #expect(rows.string(1) == "zsh-histdb-\(Int(rows.string(0).dropFirst(5))! % 3)")
            #expect(rows.string(2) == "/src" && rows.string(3) == "box")
        }
        #expect(try store.db.scalarInt("SELECT count(*) FROM names") == 4)
        #expect(try store.db.scalarInt("SELECT count(*) FROM dirs") == 1)
        #expect(stored == (0..<25).map { "step \($0)" })
        let again = try store.importHistory(try ZshHistdbImporter().open(histdb), format: .zshHistdb, batchSize: 5)
        #expect(again.read == 25 && again.added == 0 && again.alreadyPresent == 25)
    }
}

@Suite struct ImportKeyTests {
    /// Keys are stored: they must never change between versions, or re-importing would duplicate.
    @Test func importKeysAreStable() {
        #expect(ImportKey.hash("abc".utf8) == 0xe71f_a219_0541_574b)
        #expect(ImportKey.hash([]) == 0xcbf2_9ce4_8422_2325)  // FNV-1a's offset basis, written out
        #expect(ImportKey.hash("bc".utf8, from: ImportKey.hash("a".utf8)) == ImportKey.hash("abc".utf8))
    }
}
