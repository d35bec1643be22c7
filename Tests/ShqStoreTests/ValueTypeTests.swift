import Testing

@testable import ShqStore

@Suite struct ValueTypeTests {
    @Test func timestampsFormatAndParse() throws {
        let t = Timestamp(microseconds: 1_795_442_612_123_456)
        #expect(t.iso8601 == "2026-11-23T14:03:32.123456Z")
        #expect(Timestamp(parsing: "2026-11-23T14:03:32.123456Z") == t)
        #expect(Timestamp(parsing: "2026-11-23T16:03:32.123456+02:00") == t)
        #expect(Timestamp(parsing: "@1795442612.5") == Timestamp(microseconds: 1_795_442_612_500_000))
        #expect(Timestamp(parsing: "2026-11-23") != nil)
        for bad in ["", "yesterday", "2026-13-01", "2026-11-23T25:00", "2026-11-23T10:00:00Zjunk", "@x"] {
            #expect(Timestamp(parsing: bad) == nil, "\(bad)")
        }
        #expect(Timestamp(microseconds: -1).iso8601 == "1969-12-31T23:59:59.999999Z")
    }

    @Test func invocationIDsAreVersion7AndTimeOrdered() {
        let earlier = InvocationID.make(at: Timestamp(microseconds: 1_700_000_000_000_000))
        let later = InvocationID.make(at: Timestamp(microseconds: 1_700_000_000_001_000))
        #expect(earlier < later)
        let parts = earlier.split(separator: "-")
        #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
        #expect(parts[2].first == "7")
        #expect(Set(["8", "9", "a", "b"]).contains(String(parts[3].first!)))
        #expect(InvocationID.make() != InvocationID.make())
    }

    @Test func invocationIDBytesRoundTripAndPrefixesBecomeRanges() throws {
        let id = InvocationID.make()
        let bytes = try #require(InvocationID.bytes(id))
        #expect(bytes.count == 16)
        #expect(InvocationID.text(bytes) == id)
        #expect(InvocationID.bytes(id.uppercased()) == bytes)
        #expect(InvocationID.bytes("job") == nil)
        #expect(InvocationID.bytes(String(id.dropLast())) == nil)
        // The text of known bytes, written out (make's text and bytes agree with each other either way).
        let known: [UInt8] = [0x01, 0x8f, 0xa2, 0xb3, 0xc4, 0xd5, 0x7e, 0x6f, 0x9a, 0x0b, 0x1c, 0x2d, 0x3e, 0x4f, 0x50, 0xff]
        #expect(InvocationID.text(known) == "018fa2b3-c4d5-7e6f-9a0b-1c2d3e4f50ff")
        #expect(InvocationID.bytes(InvocationID.text(known)) == known)
        let made = InvocationID.makeBytes(at: Timestamp(microseconds: 1_700_000_000_000_000))
        #expect(InvocationID.text(made).hasPrefix("018bcfe5-6800-7"))
        let range = try #require(InvocationID.range(prefix: "01a-b"))
        #expect(range.low == [0x01, 0xab] + [UInt8](repeating: 0, count: 14))
        #expect(range.high == [0x01, 0xab] + [UInt8](repeating: 0xff, count: 14))
        let odd = try #require(InvocationID.range(prefix: "01a"))
        #expect(odd.low.prefix(2) == [0x01, 0xa0] && odd.high.prefix(2) == [0x01, 0xaf])
        #expect(InvocationID.range(prefix: "0g") == nil)
        #expect(InvocationID.range(prefix: id + "0") == nil)
    }
}
