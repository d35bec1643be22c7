import CShims
import Glibc
import ShqRun
import ShqStore
import ShqSystem

/// How the picker ended.
public enum PickOutcome: Equatable, Sendable {
    /// Enter: run this command line.
    case run(String)
    /// Tab: put it on the prompt line for editing.
    case edit(String)
    /// Esc, Ctrl-G, Ctrl-C, a hang-up: leave the line as it was.
    case cancelled
}

/// What `shq pick` was asked for.
public struct PickOptions: Sendable {
    public var query = ""
    public var mode = MatchMode.fuzzy
    public var filter = PickFilter.everything
    public var heightPercent: Int?
    public var heightRows: Int?
    public var fullScreen = false
    public var session: String?
    public init() {}
}

/// One run of the picker on the terminal: loads the history in batches between keystrokes (the first
/// frame is drawn after the first small batch), applies keys to the model, draws, and returns how it
/// ended with the terminal restored. The caller must have blocked the job-control signals at start-up
/// (`JobSignals.blockAtStartup()`); they are read here from a signalfd.
public struct PickSession {
    /// Rows read before the first frame: steps of `firstStep` until the list is full or `firstBatch` rows
    /// are in (each row costs ~6,000 instructions to read, mostly SQLite's: a full list needs far fewer
    /// than 2,000 rows unless the query is rare); then `batch` per turn of the loop between keystrokes.
    static let firstStep = 200
    static let firstBatch = 2_000
    static let batch = 25_000

    private let store: Store
    private let terminal: PickTerminal
    private var model: PickModel
    private var cursor: PickerCursor
    private var preview: PreviewReader
    private var decoder = PickKeyDecoder()
    private var first = 0
    private var message: String?
    private var confirmingForget: [Int]?

    public init(store: Store, options: PickOptions) throws {
        self.store = store
        let place = try store.pickerPlace(
            directory: ProcessEnvironment.currentDirectory, host: ProcessEnvironment.hostName, session: options.session)
        model = PickModel(place: place, query: options.query, mode: options.mode, filter: options.filter)
        cursor = try store.pickerCursor()
        preview = try PreviewReader(store: store)
        terminal = try PickTerminal(heightPercent: options.heightPercent, heightRows: options.heightRows, fullScreen: options.fullScreen)
    }

