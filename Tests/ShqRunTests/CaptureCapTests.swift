import Testing
@testable import ShqRun

@Suite struct CaptureCapTests {
    @Test(arguments: [
        ("1024", 1024), ("64K", 65536), ("64k", 65536), ("64M", 64 << 20), ("1G", 1 << 30), ("512KiB", 512 << 10),
        ("2MB", 2 << 20), ("0", 0),
    ] as [(String, Int64)])
    func parsesSizes(text: String, bytes: Int64) {
        #expect(CaptureCap.parse(text) == bytes)
    }

    @Test(arguments: ["", "K", "-1", "12X", "1.5M", "99999999999999999999G"])
    func rejectsNonsense(text: String) {
        #expect(CaptureCap.parse(text) == nil)
    }

    @Test func splitsAtTheHeadBoundary() {
        var cap = CaptureCap(bytes: 100)
        #expect(cap.split(30) == (30, 0))
        #expect(cap.split(30) == (20, 10))
        #expect(cap.split(40) == (0, 40))
        #expect(!cap.isTruncated)
        #expect(cap.split(1) == (0, 1))
        #expect(cap.isTruncated)
    }
}
