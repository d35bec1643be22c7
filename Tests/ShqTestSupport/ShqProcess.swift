import Foundation

/// Runs the built `shq` binary as a user would, capturing everything.
public enum ShqProcess {
    /// The package root, found from this file's location.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The `shq` under test: `$SHQ_BIN`, else the debug build.
    public static let binary: String = {
        if let explicit = ProcessInfo.processInfo.environment["SHQ_BIN"], !explicit.isEmpty { return explicit }
        return packageRoot + "/.build/debug/shq"
    }()

    public struct Result: Sendable {
        public var status: Int32
        /// Set when the process died of a signal.
        public var signal: Int32?
        public var stdout: Data
        public var stderr: Data
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Runs `shq ARGS` (or any `executable`) with `SHQ_DB` pointing at `database`, stdin from `input`
    /// (/dev/null when nil). Extra environment entries override the inherited ones.
    @discardableResult
    public static func run(
        _ arguments: [String], database: String? = nil, input: Data? = nil, environment: [String: String] = [:],
        executable: String = binary, currentDirectory: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        if let database { env["SHQ_DB"] = database }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        if let input {
            let inPipe = Pipe()
            process.standardInput = inPipe
            try process.run()
            DispatchQueue.global().async {
                inPipe.fileHandleForWriting.write(input)
                try? inPipe.fileHandleForWriting.close()
            }
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        // Read both pipes concurrently so a full stderr pipe cannot block a process writing stdout.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = errPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let signaled = process.terminationReason == .uncaughtSignal
        return Result(
            status: process.terminationStatus, signal: signaled ? process.terminationStatus : nil,
            stdout: outData, stderr: errData)
    }
}
