import Foundation
import ShqTestSupport
import Testing

/// A generated history (zsh-histdb file, imported) of a few thousand varied commands in three directories,
/// with exits, durations, hosts and sessions — plus the records read back, newest first, as the oracle.
final class GeneratedHistory: @unchecked Sendable {
    let fixture = StoreFixture()
    let project: String
    let rows: [[String: Any]]

    init(count: Int = 12_000) throws {
        try FileManager.default.createDirectory(atPath: fixture.directory.file("proj/sub"), withIntermediateDirectories: true)
        // As getcwd reports it (no doubled slashes, no symlinks).
        project = URL(fileURLWithPath: fixture.directory.file("proj")).resolvingSymlinksInPath().path
        var random = SeededRandom(seed: 7)
        let dirs = [project, project + "/sub", "/tmp"]
        let hosts = ["laptop", "pi"]
        var sql = ImportTests.histdbSchema + "BEGIN;\n"
        for (index, dir) in dirs.enumerated() {
            sql += "INSERT INTO places(id, host, dir) VALUES (\(index + 1), '\(hosts[index % 2])', '\(dir)');\n"
        }
        var commands: [String: Int] = [:]
        for i in 0..<count {
            var command: String
            switch random.below(12) {
            case 0: command = "git commit -m \"fix #\(random.below(9999))\""
            case 1: command = ["git push", "git pull", "GIT Status", "git log --oneline"][random.below(4)]
            case 2: command = "make test-\(random.below(50))"
            case 3: command = "echo 100% done_\(random.below(100))"
            case 4: command = "cd ../café-\(random.below(30))"
            case 5: command = "grep -rn 'TODO' src/\(random.below(400))"
            case 6: command = "vim notes_\(random.below(2000)).md"
            default: command = "ls -la /var/\(random.below(5000))"
            }
            // A term only in the oldest part, one only in the newest 200, one nowhere near the window.
            if i < 2000 && random.below(60) == 0 { command += " --rare-old-flag" }
            if i > count - 200 && random.below(20) == 0 { command += " recent-only" }
            let id = commands[command] ?? commands.count + 1
            if commands[command] == nil {
                commands[command] = id
                sql += "INSERT INTO commands(id, argv) VALUES (\(id), '\(command.replacingOccurrences(of: "'", with: "''"))');\n"
            }
            let exit = [0, 0, 0, 0, 0, 1, 2, 127][random.below(8)]
            let start = 1_700_000_000 + i * 7 + (i % 5 == 0 ? 0 : 1)  // some ties in time
            sql += "INSERT INTO history(session, command_id, place_id, exit_status, start_time, duration) VALUES "
                + "(\(i / 500), \(id), \(random.below(3) + 1), \(exit), \(start - (i % 97 == 0 ? 3 : 0)), \(random.below(20)));\n"
        }
        sql += "COMMIT;\n"
        let file = fixture.directory.file("generated-histdb.db")
        try ImportTests.makeDatabase(file, sql)
        let imported = try fixture.shq("import", "zsh-histdb", file)
        precondition(imported.status == 0, imported.stderrText)
        let export = try fixture.shq("export", "--format", "jsonl")
        rows = export.stdout.split(separator: UInt8(ascii: "\n")).reversed().map {
            try! JSONSerialization.jsonObject(with: Data($0)) as! [String: Any]
        }
    }

    /// Ids printed by `shq ARGS --format jsonl`, in order.
    func ids(_ arguments: [String], cwd: String? = nil) throws -> [String] {
        let result = try ShqProcess.run(arguments + ["--format", "jsonl"], database: fixture.database, currentDirectory: cwd)
        #expect(result.status == 0, "\(arguments): \(result.stderrText)")
        return result.stdout.split(separator: UInt8(ascii: "\n")).map {
            (try! JSONSerialization.jsonObject(with: Data($0)) as! [String: Any])["id"] as! String
        }
    }
}

