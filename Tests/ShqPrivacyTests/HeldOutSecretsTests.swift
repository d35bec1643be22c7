import Foundation
@testable import ShqPrivacy
import Testing

/// One held-out line: the secret it carries and the line as typed.
struct HeldOutLine: CustomTestStringConvertible, Sendable {
    let secret: String
    let line: String
    var testDescription: String { String(line.prefix(60)) }
}

/// `Fixtures/held-out-secrets.tsv`: secret-bearing command lines written before the token table was
/// extended and kept out of its tuning, so they measure what the table catches in lines it was not
/// built from (Docs/privacy.md reports the count).
let heldOutLines: [HeldOutLine] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/held-out-secrets.tsv")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { row in
        guard !row.hasPrefix("#"), let tab = row.firstIndex(of: "\t") else { return nil }
        return HeldOutLine(secret: String(row[..<tab]), line: String(row[row.index(after: tab)...]))
    }
}()

/// What the store would keep of a line: nothing (a secret-prone command) or the redacted bytes.
func storedForm(_ line: String) -> String? {
    switch RecordingPolicy.privacyDecision(Array(line.utf8), forceCapture: false, exclusion: SecretExclusion(patterns: SecretExclusion.defaultPatterns)) {
    case .skip: return nil
    case .record(let bytes): return String(decoding: bytes, as: UTF8.self)
    }
}

@Suite struct HeldOutSecretsTests {
    @Test func fixtureHasEnoughLines() {
        #expect(heldOutLines.count >= 30)
    }

    /// No byte run of the secret longer than a quarter of it (at least 6) survives in the stored line.
    @Test(arguments: heldOutLines)
    func secretIsNotStored(_ heldOut: HeldOutLine) {
        guard let stored = storedForm(heldOut.line) else { return }
        #expect(!stored.contains(heldOut.secret), "stored verbatim: \(stored)")
        let piece = max(6, heldOut.secret.count / 4)
        let secret = Array(heldOut.secret)
        let leaked = stride(from: 0, through: secret.count - piece, by: 1).first { stored.contains(String(secret[$0..<($0 + piece)])) }
        #expect(leaked == nil, "part of the secret kept: \(stored)")
    }
}
