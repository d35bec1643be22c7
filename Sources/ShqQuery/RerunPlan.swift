import Glibc
import ShqStore
import ShqSystem

/// `shq rerun`: runs a recorded command again through `shq run` (so the new run is recorded, output and
/// all) in the directory it first ran in.
public struct RerunPlan: Equatable, Sendable {
    public var directory: [UInt8]
    /// Arguments after the program: `run [--db PATH] [--pty|--no-pty] -c LINE`.
    public var arguments: [[UInt8]]

    /// `pty`: whether the first run had a terminal of its own (true), pipes (false), or is not known (nil:
    /// not a `shq run`), so the rerun uses the same mode whatever the default is now.
    public init(_ invocation: Invocation, database: String?, pty: Bool? = nil) throws {
        guard let cwd = invocation.cwd, !cwd.isEmpty else {
            throw ResolutionError("\(invocation.id) has no recorded directory to rerun it in")
        }
        if invocation.cmd.contains(0) { throw ResolutionError("\(invocation.id): the command line holds a NUL byte") }
        directory = cwd
        // The database path must survive the chdir.
        let absolute = database.map { $0.hasPrefix("/") ? Array($0.utf8) : ProcessEnvironment.currentDirectory + Array(("/" + $0).utf8) }
        arguments = [Array("run".utf8)] + (absolute.map { [Array("--db".utf8), $0] } ?? [])
            + (pty.map { [Array(($0 ? "--pty" : "--no-pty").utf8)] } ?? []) + [Array("-c".utf8), invocation.cmd]
    }

    /// What `-n` prints: a shell line that does the same.
    public var shellText: String {
        "cd " + Self.quote(directory) + " && shq " + arguments.map(Self.quote).joined(separator: " ") + "\n"
    }

    /// `bytes` as one shell word: as it is when plain, else in single quotes.
    public static func quote(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic && $0.isASCII) || "0123456789-_./=:@%+,".unicodeScalars.contains($0)
        }
        return plain ? text : "'" + text.replacingAll("'", with: "'\\''") + "'"
    }

    /// Changes into the directory and replaces this process with `/proc/self/exe run …`. Returns only by
    /// throwing.
    public func execute() throws -> Never {
        let dir = directory.map { CChar(bitPattern: $0) } + [0]
        guard chdir(dir) == 0 else {
            throw ResolutionError("cannot enter \(String(decoding: directory, as: UTF8.self)): \(errnoDescription(errno))")
        }
        let argv = ([Array("shq".utf8)] + arguments).map { strdup($0.map { CChar(bitPattern: $0) } + [0]) }
        execv("/proc/self/exe", argv + [nil])
        throw ResolutionError("cannot run /proc/self/exe: \(errnoDescription(errno))")
    }
}
