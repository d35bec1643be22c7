import ShqQuery
import ShqStore
import ShqTestSupport
import Testing

/// `Store.importHistory` prepares each batch's records on another thread while it writes the previous
/// batch: with many small batches every record must still arrive once, in order, with the right counts.
@Suite struct ImportBatchesTests {
    let directory = TemporaryDirectory()

    @Test func manyBatchesStoreEveryCommandOnceInOrder() throws {
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
        let summary = try store.importHistory(commands, format: .bash, batchSize: 7) { done, total in
            #expect(total == 250)
            reported.append(done)
        }
        #expect(reported == Array(stride(from: 7, to: 250, by: 7)) + [250])
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

        let again = try store.importHistory(commands, format: .bash, batchSize: 7)
        #expect(again.added == 0)
        #expect(again.alreadyPresent == 225)
    }
}
