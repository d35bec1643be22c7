import ShqSystem

/// What happens to captured output before it is stored: the no-save marker drops it, and with
/// `redactOutput` the redactor runs over it. One instance per stream; `shq save` and `shq run` both use it.
public final class OutputPrivacyFilter: OutputFilter {
    private var detector = NoSaveDetector()
    private var redactor: OutputRedactor?

    public init(redactOutput: Bool) {
        redactor = redactOutput ? OutputRedactor() : nil
    }

    /// True once the marker was seen: the invocation's output must not be stored.
    public var sawNoSaveMarker: Bool { detector.found }

    public func process(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        if detector.feed(bytes) { return nil }
        guard redactor != nil else { return Array(bytes) }
        return redactor!.process(bytes)
    }

    public func finish() -> [UInt8]? {
        if detector.found { return nil }
        return redactor?.finish() ?? []
    }
}
