import Foundation
import ShqTestSupport
import Testing

/// `make install` itself, into a temporary PREFIX: the release build (one static executable), the binary,
/// the bash and zsh completions and the man page, then the installed shq used as the README says — no
/// settings, the default store under a fresh HOME. It builds release, so `make test` runs it in a pass of
/// its own, after the terminal suites.
@Suite struct InstallTests {
    static let makePresent = FileManager.default.isExecutableFile(atPath: "/usr/bin/make")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/man")

    @Test(.enabled(if: makePresent, "needs make and man-db (make test installs them)"), .timeLimit(.minutes(20)))
    func makeInstallIntoATemporaryPrefix() throws {
        let prefix = TemporaryDirectory("shq-prefix")
        // generate-manual is named as `make test` built it: finding it would ask the SwiftPM that holds
        // .build for this very test run (it waits for itself).
        let made = try ShqProcess.run(
            ["-s", "--no-print-directory", "-C", ShqProcess.packageRoot, "install", "PREFIX=" + prefix.path,
             "GENERATE_MANUAL=" + ShqProcess.packageRoot + "/.build/debug/generate-manual"],
            executable: "/usr/bin/make")
        try #require(made.status == 0, "\(made.stdoutText)\n\(made.stderrText)")
        let binary = prefix.file("bin/shq")
        #expect(made.stdoutText.contains("installed \(binary)"), "\(made.stdoutText)")

        // One static executable: no program interpreter (dynamic loader) named in its headers.
        let headers = try ShqProcess.run(["-l", "-W", binary], executable: "/usr/bin/readelf")
        #expect(headers.status == 0 && headers.stdoutText.contains("LOAD"), "\(headers.stderrText)")
        #expect(!headers.stdoutText.contains("INTERP"), "dynamically linked:\n\(headers.stdoutText)")

        // Completions where bash-completion and zsh's fpath look for them.
        let bash = try String(contentsOfFile: prefix.file("share/bash-completion/completions/shq"), encoding: .utf8)
        #expect(bash.contains("-F _shq shq") && bash.contains("history"))
        let zsh = try String(contentsOfFile: prefix.file("share/zsh/site-functions/_shq"), encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef shq"))

        // The man page renders without warnings.
        let man = try ShqProcess.run(["--warnings", "-l", prefix.file("share/man/man1/shq.1")],
                                     environment: ["MANWIDTH": "80", "MANPAGER": "cat", "PAGER": "cat"], executable: "/usr/bin/man")
        #expect(man.status == 0 && man.stderrText.isEmpty, "\(man.stderrText)")
        #expect(man.stdoutText.contains("shq history"))

        // The installed binary with nothing set but HOME and PATH: the default store is created on first use.
        let home = TemporaryDirectory("shq-home")
        func installed(_ arguments: String...) throws -> ShqProcess.Result {
            try ShqProcess.run(["-i", "HOME=" + home.path, "PATH=" + prefix.file("bin") + ":/usr/bin:/bin", "shq"] + arguments,
                               executable: "/usr/bin/env")
        }
        #expect(try installed("--version").status == 0)
        let saved = try installed("save", "-c", "echo installed-hello")
        #expect(saved.status == 0, "\(saved.stderrText)")
        let listed = try installed("history")
        #expect(listed.status == 0 && listed.stdoutText.contains("echo installed-hello"), "\(listed.stdoutText)\(listed.stderrText)")
        #expect(FileManager.default.fileExists(atPath: home.file(".local/share/shq/history.db")))
    }
}
