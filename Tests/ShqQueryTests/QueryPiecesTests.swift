@testable import ShqQuery
import ShqStore
import Testing

@Suite struct QueryPiecesTests {
    @Test(arguments: [
        (Selector.Directory.relative("."), "/home/u/src"),
        (.relative("./sub/"), "/home/u/src/sub"),
        (.relative("../x/./y/.."), "/home/u/x"),
        (.relative("../../../.."), "/"),
        (.home(""), "/home/u"),
        (.home("/a//b/"), "/home/u/a/b"),
        (.absolute("/etc/../var/log/"), "/var/log"),
    ])
    func directoriesResolveLexically(_ directory: Selector.Directory, _ expected: String) {
        let resolved = Conditions.resolve(directory, currentDirectory: Array("/home/u/src".utf8), home: "/home/u")
        #expect(String(decoding: resolved, as: UTF8.self) == expected)
    }

    @Test func writtenDirectories() {
        #expect(Selector.Directory(written: "~") == .home(""))
        #expect(Selector.Directory(written: "~/x") == .home("/x"))
        #expect(Selector.Directory(written: "/x") == .absolute("/x"))
        #expect(Selector.Directory(written: "x") == .relative("x"))
        #expect(Selector.Directory(written: "~x") == .relative("~x"))
    }

    @Test func sinceTimes() {
        let now = Timestamp(microseconds: 1_700_000_000_000_000)
        #expect(SearchFilters.time("2h", now: now)?.microseconds == now.microseconds - 7_200_000_000)
        #expect(SearchFilters.time("7d", now: now)?.microseconds == now.microseconds - 7 * 86_400_000_000)
        #expect(SearchFilters.time("90s", now: now)?.microseconds == now.microseconds - 90_000_000)
        #expect(SearchFilters.time("2w", now: now)?.microseconds == now.microseconds - 14 * 86_400_000_000)
        #expect(SearchFilters.time("@1700000000", now: now) == now)
        #expect(SearchFilters.time("2023-11-14T22:13:20Z", now: now) == now)
        #expect(SearchFilters.time("today", now: now).map { $0 <= now && now.microseconds - $0.microseconds < 86_400_000_000 } == true)
        #expect(SearchFilters.time("yesterdayish", now: now) == nil)
        #expect(SearchFilters.time("-3d", now: now) == nil)
        #expect(SearchFilters.time("99999999999999999d", now: now) == nil)
    }
}
