/// What the words of the current simple command so far say about the words to come: which
/// program-option rules apply (by basename: `/usr/bin/mysql`), whether a setter or a secret noun was
/// named, and which positional argument of a `PositionalSecret` program comes next. Bit sets filled from
/// precomputed indexes, so each word costs a first-byte check and, rarely, a short bucket walk (this runs
/// for every word of every redacted output line).
struct ProgramsSeen {
    private var programs: UInt64 = Index.anyProgram
    private var subcommands: UInt64 = 0
    /// A word after which a bare secret name announces its value (`set`, `config`).
    private(set) var sawSetter = false
    /// `secret`/`secrets`: the command handles secrets, so `--from-literal`, `--body` carry one.
    private(set) var sawSecretNoun = false
    /// For each `PositionalSecret` row, 4 bits: 0 before its program, then 1 + the path words seen.
    private var positionalProgress: UInt64 = 0
    /// The positional row whose arguments are being counted, and how many were seen.
    private var counting: (rule: Int, arguments: Int)?
    /// The last argument counted, for rows whose secret comes last.
    private var lastArgument: Range<Int>?
    /// Letters seen in single-dash options (`-nbB`): bit `letter & 63`.
    private var shortFlags: UInt64 = 0

    /// `fly secrets set K=V`: every `K=V` sets a secret, whatever K is called.
    var setsSecrets: Bool { sawSetter && sawSecretNoun }

    /// Whether a `--long` program-option row applies (most commands name none: the check is skipped).
    var mayHaveLongOptionRule: Bool { applicableOptionRows & Index.longOptionRows != 0 }

    func contains(rule index: Int) -> Bool { applicableOptionRows & (1 << UInt64(index)) != 0 }

    /// The program-option rows whose program (and subcommand, when the row has some) were named: most
    /// commands name none, and then no row is looked at.
    var applicableOptionRows: UInt64 { programs & (Index.rowsWithoutSubcommand | subcommands) }

    /// Counts one argument (a word that is not an option, an option's value or a redirection's file)
    /// and returns how it holds a secret when it is the one its positional row names.
    mutating func countArgument(_ word: Range<Int>) -> RedactorPatterns.PositionalSecret.Form? {
        guard let (rule, seen) = counting else { return nil }
        counting = (rule, seen + 1)
        let row = RedactorPatterns.positionalSecrets[rule]
        switch row.position {
        case .every: break
        case .nth(let place): guard place == seen + 1 else { return nil }
        case .last:
            lastArgument = word
            return nil
        }
        return flagAllows(row) ? row.form : nil
    }

    /// At the end of the command: the last argument, when the row counting wants that one.
    func lastSecretArgument() -> (Range<Int>, RedactorPatterns.PositionalSecret.Form)? {
        guard let (rule, _) = counting, let lastArgument else { return nil }
        let row = RedactorPatterns.positionalSecrets[rule]
        guard row.position == .last, flagAllows(row) else { return nil }
        return (lastArgument, row.form)
    }

    private func flagAllows(_ row: RedactorPatterns.PositionalSecret) -> Bool {
        guard let flag = row.flag else { return true }
        return shortFlags & (1 << UInt64(flag & 63)) != 0
    }

    mutating func note(_ word: Range<Int>, in text: UnsafeBufferPointer<UInt8>) {
        if word.count > 1 && text[word.lowerBound] == UInt8(ascii: "-") && text[word.lowerBound + 1] != UInt8(ascii: "-") {
            for byte in text[(word.lowerBound + 1)..<word.upperBound] where isAlphanumeric(byte) { shortFlags |= 1 << UInt64(byte & 63) }
            return
        }
        var start = word.lowerBound
        if let slash = text[word].lastIndex(of: UInt8(ascii: "/")) { start = slash + 1 }
        guard start < word.upperBound else { return }
        let base = UnsafeBufferPointer(rebasing: text[start..<word.upperBound])
        for candidate in Index.byFirstByte[Int(base[0])] where candidate.word.count == base.count && candidate.word.elementsEqual(base) {
            programs = (programs | candidate.programs) & ~candidate.exceptions
            subcommands |= candidate.subcommands & programs
            if candidate.isSetter { sawSetter = true }
            if candidate.isSecretNoun { sawSecretNoun = true }
            if candidate.positionalPrograms != 0 || candidate.positionalSteps != 0 { notePositional(candidate) }
        }
    }

