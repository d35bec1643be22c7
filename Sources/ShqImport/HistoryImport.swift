import ShqPrivacy
import ShqStore
import ShqSystem

/// What an import did.
public struct ImportSummary: Equatable, Sendable {
    public var read = 0
    public var added = 0
    /// Already in the store from an earlier import.
    public var alreadyPresent = 0
    /// Refused by the recording policy (ignore rules, secrets).
    public var skipped = 0
}

extension Store {
    /// Stores `commands` through the recording policy, in transactions of `batchSize` (nil: sized by
    /// `importBatchSize(storedRows:)`), reporting progress as (done, total) after each batch.
    /// `rebuildingIndexes` (nil: chosen by `rebuildsIndexes(importing:storedRows:)`) writes the whole import
    /// in one transaction with the unique indexes rebuilt at its end (`ImportStaging.rebuildingIndexes`).
    ///
    /// Each batch is written through `ImportStaging.insertImported`.
    ///
    /// The recording policy and the records of the next batch are made on another thread while this
    /// one writes the current batch: the two took about as long as each other (100k bash lines here:
    /// 1.25 s and 2.05 s of the 3.5 s import).
    public func importHistory(
        _ commands: [ImportedCommand], format: ImportFormat, batchSize: Int? = nil, rebuildingIndexes: Bool? = nil,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> ImportSummary {
        try importHistory(ImportSource(commands), format: format, batchSize: batchSize,
                          rebuildingIndexes: rebuildingIndexes, progress: progress)
    }

    /// Stores what `source` reads, as above; each batch is read on the thread that prepares it.
    public func importHistory(
        _ source: ImportSource, format: ImportFormat, batchSize: Int? = nil, rebuildingIndexes: Bool? = nil,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> ImportSummary {
        try useBulkImportCache()
        beginBulkWrite()
        defer { endBulkWrite() }
        let staging = try ImportStaging(self)
        let storedBefore = try newestRowNumber()
        func size(stored: Int) -> Int { max(1, batchSize ?? Self.importBatchSize(storedRows: stored)) }
        // `written`, the batch written last, is freed on the thread that prepares the next but one:
        // freeing 100 000 records (a dozen allocations each) took ~4% of a 1M-command import's samples
        // on the writing thread.
        func records(_ size: Int, freeing written: ImportBatch?) -> ThreadResult<ImportBatch> {
            ThreadResult {
                withExtendedLifetime(written) {}
                return try ImportBatch(source.read(size), format: format)
            }
        }
        var summary = ImportSummary()
        /// Hands `write` each prepared batch in turn while the next one is prepared.
        func eachBatch(_ write: (ImportBatch) throws -> Void) throws {
            // A small first batch: the writer waits for it.
            var next = records(max(1, size(stored: storedBefore) / 10), freeing: nil)
            var written: ImportBatch?
            while true {
                let prepared = try next.get()
                guard prepared.read > 0 else { break }
                next = records(size(stored: storedBefore + summary.added + prepared.rows.count), freeing: written)
                written = nil
                do {
                    try write(prepared)
                } catch {
                    next.wait()
                    throw error
                }
                summary.read += prepared.read
                progress(summary.read, max(source.count, summary.read))
                written = prepared
            }
        }
        func insert(_ prepared: ImportBatch) throws {
            let added = try staging.insertImported(prepared.rows)
            summary.skipped += prepared.skipped
            summary.added += added
            summary.alreadyPresent += prepared.read - prepared.skipped - added
        }
        if rebuildingIndexes ?? Self.rebuildsIndexes(importing: source.count, storedRows: storedBefore) {
            try db.writeTransaction { () throws in
                try staging.rebuildingIndexes(adding: source.count) { try eachBatch(insert) }
            }
        } else {
            try eachBatch { prepared in try db.writeTransaction { () throws in try insert(prepared) } }
        }
        return summary
    }

    /// Whether an import of `count` commands into a store of `storedRows` drops the unique indexes and
    /// builds them again (one transaction for the whole import) rather than inserting into them batch by
    /// batch: from 50 000 commands, and only when they are at least a quarter of what the store holds —
    /// building the indexes again sorts every stored key, which a small import into a large store must
    /// not pay for. The price is the write lock held for the whole import (1M commands: seconds), which
    /// `shq run` and the hooks ride out through their spool, and a crash losing the whole import rather
    /// than the batches after the last commit (importing again completes it).
    public static func rebuildsIndexes(importing count: Int, storedRows: Int) -> Bool {
        count >= 50_000 && count >= storedRows / 4
    }

    /// Rows per transaction when the store holds `storedRows`: 10 000, or a tenth of the store, up to
    /// 100 000. Each commit writes every page its rows touched, and the unique `import_key` index takes
    /// its keys (hashes) at random places, so past a few hundred thousand rows a batch of 10 000 touches
    /// most of that index's pages and each commit rewrote it whole (WAL and checkpoint): 1M zsh-histdb
    /// commands spent 4.5 s in the kernel. A batch growing with the store keeps that cost per row flat;
    /// the price is a longer hold of the write lock (~0.5 s per batch at 1M), which hooks ride out in
    /// their spool. Measured with the sqlite3 shell replaying the rows of a 1M-command store in batches:
    /// 15.4 s of CPU with 10 000 rows per batch, 10.5 s with 100 000 (Docs/queries.md).
    public static func importBatchSize(storedRows: Int) -> Int {
        min(100_000, max(10_000, storedRows / 10))
    }

    static func invocation(from command: ImportedCommand, cmd: [UInt8], format: ImportFormat,
                           id: String? = nil) -> Invocation {
        let status: InvocationStatus = command.exitCode.map { $0 == 0 ? .completed : .failed } ?? .completed
        return Invocation(
            id: id ?? InvocationID.make(at: command.startedAt), session: command.session, cmd: cmd, cwd: command.cwd,
            host: command.host, user: command.user, source: .import, startedAt: command.startedAt,
            endedAt: command.durationMicros.map { Timestamp(microseconds: command.startedAt.microseconds + $0) },
            durationMicros: command.durationMicros, exitCode: command.exitCode, status: status,
            importKey: ImportKey.make(format: format, hash: command.identity))
    }
}

/// The records of a batch of imported commands that the recording policy lets through.
struct ImportBatch: Sendable {
    /// Commands read.
    let read: Int
    var rows: [StorableInvocation] = []
    /// Refused by the recording policy (ignore rules, secrets).
    var skipped = 0

    init(_ commands: [ImportedCommand], format: ImportFormat) {
        read = commands.count
        rows.reserveCapacity(commands.count)
        for command in commands {
            guard case .record(let cmd) = RecordingPolicy.decide(command.cmd, entryPoint: .import) else {
                skipped += 1
                continue
            }
            let id = InvocationID.makeBytes(at: command.startedAt)
            rows.append(StorableInvocation(Store.invocation(from: command, cmd: cmd, format: format, id: InvocationID.text(id)),
                                           idBytes: id))
        }
    }
}

/// A letter for the format (b, z, h, a) and 11 base64url digits of a 64-bit FNV-1a hash of the identity.
/// The store keeps a hash of this text (`FNV1a.storedKey`); the text stays the key's definition, so stores
/// made before schema 3, which kept the text, migrate to the same stored keys.
public enum ImportKey {
    public static let seed = FNV1a.seed

    /// FNV-1a, continuing from `start` (so parts can be hashed one after the other).
    public static func hash<Bytes: Sequence>(_ bytes: Bytes, from start: UInt64 = seed) -> UInt64 where Bytes.Element == UInt8 {
        FNV1a.hash(bytes, from: start)
    }

    static func make(format: ImportFormat, hash: UInt64) -> String {
        let digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var key = [UInt8(ascii: format.keyLetter)]
        for shift in stride(from: 60, through: 0, by: -6) { key.append(digits[Int((hash >> UInt64(shift)) & 63)]) }
        return String(decoding: key, as: UTF8.self)
    }
}

extension ImportFormat {
    var keyLetter: Unicode.Scalar {
        switch self {
        case .bash: "b"
        case .zsh: "z"
        case .fish: "f"
        case .zshHistdb: "h"
        case .atuin: "a"
        }
    }
}

/// Counts repeats of the same identity, so two identical commands in the same second stay two records.
struct OccurrenceCounter {
    private var seen: [UInt64: UInt64] = [:]

    mutating func identity(_ base: UInt64) -> UInt64 {
        let count = seen[base, default: 0]
        seen[base] = count + 1
        return count == 0 ? base : ImportKey.hash(withUnsafeBytes(of: count) { Array($0) }, from: base)
    }
}
