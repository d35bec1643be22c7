import Glibc

/// THE ignore matcher: which command lines are never recorded. The hook scripts (shell-hooks/) apply the
/// same rules, in the same order, before a line reaches the spool; property tests keep the three in step.
///
/// In order: `SHQ_DISABLED` non-empty → nothing; an empty line; a leading space; a leading backslash;
/// `SHQ_IGNORE` (unset → `defaultIgnore`; set to "" → no patterns); `SHQ_EXCLUDE`. Both lists are
/// colon-separated shell globs matched against the whole line (see `GlobPattern`).
public struct IgnoreRules: Sendable {
    public static let defaultIgnore = "shq *:shqr *:%*:fg:fg *:bg:bg *:jobs:jobs *:exit:logout:clear:history:history *"

    /// Why a line is skipped.
    public enum Reason: Equatable, Sendable, CustomStringConvertible {
        case disabled, empty, leadingSpace, leadingBackslash
        case ignorePattern(String)
        case excludePattern(String)

        public var description: String {
            switch self {
            case .disabled: return "SHQ_DISABLED is set"
            case .empty: return "empty line"
            case .leadingSpace: return "leading space"
            case .leadingBackslash: return "leading backslash"
            case .ignorePattern(let p): return "matches SHQ_IGNORE pattern '\(p)'"
            case .excludePattern(let p): return "matches SHQ_EXCLUDE pattern '\(p)'"
            }
        }
    }

    public var disabled: Bool
    public var ignore: [GlobPattern]
    public var exclude: [GlobPattern]

    public init(disabled: Bool = false, ignore: String? = nil, exclude: String? = nil) {
        self.disabled = disabled
        self.ignore = Self.split(Array((ignore ?? Self.defaultIgnore).utf8))
        self.exclude = Self.split(Array((exclude ?? "").utf8))
    }

    /// The rules as this process's environment sets them, parsed once: an import judges every line by
    /// them, and compiling the globs per line cost 40% of its time.
    public static let current = fromEnvironment()

    static func fromEnvironment() -> IgnoreRules {
        IgnoreRules(
            disabled: !(environment("SHQ_DISABLED") ?? []).isEmpty,
            ignore: environment("SHQ_IGNORE").map { String(decoding: $0, as: UTF8.self) },
            exclude: environment("SHQ_EXCLUDE").map { String(decoding: $0, as: UTF8.self) })
    }

    /// The rules that don't depend on the environment. The hook already applied the rest in the shell,
    /// with that shell's variables (exported or not), before spooling the line: re-applying this
    /// process's variables would judge one session's lines by another session's settings.
    public static let environmentIndependent = IgnoreRules(disabled: false, ignore: "", exclude: "")

    /// Why `line` is not recorded, or nil when it is.
    public func reason(toSkip line: [UInt8]) -> Reason? {
        if disabled { return .disabled }
        guard let first = line.first else { return .empty }
        if first == UInt8(ascii: " ") { return .leadingSpace }
        if first == UInt8(ascii: "\\") { return .leadingBackslash }
        let subject = GlobPattern.Subject(line)
        if let hit = ignore.first(where: { $0.matches(subject) }) {
            return .ignorePattern(String(decoding: hit.source, as: UTF8.self))
        }
        if let hit = exclude.first(where: { $0.matches(subject) }) {
            return .excludePattern(String(decoding: hit.source, as: UTF8.self))
        }
        return nil
    }

    /// Colon-separated patterns; empty entries are dropped (they could only match the empty line, which
    /// is already skipped).
    static func split(_ list: [UInt8]) -> [GlobPattern] {
        list.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: true).map { GlobPattern(Array($0)) }
    }

    /// The raw bytes of an environment variable (values need not be UTF-8).
    private static func environment(_ name: String) -> [UInt8]? {
        guard let raw = getenv(name) else { return nil }
        return Array(UnsafeRawBufferPointer(start: raw, count: strlen(raw)))
    }
}
