@testable import ShqPicker
import ShqStore
import Testing

/// The picker's model: dedup with counts, filters, modes, incremental narrowing, selection.
@Suite struct PickModelTests {
    /// Newest first: the same history every test starts from. Directory 1 is "here", host 7, session 3.
    static func history() -> PickHistory {
        var history = PickHistory()
        history.append("git status", seq: 10, startedAt: 1000, directory: 1, host: 7, session: 3)
        history.append("make test", seq: 9, startedAt: 900, directory: 2, host: 7, session: 3, failed: true)
        history.append("git status", seq: 8, startedAt: 800, directory: 2, host: 7, session: 4)
        history.append("ls -la", seq: 7, startedAt: 700, directory: 1, host: 8, session: 4)
        history.append("git commit -m wip", seq: 6, startedAt: 600, directory: 1, host: 7, session: 4)
        history.append("git status", seq: 5, startedAt: 500, directory: 1, host: 8, session: 5, failed: true)
        return history
    }

    static var place: PickerPlace {
        var place = PickerPlace()
        place.directory = 1
        place.host = 7
        place.session = 3
        return place
    }

    func shown(_ model: PickModel) -> [String] { (0..<model.matchCount).map { model.history.text(of: model.line(at: $0)) } }

    @Test func identicalLinesShownOnceNewestFirstWithCounts() {
        let model = PickModel(history: Self.history(), place: Self.place)
        #expect(shown(model) == ["git status", "make test", "ls -la", "git commit -m wip"])
        #expect(model.count(of: model.line(at: 0)) == 3)
        #expect(model.latestRow(of: model.line(at: 0)) == 0)
        #expect(model.history.rowCount == 6 && model.history.lineCount == 4)
    }

    @Test func filtersCountOnlyTheirRecords() {
        var model = PickModel(history: Self.history(), place: Self.place)
        model.setFilter(.directory)
        #expect(shown(model) == ["git status", "ls -la", "git commit -m wip"])
        #expect(model.count(of: model.line(at: 0)) == 2)
        model.setFilter(.host)
        #expect(shown(model) == ["git status", "make test", "git commit -m wip"])
        #expect(model.count(of: model.line(at: 0)) == 2)
        model.setFilter(.session)
        #expect(shown(model) == ["git status", "make test"])
        #expect(model.count(of: model.line(at: 0)) == 1)
        model.setFilter(.failed)
        #expect(shown(model) == ["make test", "git status"])
        #expect(model.rows(of: model.line(at: 1)) == [5], "only the failed record of git status")
        #expect(model.filter.next == .everything)
    }

    @Test func modes() {
        var model = PickModel(history: Self.history(), place: Self.place, query: "st")
        #expect(shown(model) == ["git status", "make test"], "fuzzy, best first")
        model.setMode(.prefix)
        #expect(shown(model) == [])
        model.setQuery(Array("git".utf8))
        #expect(shown(model) == ["git status", "git commit -m wip"])
        model.setMode(.substring)
        model.setQuery(Array("-".utf8))
        #expect(shown(model) == ["ls -la", "git commit -m wip"])
        model.setMode(.regex)
        model.setQuery(Array("^(ls|make) ".utf8))
        #expect(shown(model) == ["make test", "ls -la"])
        model.setQuery(Array("(".utf8))
        #expect(shown(model) == [] && model.regexProblem != nil)
        #expect(model.mode.next == .fuzzy)
    }

    @Test func fuzzyRanksByScoreThenRecency() {
        var history = PickHistory()
        history.append("xgxixtx", seq: 3)
        history.append("git", seq: 2)
        history.append("gxixt", seq: 1)
        let model = PickModel(history: history, query: "git")
        #expect(shown(model) == ["git", "xgxixtx", "gxixt"].sorted { a, b in
            // what the matcher says, ties newest first
            var m = FuzzyMatcher(Array("git".utf8))
            let sa = Array(a.utf8).withUnsafeBufferPointer { m.score($0)! }
            let sb = Array(b.utf8).withUnsafeBufferPointer { m.score($0)! }
            return sa != sb ? sa > sb : a == "xgxixtx"
        })
        #expect(shown(model).first == "git")
    }

    /// Growing the query narrows the previous matches; the result is what matching everything gives.
    @Test func narrowingEqualsMatchingFromScratch() {
        var history = PickHistory()
        let words = ["git", "status", "commit", "make", "test", "docker", "run", "ls", "cd", "src"]
        for seq in 0..<500 {
            history.append("\(words[seq % 10]) \(words[(seq * 7) % 10]) \(words[(seq * 3) % 10]) \(seq % 37)", seq: Int64(1000 - seq))
        }
        var typed = PickModel(history: history)
        for (index, character) in "gitst1".utf8.enumerated() {
            typed.setQuery(typed.query + [character])
            let scratch = PickModel(history: history, query: String(decoding: Array("gitst1".utf8.prefix(index + 1)), as: UTF8.self))
            #expect(shown(typed) == shown(scratch))
        }
    }

    /// Batches arriving while the picker is open extend the view and the matches.
    @Test func historyGrowingWhileOpen() {
        var model = PickModel(query: "git")
        model.historyGrew { $0.append("git status", seq: 3) }
        model.historyGrew {
            $0.append("ls", seq: 2)
            $0.append("git status", seq: 1)
            $0.append("git log", seq: 0)
        }
        #expect(shown(model) == ["git log", "git status"] || shown(model) == ["git status", "git log"])
        #expect(model.count(of: model.history.rowLine[0]) == 2)
        #expect(model.distinctCount == 3)
    }

    @Test func selectionIsClampedAndForgettingRebuilds() {
        var model = PickModel(history: Self.history(), place: Self.place)
        model.moveSelection(-5)
        #expect(model.selected == 0)
        model.moveSelection(100)
        #expect(model.selected == 3)
        model.moveSelection(-3)
        let line = model.selectedLine!
        #expect(model.rows(of: line) == [0, 2, 5])
        model.removeRows(Set(model.rows(of: line)))
        #expect(shown(model) == ["make test", "ls -la", "git commit -m wip"])
    }
}
