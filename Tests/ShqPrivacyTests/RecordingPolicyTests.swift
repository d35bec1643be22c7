@testable import ShqPrivacy
import Testing

@Suite struct RecordingPolicyTests {
    let exclusion = SecretExclusion(patterns: SecretExclusion.defaultPatterns + ["deploy *"])

    @Test func redactsWhatItRecords() {
        let decision = RecordingPolicy.privacyDecision(Array("export API_TOKEN=abc".utf8), forceCapture: false, exclusion: exclusion)
        #expect(decision == .record(Array("export API_TOKEN=[REDACTED]".utf8)))
    }

    @Test(arguments: ["pass show bank", "vault kv get secret/x", "cat ~/.ssh/id_rsa", "gpg --decrypt notes.gpg", "deploy prod",
                      "aws secretsmanager get-secret-value --secret-id x", "printenv GITHUB_TOKEN", "env", "cat .env", "echo hunter2 | sudo -S apt-get update"])
    func excludesSecretProneCommands(command: String) {
        guard case .skip(let reason) = RecordingPolicy.privacyDecision(Array(command.utf8), forceCapture: false, exclusion: exclusion) else {
            Issue.record("\(command) was recorded")
            return
        }
        #expect(reason.contains("secret-prone"))
    }

    @Test(arguments: ["pass ls", "vault status", "cat README.md", "gpg --list-keys", "env | sort", "printenv HOME", "deployment"])
    func keepsOrdinaryCommands(command: String) {
        #expect(RecordingPolicy.privacyDecision(Array(command.utf8), forceCapture: false, exclusion: exclusion) == .record(Array(command.utf8)))
    }

    /// Skipping patterns by their leading byte finds the same first pattern as trying every one: over
    /// the benign corpus, the held-out lines, lines starting with a multibyte character or a blank, and each
    /// default pattern's own text (with `*` as nothing and as `x y`).
    @Test func leadingByteFilterAgreesWithTryingEveryPattern() {
        let withStars = SecretExclusion.defaultPatterns.flatMap { pattern in
            [pattern.replacingOccurrences(of: "*", with: ""), pattern.replacingOccurrences(of: "*", with: "x y")]
        }
        let lines = benignCommands + heldOutLines.map(\.line) + secondHeldOutLines.map(\.line) + thirdHeldOutLines.map(\.line)
            + withStars + ["é pass show x", "\u{FF}cat id_rsa", "", " pass show x", "deploy prod"]
        var matched = 0
        for line in lines {
            let bytes = Array(line.utf8)
            #expect(exclusion.match(bytes) == exclusion.matchTryingEveryPattern(bytes), "\(line)")
            if exclusion.match(bytes) != nil { matched += 1 }
        }
        #expect(matched > SecretExclusion.defaultPatterns.count)
    }

    @Test func forceCaptureIsVerbatim() {
        for command in ["pass show bank", "export API_TOKEN=abc"] {
            #expect(RecordingPolicy.privacyDecision(Array(command.utf8), forceCapture: true, exclusion: exclusion) == .record(Array(command.utf8)))
        }
    }

    @Test func invalidUTF8AndNULSurvive() {
        let command: [UInt8] = [0x65, 0x63, 0x68, 0x6F, 0x20, 0xFF, 0x00, 0xC3] + Array(" TOKEN=x".utf8)
        #expect(RecordingPolicy.privacyDecision(command, forceCapture: false, exclusion: exclusion)
            == .record([0x65, 0x63, 0x68, 0x6F, 0x20, 0xFF, 0x00, 0xC3] + Array(" TOKEN=[REDACTED]".utf8)))
    }

    @Test(arguments: [
        ("GITHUB_TOKEN", true), ("PGPASSWORD", true), ("clientSecret", true), ("x-api-key", true), ("MYSQL_PWD", true),
        ("AWS_SECRET_ACCESS_KEY", true), ("--auth", true), ("Authorization", true),
        ("TOKENIZERS_PARALLELISM", false), ("PWD", false), ("OLDPWD", false), ("PASSWORD_FILE", false), ("--no-password", false),
        ("BYPASS", false), ("KEYBOARD", false), ("monkey", false), ("--password-stdin", false),
    ])
    func secretNames(name: String, secret: Bool) {
        #expect(SecretName.isSecret(Array(name.utf8)) == secret)
    }
}
