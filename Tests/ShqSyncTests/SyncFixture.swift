import Foundation
import ShqTestSupport

/// Machines for sync tests: each a store of its own (and so a key of its own, `sync.key` beside it),
/// all syncing with one database on a PostgreSQL server the test started.
final class SyncMachines: @unchecked Sendable {
    let server: PostgresServer
    let database: String
    var url: String { server.url(database: database) }

    init(server: PostgresServer? = nil) throws {
        self.server = try server ?? PostgresServer()
        database = try self.server.makeDatabase()
    }

    func machine() throws -> Machine {
        let machine = Machine(url: url)
        try machine.store.createEmptyStore()
        return machine
    }

    /// Runs SQL on the server's test database.
    @discardableResult
    func psql(_ sql: String) throws -> [String] { try server.psql(sql, database: database) }
}

/// One "machine": a store, and `shq` run against it with the server's URL in its environment.
final class Machine: @unchecked Sendable {
    let store = StoreFixture()
    let url: String

    /// More environment for its shq commands (`SHQ_SYNC_OUTPUTS`).
    var extraEnvironment: [String: String] = [:]

    init(url: String) { self.url = url }

    var environment: [String: String] { extraEnvironment.merging(["SHQ_SYNC_URL": url]) { $1 } }

    @discardableResult
    func shq(_ arguments: String...) throws -> ShqProcess.Result {
        try store.shq(arguments: arguments, environment: environment)
    }

    /// `shq sync`, which must succeed; returns its summary line.
    @discardableResult
    func sync(_ extra: String...) throws -> String {
        let result = try store.shq(arguments: ["sync"] + extra, environment: environment)
        guard result.status == 0 else { throw SyncFailed(result.stderrText) }
        return result.stdoutText.trimmingCharacters(in: .newlines)
    }

    /// Adds `count` finished commands named `<prefix>-<n>` recorded on `host`, `hoursAgo` hours back
    /// (negative: ahead, a machine whose clock runs fast), straight into the store.
    func addRecords(_ count: Int, prefix: String, host: String, hoursAgo: Int = 1) throws {
        let start = (Int(Date().timeIntervalSince1970) - hoursAgo * 3600) * 1_000_000
        _ = try store.sqlite("""
            INSERT INTO names(name) VALUES ('\(host)') ON CONFLICT DO NOTHING;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))
            INSERT INTO invocation_rows(id, cmd, host, source, started_at, ended_at, duration_us, exit_code, status)
            SELECT randomblob(16), '\(prefix)-' || i, (SELECT id FROM names WHERE name = '\(host)'), 2,
                   \(start) + i * 1000, \(start) + i * 1000 + 500, 500, i % 3, 'completed' FROM n;
            """)
    }

    /// The command lines in the store, sorted.
    func commands() throws -> [String] {
        try store.sqlite("SELECT cmd FROM invocation_rows ORDER BY cmd")
    }

    func count() throws -> Int { Int(try store.sqlite("SELECT count(*) FROM invocation_rows").first ?? "") ?? -1 }

    var keyPath: String { store.directory.file("sync.key") }
}

struct SyncFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
