import ArgumentParser
import Glibc
import ShqQuery
import ShqStore
import ShqSync
import ShqSystem

/// Options of `shq sync` and its subcommands: the store, the server, the mode.
struct SyncOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The PostgreSQL server, as libpq reads it.", discussion: "Default: $SHQ_SYNC_URL, else sync_url in the config file.", valueName: "url"))
    var url: String?

    @Flag(name: .customLong("no-encrypt"), help: "Store plain rows on the server (only on a server made so; see --help).")
    var noEncrypt = false

    var settings: ResolvedSettings {
        ResolvedSettings(flags: .init(syncURL: url, syncEncrypt: noEncrypt ? false : nil))
    }

    func serverURL() throws -> String {
        guard let url = settings.syncURL else {
            throw CommandFailure("sync: no server: set sync_url = postgresql://… in the config file, SHQ_SYNC_URL, or --url")
        }
        return url
    }
}

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Push this machine's history to a PostgreSQL server and pull the other machines'.",
        discussion: """
            Pushes the records the server lacks, pulls those other machines pushed, and says what it did \
            (pushed 120, pulled 3040 from 2 hosts, 0 deleted). Running it again moves nothing; several \
            machines and terminals may sync at the same moment. Deletions (shq forget, shq prune) travel \
            too, so a forgotten command does not come back from another machine.

            The server is a connection string as libpq reads it: --url, else $SHQ_SYNC_URL, else sync_url \
            in the config file (postgresql://user@host/db, ?host=/run/postgresql for a socket, TLS and \
            ~/.pgpass as usual). The first sync creates shq's tables there.

            Records are end-to-end encrypted: command line, directory and the rest are sealed here \
            (XChaCha20-Poly1305) with a key made on the first sync, kept owner-only next to the store; \
            the server sees only ids, hosts and times. Copy the key to another machine before its \
            first sync: `shq sync key` here, `shq sync key --import` there. A server first synced with \
            --no-encrypt stores plain rows (to query in SQL); a client never mixes the two.

            Captured output stays on this machine unless sync_outputs = true (or SHQ_SYNC_OUTPUTS=1): \
            then the last MiB of each stream travels too, compressed and sealed like the records.

            With sync_every = 10m in the config file, the shell hook starts a sync in the background \
            when one is due (never on the prompt's path, one at a time).

              shq sync
              shq sync status
              shq sync --url 'postgresql://me@db.example/shq'
            """,
        subcommands: [SyncStatusCommand.self, SyncKeyCommand.self]
    )

    @OptionGroup var options: SyncOptions

    func run() throws {
        let url = try options.serverURL()
        let store = try options.store.open()
        let report: SyncReport
        do {
            report = try SyncRun.run(store: store, url: url, settings: options.settings)
        } catch let error as SyncError {
            throw CommandFailure("sync: \(error)")
        }
        _ = writeAll(1, Array((report.summary + "\n").utf8))
    }
}

struct SyncStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "When the last sync succeeded, what waits to be pushed, and the server's hosts."
    )

    @OptionGroup var options: SyncOptions

    func run() throws {
        let store = try options.store.openExisting()
        let local = try SyncStatus.local(store: store)
        var lines: [String] = []
        if let last = local.lastSuccess {
            let ago = DurationText.format(micros: Timestamp.now().microseconds - last.microseconds)
            lines.append("last sync: \(last.localDisplay) (\(ago) ago)")
        } else {
            lines.append("last sync: never")
        }
        lines.append("waiting: \(local.waitingRecords) record\(local.waitingRecords == 1 ? "" : "s"), "
            + "\(local.waitingDeletions) deletion\(local.waitingDeletions == 1 ? "" : "s")")
        var failure: String?
        if let url = options.settings.syncURL {
            do {
                let hosts = try SyncStatus.hosts(url: url)
                lines.append("server: \(hosts.count) host\(hosts.count == 1 ? "" : "s")")
                for host in hosts {
                    lines.append("  \(host.name.isEmpty ? "(no host)" : host.name): \(host.records) record\(host.records == 1 ? "" : "s"), latest \(host.latest.localDisplay)")
                }
            } catch let error as SyncError {
                failure = "sync status: \(error)"
            }
        } else {
            lines.append("server: none set (sync_url in the config file, SHQ_SYNC_URL, or --url)")
        }
        _ = writeAll(1, Array((lines.joined(separator: "\n") + "\n").utf8))
        if let failure { throw CommandFailure(failure) }
    }
}

struct SyncKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Print this machine's sync key, or import another machine's.",
        discussion: """
            Prints the key that seals this machine's records (made now if there is none), as base64 to \
            copy to your other machines. There, before their first sync: shq sync key --import KEY \
            (or the key on stdin). A store that already synced with another key keeps it unless --force.
            """
    )

    @OptionGroup var options: SyncOptions

    @Flag(name: .customLong("import"), help: "Read a key (the argument, else stdin) and keep it for this machine.")
    var importKey = false

    @Flag(help: "With --import: replace a key this machine already synced with.")
    var force = false

    @Argument(help: "The key to import (else read from stdin).")
    var key: String?

    func validate() throws {
        if key != nil && !importKey { throw ValidationError("a key argument needs --import") }
        if force && !importKey { throw ValidationError("--force goes with --import") }
    }

    func run() throws {
        let location = options.store.location
        do {
            let current = try? SyncKey.load(for: location)
            guard importKey else {
                let shown = try current ?? { let made = SyncKey.make(); try made.save(for: location); return made }()
                _ = writeAll(1, Array((shown.text + "\n").utf8))
                return
            }
            let text = key ?? String(decoding: (try? readAll(fd: 0, limit: 4096)) ?? [], as: UTF8.self)
            guard let imported = SyncKey(text: text) else {
                throw CommandFailure("sync key: not a key (expected the 44 characters `shq sync key` prints)")
            }
            if let current {
                if current == imported {
                    _ = writeAll(1, Array("this machine already has that key\n".utf8))
                    return
                }
                let synced = location.holdsHistory ? try Store(location: location).syncState().lastSuccess != nil : false
                if synced && !force {
                    throw CommandFailure("sync key: this machine already synced with another key; replacing it means its records on the server no longer open here: add --force to replace it")
                }
            }
            try imported.save(for: location)
            _ = writeAll(1, Array("key imported; next: shq sync\n".utf8))
        } catch let error as SyncError {
            throw CommandFailure("sync key: \(error)")
        }
    }
}
