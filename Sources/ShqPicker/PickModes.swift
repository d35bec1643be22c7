/// How the query matches a command line; cycled with Ctrl-S.
public enum MatchMode: String, CaseIterable, Sendable {
    /// Every query character in order, scored like fzf (boundaries, camelCase, runs, gaps): best first.
    case fuzzy
    /// The line starts with the query; newest first.
    case prefix
    /// The query anywhere in the line; newest first.
    case substring
    /// A POSIX extended regular expression (like `grep -E`); newest first.
    case regex

    public var next: MatchMode {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// Which records are shown; cycled with Ctrl-R.
public enum PickFilter: String, CaseIterable, Sendable {
    case everything = "all"
    case host
    case session
    case directory = "dir"
    case failed

    public var next: PickFilter {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}
