// swift-tools-version:6.0
import PackageDescription

// Modules, one per concern: the store (SQLite, blobs, spool), the run engine (spawn, signals, capture),
// the session proxy, the query language, privacy (ignore rules, redaction), the C shims, and the thin
// `shq` executable.
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
        .target(
            name: "CShims",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        .target(name: "ShqStore", dependencies: ["CSQLite", "CZstd", "CShims"]),
        .target(name: "ShqPrivacy", dependencies: ["ShqStore"]),
        .target(name: "ShqQuery", dependencies: ["ShqStore", "ShqPrivacy"]),
        .target(name: "ShqRun", dependencies: ["ShqStore", "ShqPrivacy", "CShims"]),
        // `shq session`: the shell on a PTY, each interactive command's output stored with its hook record.
        .target(name: "ShqSession", dependencies: ["ShqStore", "ShqPrivacy", "ShqRun", "CShims"]),
        // The bash and zsh hooks, embedded from shell-hooks/ at build time.
        .target(name: "ShqHooks", plugins: ["EmbedShellHooks"]),
        .plugin(name: "EmbedShellHooks", capability: .buildTool()),
        .executableTarget(
            name: "shq",
            dependencies: [
                "ShqStore", "ShqQuery", "ShqPrivacy", "ShqRun", "ShqSession", "ShqHooks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ShqStoreTests", dependencies: ["ShqStore", "ShqTestSupport"]),
        .testTarget(name: "ShqQueryTests", dependencies: ["ShqQuery", "ShqTestSupport"]),
        .testTarget(name: "ShqPrivacyTests", dependencies: ["ShqPrivacy", "ShqTestSupport"]),
        .testTarget(name: "ShqRunTests", dependencies: ["ShqRun", "ShqTestSupport"]),
        .testTarget(name: "ShqSessionTests", dependencies: ["ShqSession", "ShqTestSupport"]),
        .testTarget(name: "ShqCLITests", dependencies: ["ShqStore", "ShqTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ShqTestSupport"]),
        // Shared by the test targets: temporary stores, running the built `shq`, driving tmux.
        .target(name: "ShqTestSupport", dependencies: ["CShims"], path: "Tests/ShqTestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
