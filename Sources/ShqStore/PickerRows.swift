/// What the Ctrl-R picker (`shq pick`) reads: every command, newest first, as the small numbers the
/// compact rows already hold (directory, host and session are ids into `dirs` and `names`), so the picker
/// filters on integers and never decodes a whole `Invocation` per row. Measured in Docs/design/picker.md.
public struct PickerRow: Sendable {
    public var seq: Int64
    public var startedAt: Int64
    public var directory: Int64
    public var host: Int64
    public var session: Int64
    public var failed: Bool

    public init(seq: Int64, startedAt: Int64, directory: Int64, host: Int64, session: Int64, failed: Bool) {
        (self.seq, self.startedAt, self.directory, self.host, self.session, self.failed) = (seq, startedAt, directory, host, session, failed)
    }
}

/// The ids the picker's filters compare with: this directory, host and session as the store spells them
/// (-1 when the store has never seen it, so nothing matches).
public struct PickerPlace: Sendable, Equatable {
    public var directory: Int64 = -1
    public var host: Int64 = -1
    public var session: Int64 = -1
    public init() {}
}

/// A read of the history newest first that the picker advances a batch at a time between keystrokes.
/// The statement stays open (one read snapshot) until it is exhausted or `close()` is called.
public final class PickerCursor {
    private var statement: Statement?

    init(_ statement: Statement) { self.statement = statement }

    public var isExhausted: Bool { statement == nil }

    /// Calls `body` with at most `limit` rows and the command line's bytes (valid during the call only).
    /// Returns the number of rows read; fewer than `limit` means the history is exhausted.
    @discardableResult
    public func next(_ limit: Int, _ body: (PickerRow, UnsafeRawBufferPointer) -> Void) throws -> Int {
        guard let statement else { return 0 }
        var count = 0
        while count < limit {
            guard try statement.step() else {
                close()
                break
            }
            let row = PickerRow(
                seq: statement.int(0), startedAt: statement.int(1), directory: statement.optionalInt(3) ?? -1,
                host: statement.optionalInt(4) ?? -1, session: statement.optionalInt(5) ?? -1, failed: statement.int(6) != 0)
            statement.withBlob(2) { body(row, $0) }
            count += 1
        }
        return count
    }

    /// Ends the read (releases the snapshot, so a write such as Ctrl-D's forget can follow).
    public func close() {
        statement?.reset()
        statement = nil
    }
}

extension Store {
    /// Every command newest first (the `started_at` index, as `shq history` lists them), read in batches.
    /// `cmd` is read as a blob: its bytes as stored, no text conversion.
    public func pickerCursor() throws -> PickerCursor {
        let statement = try db.prepare("""
            SELECT i.seq, i.started_at, CAST(i.cmd AS BLOB), i.dir, i.host, i.session,
                i.status = 'failed' OR coalesce(i.exit_code, 0) <> 0 OR i.signal IS NOT NULL
            FROM \(Self.invocationsFrom) ORDER BY i.started_at DESC, i.seq DESC
            """)
        return PickerCursor(statement)
    }

    /// The ids of this directory, host and session in the store's name tables.
    public func pickerPlace(directory: [UInt8], host: String, session: String?) throws -> PickerPlace {
        var place = PickerPlace()
        let dir = try db.prepare("SELECT id FROM dirs WHERE path = ?")
        dir.bindText(1, directory)
        if try dir.step() { place.directory = dir.int(0) }
        let name = try db.prepare("SELECT id FROM names WHERE name = ?")
        name.bind(1, host)
        if try name.step() { place.host = name.int(0) }
        if let session {
            name.reset()
            name.bind(1, session)
            if try name.step() { place.session = name.int(0) }
        }
        return place
    }

    /// The invocations that have captured output (few: those of `shq run` and `shq session`), for the
    /// preview to show the newest record of a line that has any.
    public func invocationsWithOutput() throws -> Set<Int64> {
        let query = try db.prepare("SELECT DISTINCT invocation FROM outputs WHERE bytes > 0")
        var result = Set<Int64>()
        while try query.step() { result.insert(query.int(0)) }
        return result
    }
}
