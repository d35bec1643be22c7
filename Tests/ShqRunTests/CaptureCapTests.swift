import Testing
@testable import ShqRun

@Suite struct CaptureCapTests {
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
