import ShqPrivacy
import Testing

/// The filter `shq save` uses and `shq run` will use, fed the way a capture loop feeds it.
@Suite struct OutputPrivacyFilterTests {
    private func feed(_ filter: OutputPrivacyFilter, _ pieces: [String]) -> [UInt8]? {
        var stored: [UInt8] = []
        for piece in pieces {
            guard let kept = Array(piece.utf8).withUnsafeBytes({ filter.process($0) }) else { return nil }
            stored += kept
        }
        guard let rest = filter.finish() else { return nil }
        return stored + rest
    }

    @Test func verbatimWithoutRedaction() {
        #expect(feed(OutputPrivacyFilter(redactOutput: false), ["token=abc\n", "partial"]) == Array("token=abc\npartial".utf8))
    }

    @Test func redactsAcrossReads() {
        let stored = feed(OutputPrivacyFilter(redactOutput: true), ["ok\nexport GITHUB_TO", "KEN=abc1", "23\nAuthorization: Bea", "rer abcdefghijk"])
        #expect(stored == Array("ok\nexport GITHUB_TOKEN=[REDACTED]\nAuthorization: Bearer [REDACTED]".utf8))
    }

    @Test func privateKeyBodySpanningReads() {
        let stored = feed(OutputPrivacyFilter(redactOutput: true), [
            "before\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n", "QyNTUxOQAAACB\n-----END OPENSSH PRIVATE KEY-----\nafter\n",
        ])
        #expect(stored == Array("before\n-----BEGIN OPENSSH PRIVATE KEY-----\n[REDACTED]\n-----END OPENSSH PRIVATE KEY-----\nafter\n".utf8))
    }

    @Test(arguments: [true, false])
    func markerSplitAcrossReadsDropsTheOutput(redact: Bool) {
        let filter = OutputPrivacyFilter(redactOutput: redact)
        #expect(feed(filter, ["secret output \u{1B}]shq;no", "save\u{1B}", "\\ more"]) == nil)
        #expect(filter.sawNoSaveMarker)
    }

    @Test func nearMissMarkersAreKept() {
        let text = "\u{1B}]shq;nosav\u{07} \u{1B}]shq;nosave\u{1B}x \u{1B}]shq;nosaveX"
        #expect(feed(OutputPrivacyFilter(redactOutput: false), [text]) == Array(text.utf8))
    }
}
