import Foundation
import ShqPrivacy
import Testing

/// `Fixtures/benign-commands.txt`: ordinary command lines (git, docker, kubectl, make, cargo, npm, ssh,
/// curl without credentials, checksums, UUIDs, base64 of non-secrets, commit ids) that must be stored
/// byte for byte. The false-positive rate the redactor is held to is zero on this corpus.
let benignCommands: [String] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/benign-commands.txt")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
}()

@Suite struct BenignCorpusTests {
    @Test func corpusIsLargeEnough() {
        #expect(benignCommands.count >= 400)
    }

    @Test func noLineIsAltered() {
        let altered = benignCommands.filter { Redactor.redact($0) != $0 }
        #expect(altered.isEmpty, "altered: \(altered)")
    }
}
