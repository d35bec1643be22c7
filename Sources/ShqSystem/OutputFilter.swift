/// Transforms one captured stream on its way into the store. Implemented by ShqPrivacy (redaction, the
/// no-save marker); the store only knows this shape, so it stays free of privacy rules.
public protocol OutputFilter: AnyObject {
    /// The bytes to store for this piece of the stream (some may be held back until more arrives), or nil
    /// when the invocation's output must not be stored at all.
    func process(_ bytes: UnsafeRawBufferPointer) -> [UInt8]?
    /// Whatever was held back, at the end of the stream; nil when the output must not be stored.
    func finish() -> [UInt8]?
}
