/// A first word that names no command: `shq histroy`, `shq help histroy`. The argument parser would say
/// "Unexpected argument" (and `help` would print the top help), so these are caught before it, with
/// the nearest names as git does ("did you mean …?").
enum UnknownCommand {
    /// Every name a command answers to.
    static var names: [String] {
        Shq.configuration.subcommands.flatMap { [$0.configuration.commandName ?? ""] + $0.configuration.aliases }
    }

    /// The message for `arguments` when its first word (or the word after `help`) names no command.
    static func message(for arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        if first == "help" {
            guard arguments.count > 1, !arguments[1].hasPrefix("-"), !names.contains(arguments[1]) else { return nil }
            return "help: no command or topic '\(arguments[1])'" + hint(for: arguments[1])
        }
        guard !names.contains(first) else { return nil }
        return "'\(first)' is not a shq command" + hint(for: first)
    }

    /// `; did you mean history?`, or where the commands are listed.
    static func hint(for word: String) -> String {
        let commands = Shq.configuration.subcommands.compactMap { $0.configuration.commandName }
        let near = commands.filter { distance(word.lowercased(), $0) <= max(1, min(2, $0.count / 3)) }
        if near.isEmpty { return "; see shq --help for the commands" }
        return "; did you mean " + near.joined(separator: " or ") + "?"
    }

    /// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
                }
            }
        }
        return rows[a.count][b.count]
    }
}
