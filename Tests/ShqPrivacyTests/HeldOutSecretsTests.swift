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
let heldOutLines = readHeldOut("held-out-secrets.tsv")

/// `Fixtures/held-out-secrets-2.tsv`: a second set, written after the table was extended and measured
/// once without tuning; the lines it still leaks are listed in `knownLeaks`.
let secondHeldOutLines = readHeldOut("held-out-secrets-2.tsv")

/// How the second set's lines that are still stored with their secret begin (Docs/privacy.md). Measured
/// first, 8 leaked; `curl -b`, `smbclient -U` and `echo … | sudo -S` were fixed after that measurement,
/// then the positional passwords (`rabbitmqctl`, `wpa_passphrase`, `sqlplus`), `mysql --password PW` and
/// `gem push --key` as rows of `RedactorPatterns`.
let knownLeaks: [String] = []

/// `Fixtures/held-out-secrets-3.tsv`: a third set, written and committed after set 2's fixes and measured
/// before any further tuning; `thirdSetKnownLeaks` lists how the lines still leaking begin. Measured
/// first (the rules of set 2's fixes): 21 of 40 leaked; 1 after the rows and rules that followed
/// (`echo -n 'PW' | base64` looks like `echo -n 'hello' | base64`).
let thirdHeldOutLines = readHeldOut("held-out-secrets-3.tsv")
let thirdSetKnownLeaks: [String] = ["echo -n"]

/// `Fixtures/held-out-benign-3.txt`: ordinary lines of the same programs, written with set 3.
let thirdBenignLines: [String] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/held-out-benign-3.txt")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
}()

func readHeldOut(_ name: String) -> [HeldOutLine] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + name)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { row in
        guard !row.hasPrefix("#"), let tab = row.firstIndex(of: "\t") else { return nil }
        let line = String(row[row.index(after: tab)...]).replacingOccurrences(of: "\\n", with: "\n")
        return HeldOutLine(secret: String(row[..<tab]), line: line)
    }
}

/// Whether the stored form keeps the secret or a piece of it longer than a quarter of it (at least 6 bytes).
func keepsSecret(_ heldOut: HeldOutLine) -> Bool {
    guard let stored = storedForm(heldOut.line) else { return false }
    let piece = max(6, heldOut.secret.count / 4)
    let secret = Array(heldOut.secret)
    return stride(from: 0, through: secret.count - piece, by: 1).contains { stored.contains(String(secret[$0..<($0 + piece)])) }
}

/// What the store would keep of a line: nothing (a secret-prone command) or the redacted bytes.
func storedForm(_ line: String) -> String? {
    switch RecordingPolicy.privacyDecision(Array(line.utf8), forceCapture: false, exclusion: SecretExclusion(patterns: SecretExclusion.defaultPatterns)) {
    case .skip: return nil
    case .record(let bytes): return String(decoding: bytes, as: UTF8.self)
    }
}

@Suite struct HeldOutSecretsTests {
    @Test func fixturesHaveEnoughLines() {
        #expect(heldOutLines.count >= 30)
        #expect(secondHeldOutLines.count >= 30)
    }

    /// No byte run of the secret longer than a quarter of it (at least 6) survives in the stored line.
    @Test(arguments: heldOutLines)
    func secretIsNotStored(_ heldOut: HeldOutLine) {
        #expect(!keepsSecret(heldOut), "stored with its secret: \(storedForm(heldOut.line) ?? "")")
    }

    /// The second set: every line not in `knownLeaks` loses its secret, and every known leak still leaks
    /// (so the list is kept true when a rule starts catching one).
    @Test(arguments: secondHeldOutLines)
    func secondSetSecretIsNotStored(_ heldOut: HeldOutLine) {
        let known = knownLeaks.contains { heldOut.line.hasPrefix($0) }
        #expect(keepsSecret(heldOut) == known, "\(storedForm(heldOut.line) ?? "not stored")")
    }

    /// The third set, likewise against `thirdSetKnownLeaks`.
    @Test(arguments: thirdHeldOutLines)
    func thirdSetSecretIsNotStored(_ heldOut: HeldOutLine) {
        let known = thirdSetKnownLeaks.contains { heldOut.line.hasPrefix($0) }
        #expect(keepsSecret(heldOut) == known, "\(storedForm(heldOut.line) ?? "not stored")")
    }

    @Test func thirdSetHasFortyOfEach() {
        #expect(thirdHeldOutLines.count == 40)
        #expect(thirdBenignLines.count == 40)
    }

    @Test(arguments: thirdBenignLines)
    func thirdSetBenignLineIsKept(_ line: String) {
        #expect(Redactor.redact(line) == line)
    }
}
