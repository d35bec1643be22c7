import ShqTestSupport
import Testing
@testable import ShqStore

/// An output stored after its record was pushed (`shq session` writes it after the hook's record) is
/// pushed by the next sync: finishing it winds the outputs cursor back to just before the record.
@Suite struct SyncOutputsCursorTests {
    func store(records: Int) throws -> (Store, [Int64], TemporaryDirectory) {
        let directory = TemporaryDirectory()
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        let seqs = try (0..<records).map { index in
            try #require(try store.insert(Invocation(cmd: Array("cmd \(index)".utf8), source: .hook, startedAt: .now(), exitCode: 0, status: .completed)))
        }
        return (store, seqs, directory)
    }

    func attachOutput(_ store: Store, _ seq: Int64, _ text: String) throws {
        let writer = OutputWriter(store: store, invocation: seq, stream: .pty)
        try writer.append(Array(text.utf8))
        try writer.finish()
    }

    @Test func aLateOutputWindsTheCursorBackAndIsPushedNext() throws {
        let (store, seqs, directory) = try store(records: 3)
        _ = directory
        var state = try store.syncState()
        state.pushedThrough = seqs[2]
        state.outputsPushedThrough = seqs[2]
        try store.saveSyncState(state)
        try attachOutput(store, seqs[1], "late output\n")
        let cursor = try store.syncState().outputsPushedThrough
        #expect(cursor == seqs[1] - 1)
        var pushed: [[UInt8]] = []
        try store.forEachOutputToPush(after: cursor, through: seqs[2], cap: 1 << 20) { pushed.append($0.id) }
        #expect(pushed.count == 1)
        // The records' own cursor does not move: the record is not sent twice.
        #expect(try store.syncState().pushedThrough == seqs[2])
    }

    @Test func anOutputPastTheCursorOrWithoutSyncLeavesItAlone() throws {
        let (store, seqs, directory) = try store(records: 3)
        _ = directory
        try attachOutput(store, seqs[0], "no sync yet\n")
        #expect(try store.db.scalarInt("SELECT count(*) FROM sync_state") == 0)
        var state = try store.syncState()
        state.outputsPushedThrough = seqs[0]
        try store.saveSyncState(state)
        try attachOutput(store, seqs[2], "newer than the cursor\n")
        #expect(try store.syncState().outputsPushedThrough == seqs[0])
    }
}
