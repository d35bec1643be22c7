// swift-tools-version:6.0
import PackageDescription

// Modules, one per concern (Docs/design/README.md): the system foundation, the store (SQLite, blobs, spool,
// every SQL text over the schema), privacy (ignore rules, redaction), the query language, importers,
// rendering, the run engine (spawn, signals, capture), the session proxy, sync, the hooks, the C shims, and the thin executable.
// Each imports only modules declared before it.
let package = Package(
    name: "shq",
    products: [
        .executable(name: "shq", targets: ["shq"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // The PostgreSQL client library and libsodium, for `shq sync` (Docs/design/sync.md).
        .systemLibrary(
            name: "CPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .target(
            name: "CShims",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        // The foundation under every module: threads, clocks, the process environment, whole-file I/O,
        // signal names, the config file reader. Imports nothing of shq.
        .target(name: "ShqSystem"),
        .target(name: "ShqStore", dependencies: ["ShqSystem", "CSQLite", "CZstd", "CShims"]),
        .target(name: "ShqPrivacy", dependencies: ["ShqSystem"]),
        // Selectors compiled to the store's conditions; no SQL over the schema of its own.
        .target(name: "ShqQuery", dependencies: ["ShqSystem", "ShqStore"]),
        // Other tools' histories, one importer per source, written through the recording policy.
        .target(name: "ShqImport", dependencies: ["ShqSystem", "ShqStore", "ShqPrivacy"]),
        // `shq grep`: searching stored output, chunk by chunk, newest first.
        .target(name: "ShqGrep", dependencies: ["ShqSystem", "ShqStore", "CShims"]),
        // Tables, JSON, CSV, colour, pager, detail views, following output.
        .target(name: "ShqRender", dependencies: ["ShqSystem", "ShqStore", "ShqQuery", "ShqGrep"]),
        .target(name: "ShqRun", dependencies: ["ShqSystem", "ShqStore", "ShqPrivacy", "CShims"]),
        // `shq session`: the shell on a PTY, each interactive command's output stored with its hook record.
        .target(name: "ShqSession", dependencies: ["ShqSystem", "ShqStore", "ShqPrivacy", "ShqRun", "CShims"]),
        // `shq pick`, the Ctrl-R picker: matcher, model and frames (pure), and the /dev/tty driver.
        .target(name: "ShqPicker", dependencies: ["ShqSystem", "ShqStore", "ShqQuery", "ShqRender", "ShqRun", "CShims"]),
        // `shq sync`: records sealed on the client and exchanged with a PostgreSQL server.
        .target(name: "ShqSync", dependencies: ["ShqSystem", "ShqStore", "CPQ", "CSodium"]),
        // The bash, zsh and fish hooks, embedded from shell-hooks/ at build time.
        .target(name: "ShqHooks", plugins: ["EmbedShellHooks"]),
        .plugin(name: "EmbedShellHooks", capability: .buildTool()),
        .executableTarget(
            name: "shq",
            dependencies: [
                "ShqSystem", "ShqStore", "ShqQuery", "ShqImport", "ShqGrep", "ShqRender", "ShqPrivacy", "ShqRun", "ShqSession", "ShqHooks", "ShqPicker", "ShqSync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ShqSystemTests", dependencies: ["ShqSystem", "ShqTestSupport"]),
        .testTarget(name: "ShqStoreTests", dependencies: ["ShqStore", "ShqTestSupport"]),
        .testTarget(name: "ShqQueryTests", dependencies: ["ShqQuery", "ShqTestSupport"]),
        .testTarget(name: "ShqImportTests", dependencies: ["ShqImport", "ShqTestSupport"]),
        .testTarget(name: "ShqGrepTests", dependencies: ["ShqGrep", "ShqStore", "ShqTestSupport"]),
        .testTarget(name: "ShqRenderTests", dependencies: ["ShqRender", "ShqTestSupport"], exclude: ["StatsScreens"]),
        .testTarget(name: "ShqPrivacyTests", dependencies: ["ShqPrivacy", "ShqSystem", "ShqTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ShqRunTests", dependencies: ["ShqRun", "ShqSystem", "ShqTestSupport"]),
        .testTarget(name: "ShqPickerTests", dependencies: ["ShqPicker", "ShqStore", "ShqTestSupport"]),
        .testTarget(name: "ShqHooksTests", dependencies: ["ShqHooks", "ShqTestSupport"]),
        .testTarget(name: "ShqSessionTests", dependencies: ["ShqSession", "ShqSystem", "ShqTestSupport"]),
        .testTarget(name: "ShqSyncTests", dependencies: ["ShqSync", "ShqStore", "ShqSystem", "ShqTestSupport"]),
        .testTarget(name: "ShqCLITests", dependencies: ["ShqStore", "ShqSystem", "ShqTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ShqTestSupport"]),
        // Shared by the test targets: temporary stores, running the built `shq`, driving tmux.
        .target(name: "ShqTestSupport", dependencies: ["CShims"], path: "Tests/ShqTestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
