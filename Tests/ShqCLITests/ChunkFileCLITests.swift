import Foundation
import ShqTestSupport
import Testing

/// The store's chunk file (`<database>-chunks`) as shq's processes use it.
@Suite struct ChunkFileCLITests {
    /// base64 of random bytes: a few MB that zstd cannot shrink much, different each time.
    private func randomText(_ path: String, bytes: Int) throws {
        let result = try ShqProcess.run(["-c", "head -c \(bytes) /dev/urandom | base64 > \"$0\"", path], executable: "/bin/bash")
        #expect(result.status == 0)
    }

    /// Writers in several processes append at once: each output reads back whole, and no two chunks'
    /// ranges in the chunk file overlap.
    @Test(.timeLimit(.minutes(5))) func processesAppendingAtOnceDoNotOverwriteEachOther() throws {
        let fixture = StoreFixture()
        try fixture.createEmptyStore()
        let files = (0..<4).map { fixture.directory.file("out-\($0).txt") }
        for file in files { try randomText(file, bytes: 3_000_000) }
        for round in 0..<2 {
            let script = files.map { "\"$SHQ\" run cat \($0) >/dev/null || echo FAILED >&2 &" }.joined(separator: "\n") + "\nwait"
            let result = try ShqProcess.run(["-c", script], database: fixture.database, environment: ["SHQ": ShqProcess.binary], executable: "/bin/bash")
            #expect(result.stderrText.isEmpty, "round \(round): \(result.stderrText)")
        }
        // A run that found the store locked at its end left the end in the spool: the next shq command
        // ingests it (LockedStoreTests).
        #expect(try fixture.shq("history").status == 0)
        #expect(try fixture.sqlite("SELECT count(*) FROM chunk_holes") == ["0"])
        let overlaps = try fixture.sqlite("""
            SELECT count(*) FROM blob_chunks a JOIN blob_chunks b ON a.rowid < b.rowid
            WHERE a.file_offset < b.file_offset + b.file_length AND b.file_offset < a.file_offset + a.file_length
            """)
        #expect(overlaps == ["0"])
        #expect(try fixture.sqlite("SELECT count(*) FROM blob_chunks WHERE file_offset IS NULL") == ["0"])
        // Each output once per round, identical ones shared: 4 blobs, each output shown back exactly.
        #expect(try fixture.sqlite("SELECT count(*) FROM blobs") == ["4"])
        for (index, file) in files.enumerated() {
            let expected = try #require(FileManager.default.contents(atPath: file))
            for id in try fixture.sqlite("SELECT id FROM invocations WHERE cmd = 'cat \(file)'") {
                let shown = try fixture.shq("show", "-O", id)
                #expect(shown.status == 0, "\(shown.stderrText)")
                #expect(shown.stdout == expected, "output \(index) (\(shown.stdout.count) of \(expected.count) bytes)")
            }
        }
    }

    /// A chunk file that went missing: reading says so as `shq: <file>: …`; recording goes on (the output
    /// kept in the database), with one warning however many chunks and streams the command writes.
    @Test func aMissingChunkFileIsReportedAndCommandsStillRun() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "before", input: Data("kept before\n".utf8))
        let chunkFile = fixture.database + "-chunks"
        #expect(FileManager.default.fileExists(atPath: chunkFile))
        try FileManager.default.removeItem(atPath: chunkFile)

        let shown = try fixture.shq("show", "-O", "~1")
        #expect(shown.status != 0)
        #expect(shown.stderrText == "shq: \(chunkFile): cannot read stored output: No such file or directory\n")

        let run = try fixture.shq("run", "sh", "-c", "head -c 600000 /dev/zero | tr '\\0' x; echo; echo oops >&2; exit 3")
        #expect(run.status == 3)
        #expect(run.stdout.count == 600_001)
        let warning = "shq: \(chunkFile): cannot write output chunks: missing (output stored before is lost); keeping output in the database instead\n"
        #expect(run.stderrText == warning + "oops\n" || run.stderrText == "oops\n" + warning, "\(run.stderrText)")
        #expect(try fixture.shq("show", "-O", "~1").stdout.count == 600_001)
        #expect(try fixture.shq("show", "-E", "~1").stdoutText == "oops\n")
        #expect(!FileManager.default.fileExists(atPath: chunkFile))  // never re-created empty under old offsets
        let doctor = try fixture.shq("doctor")
        #expect(doctor.stdoutText.contains("chunks: \(chunkFile): missing; output stored there cannot be shown")
            || doctor.stderrText.contains("chunks: \(chunkFile): missing; output stored there cannot be shown"),
            "\(doctor.stdoutText)\(doctor.stderrText)")
    }

    /// `shq doctor` names the chunk file, its size and what it takes on disk.
    @Test func doctorShowsTheChunkFile() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "one", input: Data("hello\n".utf8))
        let doctor = try fixture.shq("doctor")
        #expect(doctor.stdoutText.contains("\(fixture.database)-chunks: "), "\(doctor.stdoutText)")
    }
}