    /// Runs until a key ends it. The terminal is restored on every way out, errors included.
    public mutating func run() throws -> PickOutcome {
        guard let signals = SignalReader() else { throw PickFailure("cannot read signals: \(errnoDescription(errno))") }
        defer { Glibc.close(signals.fd) }
        terminal.start()
        defer { terminal.close() }
        let listRows = PickFrame(width: terminal.columns, height: terminal.height, now: 0).listRows
        repeat {
            try load(Self.firstStep)
        } while model.matchCount < listRows && !cursor.isExhausted && model.history.rowCount < Self.firstBatch
        draw()
        var escapeSince: Int64?
        while true {
            var entries = [pollfd(fd: terminal.fd, events: Int16(POLLIN), revents: 0), pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0)]
            let loading = !cursor.isExhausted
            let timeout: Int32 = loading ? 0 : (escapeSince != nil ? 25 : -1)
            let ready = poll(&entries, 2, timeout)
            if ready < 0 && errno != EINTR { throw PickFailure("poll: \(errnoDescription(errno))") }
            var dirty = false
            if entries[1].revents != 0 {
                while let received = signals.next() {
                    switch received.signal {
                    case SIGWINCH, SIGCONT:
                        terminal.resized()
                        dirty = true
                    case SIGHUP, SIGTERM, SIGINT, SIGQUIT:
                        return .cancelled
                    case SIGTSTP:
                        suspend()
                        dirty = true
                    default: break
                    }
                }
            }
            if entries[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                let bytes = terminal.read()
                if bytes.isEmpty { return .cancelled }  // the terminal went away
                for key in decoder.decode(bytes) {
                    if let outcome = try handle(key) { return outcome }
                }
                escapeSince = decoder.hasPending ? (escapeSince ?? MonotonicClock.now()) : nil
                dirty = true
            } else if let since = escapeSince, MonotonicClock.now() - since >= 25_000 || !loading {
                // Nothing followed the ESC within 25 ms: it was the Esc key.
                escapeSince = nil
                for key in decoder.flushPendingEscape() { if let outcome = try handle(key) { return outcome } }
            }
            if loading {
                try load(Self.batch)
                dirty = true
            }
            if dirty { draw() }
        }
    }

    private mutating func load(_ count: Int) throws {
        var read = 0
        let cursor = self.cursor
        model.historyGrew { history in
            read = (try? cursor.next(count) { row, bytes in history.append(row, command: bytes) }) ?? 0
        }
        if read < count { cursor.close() }
    }

    private mutating func draw() {
        let frame = PickFrame(width: terminal.columns, height: terminal.height, now: Timestamp.now().microseconds, message: message ?? model.regexProblem.map { "regex: " + $0 })
        first = frame.firstVisible(selected: model.selected, previousFirst: min(first, max(model.matchCount - 1, 0)))
        model.ensureOrdered(through: first + frame.listRows)
        let shown = model.selectedLine.flatMap { preview.preview(of: $0, in: model, now: frame.now) }
        let (lines, column) = frame.render(model, first: first, preview: shown)
        terminal.draw(lines, cursorColumn: column)
    }

    private mutating func suspend() {
        terminal.suspend()
        shq_stop_self(SIGTSTP)
        terminal.start()
    }

    /// Applies a key; returns the outcome when the key ends the picker.
    private mutating func handle(_ key: PickKey) throws -> PickOutcome? {
        if let rows = confirmingForget {
            confirmingForget = nil
            message = nil
            if key == .text(Array("y".utf8)) || key == .text(Array("Y".utf8)) { try forget(rows) }
            return nil
        }
        message = nil
        let pageSize = max(PickFrame(width: terminal.columns, height: terminal.height, now: 0).listRows, 1)
        switch key {
        case .text(let bytes): model.setQuery(model.query + bytes)
        case .backspace:
            guard !model.query.isEmpty else { break }
            var query = model.query
            query.removeLast()
            while let last = query.last, last & 0xC0 == 0x80 { query.removeLast() }  // the whole UTF-8 character
            model.setQuery(query)
        case .clearQuery: model.setQuery([])
        case .deleteWord:
            var query = model.query
            while query.last == 32 { query.removeLast() }
            while let last = query.last, last != 32 { query.removeLast() }
            model.setQuery(query)
        case .up: model.moveSelection(-1)
        case .down: model.moveSelection(1)
        case .pageUp: model.moveSelection(-pageSize)
        case .pageDown: model.moveSelection(pageSize)
        case .nextMode: model.setMode(model.mode.next)
        case .nextFilter: model.setFilter(model.filter.next)
        case .enter: return model.selectedLine.map { .run(model.history.text(of: $0)) } ?? .cancelled
        case .tab: return model.selectedLine.map { .edit(model.history.text(of: $0)) } ?? .cancelled
        case .pickNth(let n):
            // The n-th row shown: none when fewer rows are shown (a small --height).
            let index = first + n - 1
            if n <= pageSize, index < model.matchCount { return .run(model.history.text(of: model.line(at: index))) }
        case .escape, .cancel, .interrupt: return .cancelled
        case .forget:
            guard let line = model.selectedLine else { break }
            while !cursor.isExhausted { try load(Self.batch) }  // every record of the line, not only those read so far
            let rows = model.rows(of: line)
            confirmingForget = rows
            message = "forget \(rows.count) record\(rows.count == 1 ? "" : "s") of this line? y/n"
        case .suspend: suspend()
        case .ignored: break
        }
        return nil
    }

    private mutating func forget(_ rows: [Int]) throws {
        cursor.close()
        let seqs = rows.map { model.history.rowSeq[$0] }
        let count = try store.forget(seqs)
        model.removeRows(Set(rows))
        preview.forget()
        message = "forgot \(count) record\(count == 1 ? "" : "s")"
    }
}
