import ShqStore
import ShqSystem

/// Opens the store on a thread of its own while `shq run` reads its environment and decides what to
/// record. Opening (re-reading the WAL, parsing the schema) and compiling the insert are most of the
/// time between `shq run` starting and the command starting; on a second core they overlap the rest.
final class StoreOpener: Sendable {
    private let opening: ThreadResult<Store>

    init(location: StoreLocation) {
        opening = ThreadResult {
            let store = try Store(location: location)
            try store.prepareInsert()
            return store
        }
    }

    /// Waits for the thread; `Store.init` sets the process umask for a moment, so nothing may be spawned
    /// before this returns.
    func wait() {
        opening.wait()
    }

    /// The opened store, or why it could not be opened.
    func store() throws -> Store {
        try opening.get()
    }
}
