/// What the words of the current simple command so far say about the words to come: which
/// program-option rules apply (by basename: `/usr/bin/mysql`), whether a setter or a secret noun was
/// named, and which positional argument of a `PositionalSecret` program comes next. Bit sets filled from
/// precomputed indexes, so each word costs a first-byte check and, rarely, a short bucket walk (this runs
/// for every word of every redacted output line).
struct ProgramsSeen {
    private var programs: UInt64 = 0
    private var subcommands: UInt64 = 0
    /// A word after which a bare secret name announces its value (`set`, `config`).
    private(set) var sawSetter = false
    /// `secret`/`secrets`: the command handles secrets, so `--from-literal`, `--body` carry one.
    private(set) var sawSecretNoun = false
    /// `PositionalSecret` rows whose program was named (waiting for a subcommand, when the row has some).
    private var positionalPrograms: UInt64 = 0
    /// The positional row whose arguments are being counted, and how many were seen.
    private var counting: (rule: Int, arguments: Int)?

    /// `fly secrets set K=V`: every `K=V` sets a secret, whatever K is called.
    var setsSecrets: Bool { sawSetter && sawSecretNoun }

    func contains(rule index: Int) -> Bool {
        let bit: UInt64 = 1 << UInt64(index)
        return programs & bit != 0 && (RedactorPatterns.programOptions[index].subcommand == nil || subcommands & bit != 0)
    }

    /// Counts one argument (a word that is not an option, an option's value or a redirection's file)
    /// and returns how it holds a secret when it is the one its positional row names.
    mutating func countArgument() -> RedactorPatterns.PositionalSecret.Form? {
        guard let (rule, seen) = counting else { return nil }
        counting = (rule, seen + 1)
        let row = RedactorPatterns.positionalSecrets[rule]
        guard row.position == nil || row.position == seen + 1 else { return nil }
        return row.form
    }

    mutating func note(_ word: Range<Int>, in text: UnsafeBufferPointer<UInt8>) {
        var start = word.lowerBound
        if let slash = text[word].lastIndex(of: UInt8(ascii: "/")) { start = slash + 1 }
        guard start < word.upperBound else { return }
        let base = UnsafeBufferPointer(rebasing: text[start..<word.upperBound])
        for candidate in Index.byFirstByte[Int(base[0])] where candidate.word.count == base.count && candidate.word.elementsEqual(base) {
            programs |= candidate.programs
            subcommands |= candidate.subcommands & programs
            if candidate.isSetter { sawSetter = true }
            if candidate.isSecretNoun { sawSecretNoun = true }
            if let rule = candidate.positionalProgram {
                positionalPrograms |= 1 << UInt64(rule)
                if RedactorPatterns.positionalSecrets[rule].subcommands.isEmpty { counting = (rule, 0) }
            }
            for rule in candidate.positionalSubcommands where positionalPrograms & (1 << UInt64(rule)) != 0 {
                counting = (rule, 0)
            }
        }
    }

    /// `RedactorPatterns.programOptions`, `positionalSecrets`, `setterWords` and `secretNouns` turned
    /// inside out: for each first byte, the words that start with it and what seeing them means.
    private enum Index {
        struct Entry {
            let word: [UInt8]
            var programs: UInt64 = 0
            var subcommands: UInt64 = 0
            var isSetter = false
            var isSecretNoun = false
            var positionalProgram: Int?
            var positionalSubcommands: [Int] = []
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
                if let subcommand = rule.subcommand { update(subcommand) { $0.subcommands |= bit } }
            }
            for (position, rule) in RedactorPatterns.positionalSecrets.enumerated() {
                for program in rule.programs { update(program) { $0.positionalProgram = position } }
                for subcommand in rule.subcommands { update(subcommand) { $0.positionalSubcommands.append(position) } }
            }
            for setter in RedactorPatterns.setterWords { update(setter) { $0.isSetter = true } }
            for noun in RedactorPatterns.secretNouns { update(noun) { $0.isSecretNoun = true } }
            return table
        }()
    }
}
