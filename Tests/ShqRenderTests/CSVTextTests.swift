import ShqRender
import Testing

@Suite struct CSVTextTests {
    @Test func csvQuoting() {
        #expect(CSVText.row(["a", "b,c", "say \"hi\"", "two\nlines", nil, ""]) == "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",,\r\n")
    }
}
