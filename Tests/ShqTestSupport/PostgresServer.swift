import Foundation

/// A PostgreSQL server of the test's own: a fresh cluster in a temporary directory owned by the
/// `postgres` user, listening only on a unix socket in that directory, fsync off, stopped and removed
/// when released. Tests never touch a server they did not start.
///
/// As root (CI, containers) `initdb` and `pg_ctl` run as `postgres` through `runuser`, since PostgreSQL
/// refuses to run as root. Tests needing it are enabled with `.enabled(if: PostgresServer.isAvailable)`.
public final class PostgresServer: @unchecked Sendable {
    public let directory: String
    public let binDirectory: String
    private var running = false

    /// The newest installed server's programs, e.g. /usr/lib/postgresql/15/bin.
    public static let binDirectory: String? = {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
            .compactMap(Int.init).sorted()
        return versions.last.map { "\(base)/\($0)/bin" }.flatMap {
            FileManager.default.isExecutableFile(atPath: $0 + "/initdb") ? $0 : nil
        }
    }()

    /// Root, a `postgres` user and the server programs: what starting a server needs here.
    public static let isAvailable: Bool = getuid() == 0 && getpwnam("postgres") != nil && binDirectory != nil

    public init() throws {
        guard let bin = Self.binDirectory, let user = getpwnam("postgres") else { throw Failure("no PostgreSQL server installed") }
        binDirectory = bin
        var template = Array((NSTemporaryDirectory() + "/shq-pg.XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { throw Failure("mkdtemp failed") }
        directory = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        chown(directory, user.pointee.pw_uid, user.pointee.pw_gid)
        chmod(directory, 0o755)
        try runAsPostgres("initdb", ["-D", directory + "/data", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
        try start()
    }

    deinit {
        if running { _ = try? runAsPostgres("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "stop"]) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A libpq connection string for `database` on this server.
    public func url(database: String = "postgres") -> String {
        "postgresql:///\(database)?host=\(directory)&user=postgres"
    }

    public func start() throws {
        try runAsPostgres("pg_ctl", [
            "-D", directory + "/data", "-l", directory + "/log", "-w",
            "-o", "-c listen_addresses='' -k \(directory) -c fsync=off -c full_page_writes=off -c max_connections=40", "start",
        ])
        running = true
    }

    public func stop() throws {
        try runAsPostgres("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "stop"])
        running = false
    }

    private var databases = 0

    /// A new empty database on this server: one per test, so tests sharing the server share nothing.
    public func makeDatabase() throws -> String {
        databases += 1
        let name = "shq_test_\(databases)"
        _ = try psql("CREATE DATABASE \(name)")
        return name
    }

    /// Runs SQL through psql as the postgres user; returns the rows, unaligned, `|` between columns.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> [String] {
        let result = try ShqProcess.run(
            ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", directory, "-U", "postgres", "-d", database, "-c", sql],
            executable: binDirectory + "/psql")
        guard result.status == 0 else { throw Failure("psql `\(sql)`: \(result.stderrText)") }
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    /// Through `DirectProcess`: `pg_ctl start` leaves the server running, and Foundation's `Process`
    /// waits for every process that inherited the child's descriptors (it hung here).
    private func runAsPostgres(_ program: String, _ arguments: [String]) throws {
        let result = try DirectProcess.run("/usr/sbin/runuser", ["-u", "postgres", "--", binDirectory + "/" + program] + arguments)
        guard result.status == 0 else {
            let log = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
            throw Failure("\(program) failed: \(String(decoding: result.stdout, as: UTF8.self))\n\(log)")
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
