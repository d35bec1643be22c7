import ShqQuery
import ShqStore
import ShqTestSupport
import Testing

/// The common reads still walk an index over the compact rows behind the `invocations` view.
@Suite struct QueryPlanTests {
    let directory = TemporaryDirectory()

    func plan(_ store: Store, _ sql: String, _ conditions: Conditions = Conditions()) throws -> String {
        let explain = try store.db.prepare("EXPLAIN QUERY PLAN " + sql)
        conditions.bind(explain)
        var lines: [String] = []
        while try explain.step() { lines.append(explain.string(3)) }
        return lines.joined(separator: "\n")
    }

    @Test func listingIdPrefixesAndLiveJobsUseIndexes() throws {
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        var ids: [String] = []
        for index in 0..<50 {
            let invocation = Invocation(cmd: Array("echo \(index)".utf8), cwd: Array("/tmp".utf8), source: .save,
                                        startedAt: Timestamp(microseconds: Int64(index) * 1_000_000), status: .completed)
            ids.append(invocation.id)
            try store.insert(invocation)
        }
        let list = try plan(store, "SELECT \(Store.invocationColumns) FROM \(Store.invocationsFrom) ORDER BY i.started_at DESC, i.seq DESC LIMIT 20")
        #expect(list.contains("USING INDEX invocations_started_at"), "\(list)")
        #expect(!list.contains("TEMP B-TREE"), "\(list)")

        // An id prefix with an odd number of digits (half a byte) still finds its row by index range.
        let prefix = String(ids[17].prefix(17))
        let conditions = SelectorQuery(try SelectorParser.parse(prefix)).conditions
        let byID = try plan(store, "SELECT i.seq FROM \(Store.invocationsFrom) WHERE \(conditions.sql)", conditions)
        #expect(byID.contains("USING COVERING INDEX invocation_rows_id (id>? AND id<?)"), "\(byID)")
        let found = try store.invocations(conditions)
        #expect(found.map(\.id) == [ids[17]])

        let live = try plan(store, "SELECT i.seq FROM \(Store.invocationsFrom) WHERE i.status IN ('running', 'stopped')")
        #expect(live.contains("invocations_live"), "\(live)")
    }
}