    /// A positional row's program (its progress starts at 1) or the next word of its path (+1).
    private mutating func notePositional(_ entry: Index.Entry) {
        for rule in 0..<RedactorPatterns.positionalSecrets.count {
            if entry.positionalPrograms & (1 << UInt16(rule)) != 0 {
                setProgress(rule, 1)
            } else if case let step = Int((entry.positionalSteps >> UInt64(4 * rule)) & 15), step != 0, progress(rule) == step {
                setProgress(rule, step + 1)
            }
        }
    }

    private func progress(_ rule: Int) -> Int { Int((positionalProgress >> UInt64(4 * rule)) & 15) }

    /// Moves a row on; once its program and whole path were seen, its arguments are counted from here.
    private mutating func setProgress(_ rule: Int, _ value: Int) {
        positionalProgress = positionalProgress & ~(15 << UInt64(4 * rule)) | UInt64(value) << UInt64(4 * rule)
        if value == RedactorPatterns.positionalSecrets[rule].path.count + 1 {
            counting = (rule, 0)
            lastArgument = nil
        }
    }

    /// `RedactorPatterns.programOptions`, `positionalSecrets`, `setterWords` and `secretNouns` turned
    /// inside out: for each first byte, the words that start with it and what seeing them means.
    private enum Index {
        struct Entry {
            let word: [UInt8]
            var programs: UInt64 = 0
            var subcommands: UInt64 = 0
            /// Rows that do not apply once this program is named.
            var exceptions: UInt64 = 0
            var isSetter = false
            var isSecretNoun = false
            /// Positional rows this word is the program of (bit per row). Bit sets rather than arrays:
            /// an entry is copied for every word looked up, and arrays made that cost a retain each.
            var positionalPrograms: UInt16 = 0
            /// For each positional row, 4 bits: 1 + the step of its path this word spells (0: none).
            var positionalSteps: UInt64 = 0
        }

        /// The program-option rows that apply whatever the program (`… login -p`).
        static let anyProgram: UInt64 = RedactorPatterns.programOptions.enumerated().reduce(0) { mask, row in
            row.element.programs.isEmpty ? mask | 1 << UInt64(row.offset) : mask
        }

        /// The program-option rows that need no subcommand.
        static let rowsWithoutSubcommand: UInt64 = RedactorPatterns.programOptions.enumerated().reduce(0) { mask, row in
            row.element.subcommands.isEmpty ? mask | 1 << UInt64(row.offset) : mask
        }

        /// The program-option rows of `--long` options.
        static let longOptionRows: UInt64 = RedactorPatterns.programOptions.enumerated().reduce(0) { mask, row in
            row.element.value == .equalsOrNext ? mask | 1 << UInt64(row.offset) : mask
        }

        /// Built on every `shq run` and hook ingest: filled bucket by bucket (a few words each) rather than
        /// through a dictionary keyed by byte arrays, whose first use alone cost ~0.3 ms of start-up.
        static let byFirstByte: [[Entry]] = {
            var table = [[Entry]](repeating: [], count: 256)
            func update(_ word: [UInt8], _ change: (inout Entry) -> Void) {
                let bucket = Int(word[0])
                if let index = table[bucket].firstIndex(where: { $0.word == word }) {
                    change(&table[bucket][index])
                } else {
                    var entry = Entry(word: word)
                    change(&entry)
                    table[bucket].append(entry)
                }
            }
            for (position, rule) in RedactorPatterns.programOptions.enumerated() {
                let bit: UInt64 = 1 << UInt64(position)
                for program in rule.programs { update(program) { $0.programs |= bit } }
                for subcommand in rule.subcommands { update(subcommand) { $0.subcommands |= bit } }
                for program in rule.exceptPrograms { update(program) { $0.exceptions |= bit } }
            }
            for (position, rule) in RedactorPatterns.positionalSecrets.enumerated() {
                for program in rule.programs { update(program) { $0.positionalPrograms |= 1 << UInt16(position) } }
                for (step, spellings) in rule.path.enumerated() {
                    for spelling in spellings { update(spelling) { $0.positionalSteps |= UInt64(step + 1) << UInt64(4 * position) } }
                }
            }
            for setter in RedactorPatterns.setterWords { update(setter) { $0.isSetter = true } }
            for noun in RedactorPatterns.secretNouns { update(noun) { $0.isSecretNoun = true } }
            return table
        }()
    }
}
