import Glibc
import ShqSystem
import Testing

@Suite struct SignalNameTests {
    @Test func namesAndNumbersRoundTrip() {
        #expect(SignalName.number("term") == SIGTERM)
        #expect(SignalName.number("SIGKILL") == SIGKILL)
        #expect(SignalName.number("15") == 15)
        #expect(SignalName.number("nope") == nil)
        #expect(SignalName.number("0") == nil)
        #expect(SignalName.name(of: SIGINT) == "SIGINT")
        #expect(SignalName.name(of: 40) == "SIG40")
    }
}
