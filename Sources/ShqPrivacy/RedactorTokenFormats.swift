/// The credential formats recognised by their shape alone, wherever they appear (quoted or not, in a
/// URL, after any option). One row per format: its name, its pieces in order, and how many leading
/// pieces stay readable (a webhook's host and path, Telegram's `bot`); the rest becomes `[REDACTED]`.
/// Adding a format is adding a row here and an example to Tests/ShqPrivacyTests/TokenFormatTests.swift
/// (a test fails for a row without one).
///
/// Matching is greedy and never backtracks: a run takes every byte of its set up to its maximum, then
/// the next piece must match where the run stopped. A match must start at a word boundary (the byte
/// before is not a letter or digit) and end at one, so a shape inside a longer word is left alone.
enum TokenFormats {
    static let rows: [TokenFormat] = [
        // Code hosts. GitHub: classic (personal, OAuth, user-to-server, server-to-server, refresh), fine-grained.
        TokenFormat("GitHub personal access token", "ghp_", .alnum, 30),
        TokenFormat("GitHub OAuth token", "gho_", .alnum, 30),
        TokenFormat("GitHub user-to-server token", "ghu_", .alnum, 30),
        TokenFormat("GitHub server-to-server token", "ghs_", .alnum, 30),
        TokenFormat("GitHub refresh token", "ghr_", .alnum, 30),
        TokenFormat("GitHub fine-grained token", "github_pat_", .alnumUnderscore, 30),
        TokenFormat("GitLab personal access token", "glpat-", .alnumDash, 20),
        TokenFormat("GitLab pipeline trigger token", "glptt-", .alnumDash, 20),
        TokenFormat("GitLab deploy token", "gldt-", .alnumDash, 20),
        TokenFormat("GitLab runner token", "glrt-", .alnumDash, 20),
        TokenFormat("GitLab runner registration token", "GR1348941", .alnumDash, 20),
        TokenFormat("GitLab OAuth application secret", "gloas-", .alnumDash, 20),
        TokenFormat("GitLab CI job token", "glcbt-", .alnumDash, 20),
        TokenFormat("GitLab SCIM token", "glsoat-", .alnumDash, 20),
        TokenFormat("GitLab feed token", "glft-", .alnumDash, 20),
        TokenFormat("GitLab feature-flag client token", "glffct-", .alnumDash, 20),
        TokenFormat("GitLab incoming-mail token", "glimt-", .alnumDash, 20),
        TokenFormat("GitLab agent token", "glagent-", .alnumDash, 20),
        TokenFormat("Bitbucket app password", "ATBB", .alnum, 28),
        TokenFormat("Atlassian API token", "ATATT", .base64URL, 50),
        TokenFormat("Bitbucket access token", "ATCTT", .base64URL, 50),
        // Clouds.
        TokenFormat("AWS access key id", ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"],
                    .upperAlnum, exactly: 16),
        TokenFormat("Google API key", "AIza", .alnumDash, exactly: 35),
        TokenFormat("Google OAuth client secret", "GOCSPX-", .alnumDash, 24),
        TokenFormat("Google OAuth access token", "ya29.", .alnumDashDot, 30),
        TokenFormat("DigitalOcean token", ["dop_v1_", "doo_v1_", "dor_v1_"], .lowerHex, exactly: 64),
        TokenFormat("Heroku API key", "HRKU-", .alnumDash, 30),
        TokenFormat("HashiCorp Vault token", ["hvs.", "hvb.", "hvr."], .alnumDash, 24),
        TokenFormat("Terraform Cloud token", pieces: [.run(.alnum, 14, 14), .literal(".atlasv1."), .run(.alnumDash, 60)]),
        TokenFormat("Databricks token", "dapi", .lowerHex, exactly: 32),
        TokenFormat("Fly.io token", ["fo1_", "fm1r_", "fm2_"], .alnumDash, 30),
        TokenFormat("Doppler token", ["dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim."], .alnum, 40),
        TokenFormat("Supabase token", "sbp_", .lowerHex, exactly: 40),
        TokenFormat("PlanetScale token", ["pscale_tkn_", "pscale_pw_", "pscale_oauth_"], .alnumDash, 32),
        TokenFormat("Pulumi token", "pul-", .lowerHex, exactly: 40),
        TokenFormat("age secret key", "AGE-SECRET-KEY-1", .upperAlnum, 50),
        // Package registries.
        TokenFormat("npm token", "npm_", .alnum, exactly: 36),
        TokenFormat("PyPI token", "pypi-", .alnumDash, 50),
        TokenFormat("RubyGems API key", "rubygems_", .lowerHex, exactly: 48),
        TokenFormat("NuGet API key", "oy2", .lowerAlnum, exactly: 43),
        TokenFormat("Docker Hub token", ["dckr_pat_", "dckr_oat_"], .alnumDash, 20),
        TokenFormat("crates.io token", "cio", .alnum, exactly: 32),
        TokenFormat("Hugging Face token", "hf_", .alnum, 30),
        // Chat.
        TokenFormat("Slack token", ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xoxc-", "xapp-", "xoxe.xox"], .alnumDash, 10),
        TokenFormat("Slack webhook", pieces: [.literal("hooks.slack.com/"), .oneOf(["services/", "workflows/", "triggers/"]),
                                              .run(.path, 20)], kept: 2),
        TokenFormat("Discord webhook", pieces: [.oneOf(["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"]),
                                                .run(.digit, 17, 20), .literal("/"), .run(.alnumDash, 60, 100)], kept: 3),
        TokenFormat("Discord bot token", pieces: [.run(.discordIdStart, 1, 1), .run(.alnumDash, 23, 27), .literal("."),
                                                  .run(.alnumDash, 6, 7), .literal("."), .run(.alnumDash, 27, 38)]),
        TokenFormat("Telegram bot token", pieces: [.run(.digit, 8, 10), .literal(":AA"), .run(.alnumDash, 30, 40)]),
        TokenFormat("Telegram bot token in a URL", pieces: [.literal("bot"), .run(.digit, 8, 10), .literal(":AA"),
                                                            .run(.alnumDash, 30, 40)], kept: 1),
        // Payments, mail, AI and other services.
        TokenFormat("Stripe secret key", ["sk_live_", "sk_test_", "rk_live_", "rk_test_"], .alnum, 16),
        TokenFormat("Stripe webhook secret", "whsec_", .alnum, 16),
        TokenFormat("Twilio API key", "SK", .lowerHex, exactly: 32),
        TokenFormat("SendGrid API key", pieces: [.literal("SG."), .run(.alnumDash, 16, 32), .literal("."), .run(.alnumDash, 30, 50)]),
        TokenFormat("Mailchimp API key", pieces: [.run(.lowerHex, 32, 32), .literal("-us"), .run(.digit, 1, 2)]),
        TokenFormat("Shopify token", ["shpat_", "shpca_", "shppa_", "shpss_"], .hex, exactly: 32),
        TokenFormat("Linear API key", "lin_api_", .alnum, 32),
        TokenFormat("Postman API key", "PMAK-", .alnumDash, 50),
        TokenFormat("Grafana token", ["glsa_", "glc_"], .base64URL, 32),
        TokenFormat("New Relic key", ["NRAK-", "NRII-", "NRJS-"], .upperAlnum, 20),
        TokenFormat("Sentry token", ["sntrys_", "sntryu_"], .base64URL, 32),
        TokenFormat("OpenAI or Anthropic key", "sk-", .alnumDash, 20, needsDigit: true),
        TokenFormat("Mapbox secret token", pieces: [.literal("sk.eyJ"), .run(.alnumDash, 20), .literal("."), .run(.alnumDash, 20)]),
        TokenFormat("JSON Web Token", pieces: [.literal("eyJ"), .run(.alnumDash, 10), .literal(".eyJ"), .run(.alnumDash, 10),
                                               .literal("."), .run(.alnumDash, 0)]),
    ]

    /// For rows that start with a run rather than a literal (tried at most word starts, so they must be
    /// cheap to turn down): the run's length and the byte after it, checked before the full match.
    static let runFilters: [RunFilter?] = rows.map(RunFilter.init)

    /// For rows that start with a literal: the bytes their literal can have second. Words starting with
    /// `g` (`git`) meet a dozen GitHub and GitLab rows; this turns them down without the full match.
    static let secondBytes: [ByteSet] = rows.map { row in
        var set = ByteSet()
        switch row.pieces[0] {
        case .literal(let literal): set.insert(literal.count > 1 ? [literal[1]] : Array(0...255))
        case .oneOf(let literals): for literal in literals { set.insert(literal.count > 1 ? [literal[1]] : Array(0...255)) }
        case .run: set.insert(Array(0...255))
        }
        return set
    }

    /// The fewest bytes any row matches. A constant, so that a line with no word this long is turned down
    /// without building the tables; `TokenFormatTests` checks it against the rows.
    static let shortestMatch = 15

    /// Rows by the bytes their first piece can start with, so the scanner tries only rows that can match here.
    static let rowsByFirstByte: [[Int]] = {
        var table = [[Int]](repeating: [], count: 256)
        for (index, row) in rows.enumerated() {
            for byte in 0..<256 where row.canStart(with: UInt8(byte)) { table[byte].append(index) }
        }
        return table
    }()
}

/// "From here, a run of `set` between `min` and `max` bytes long, then `next`": a necessary condition for
/// a row that starts with runs (`14 alnum` + `.atlasv1.`, `8–10 digits` + `:AA`), plain values only.
struct RunFilter: Sendable {
    let set: ByteSet
    let min: Int
    let max: Int
    let next: UInt8

    init?(_ format: TokenFormat) {
        // One run then a literal, or two runs (the first's bytes within the second's set) then a literal.
        guard case .run(let firstSet, let firstMin, let firstMax) = format.pieces[0], format.pieces.count > 1 else { return nil }
        switch format.pieces[1] {
        case .literal(let literal):
            set = firstSet
            min = firstMin
            max = firstMax
            next = literal[0]
        case .run(let secondSet, let secondMin, let secondMax):
            guard format.pieces.count > 2, case .literal(let literal) = format.pieces[2] else { return nil }
            set = secondSet
            min = firstMin + secondMin
            max = firstMax > Int.max - secondMax ? Int.max : firstMax + secondMax
            next = literal[0]
        case .oneOf:
            return nil
        }
    }

    @inline(__always) func admits(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        var end = start
        while end < text.count && end - start <= max && set.contains(text[end]) { end += 1 }
        let length = end - start
        return length >= min && length <= max && end < text.count && text[end] == next
    }
}

/// A set of bytes, as four 64-bit words (separate fields: a tuple cost a metadata look-up per use).
struct ByteSet: Sendable {
    private var word0: UInt64 = 0
    private var word1: UInt64 = 0
    private var word2: UInt64 = 0
    private var word3: UInt64 = 0

    /// From a description such as `"A-Za-z0-9_-"`: ranges `a-z` and single bytes (a `-` at either end is itself).
    init(_ description: StaticString) {
        let bytes = Array(UnsafeBufferPointer(start: description.utf8Start, count: description.utf8CodeUnitCount))
        var index = 0
        while index < bytes.count {
            if index + 2 < bytes.count && bytes[index + 1] == UInt8(ascii: "-") {
                for byte in bytes[index]...bytes[index + 2] { insert(byte) }
                index += 3
            } else {
                insert(bytes[index])
                index += 1
            }
        }
    }

    init() {}

    mutating func insert(_ bytes: [UInt8]) {
        for byte in bytes { insert(byte) }
    }

    private mutating func insert(_ byte: UInt8) {
        let bit: UInt64 = 1 << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: word0 |= bit
        case 1: word1 |= bit
        case 2: word2 |= bit
        default: word3 |= bit
        }
    }

    @inline(__always) func contains(_ byte: UInt8) -> Bool {
        let bit: UInt64 = 1 << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return word0 & bit != 0
        case 1: return word1 & bit != 0
        case 2: return word2 & bit != 0
        default: return word3 & bit != 0
        }
    }

    static let alnum = ByteSet("A-Za-z0-9")
    static let alnumUnderscore = ByteSet("A-Za-z0-9_")
    static let alnumDash = ByteSet("A-Za-z0-9_-")
    static let alnumDashDot = ByteSet("A-Za-z0-9_.-")
    static let base64URL = ByteSet("A-Za-z0-9_=-")
    static let upperAlnum = ByteSet("A-Z0-9")
    static let lowerAlnum = ByteSet("a-z0-9")
    static let lowerHex = ByteSet("a-f0-9")
    static let hex = ByteSet("a-fA-F0-9")
    static let digit = ByteSet("0-9")
    static let path = ByteSet("A-Za-z0-9_/-")
    /// A Discord bot token starts with the base64 of a numeric user id: `M`, `N` or `O`.
    static let discordIdStart = ByteSet("MNO")
}

/// One credential format: pieces matched in order.
struct TokenFormat: Sendable {
    enum Piece: Sendable {
        case literal([UInt8])
        /// One of several literals (tried in order).
        case oneOf([[UInt8]])
        /// Between `min` and `max` bytes of the set, as many as there are.
        case run(ByteSet, Int, Int)

        static func literal(_ text: String) -> Piece { .literal(Array(text.utf8)) }
        static func oneOf(_ texts: [String]) -> Piece { .oneOf(texts.map { Array($0.utf8) }) }
        static func run(_ set: ByteSet, _ min: Int) -> Piece { .run(set, min, Int.max) }
    }

    let name: String
    let pieces: [Piece]
    /// How many leading pieces are kept readable.
    let kept: Int
    /// The match must contain a digit (keeps `sk-some-long-package-name` verbatim).
    let needsDigit: Bool

    init(_ name: String, pieces: [Piece], kept: Int = 0, needsDigit: Bool = false) {
        self.name = name
        self.pieces = pieces
        self.kept = kept
        self.needsDigit = needsDigit
    }

    /// A prefix and a body of at least `min` bytes.
    init(_ name: String, _ prefix: String, _ body: ByteSet, _ min: Int, needsDigit: Bool = false) {
        self.init(name, pieces: [.literal(prefix), .run(body, min)], needsDigit: needsDigit)
    }

    /// One of several prefixes and a body of at least `min` bytes.
    init(_ name: String, _ prefixes: [String], _ body: ByteSet, _ min: Int) {
        self.init(name, pieces: [.oneOf(prefixes), .run(body, min)])
    }

    /// A prefix and a body of exactly `count` bytes.
    init(_ name: String, _ prefix: String, _ body: ByteSet, exactly count: Int) {
        self.init(name, pieces: [.literal(prefix), .run(body, count, count)])
    }

    init(_ name: String, _ prefixes: [String], _ body: ByteSet, exactly count: Int) {
        self.init(name, pieces: [.oneOf(prefixes), .run(body, count, count)])
    }

    /// The fewest bytes this row can match.
    var minimumLength: Int {
        pieces.reduce(0) { total, piece in
            switch piece {
            case .literal(let text): total + text.count
            case .oneOf(let texts): total + (texts.map(\.count).min() ?? 0)
            case .run(_, let min, _): total + min
            }
        }
    }

    /// Whether some piece can match a blank or a newline (none may: the scanner skips lines by word length).
    var canMatchBlank: Bool {
        let blanks: [UInt8] = [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n")]
        return pieces.contains { piece in
            switch piece {
            case .literal(let text): text.contains(where: blanks.contains)
            case .oneOf(let texts): texts.contains { $0.contains(where: blanks.contains) }
            case .run(let set, _, _): blanks.contains(where: set.contains)
            }
        }
    }

    func canStart(with byte: UInt8) -> Bool {
        switch pieces[0] {
        case .literal(let text): return text[0] == byte
        case .oneOf(let texts): return texts.contains { $0[0] == byte }
        case .run(let set, let min, _): return min > 0 && set.contains(byte)
        }
    }

    /// Where the format matches from `start`: the end of the match and where the redacted part begins.
    func match(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> RedactionSpan? {
        var position = start
        var redactFrom = start
        var sawDigit = false
        for (index, piece) in pieces.enumerated() {
            if index == kept { redactFrom = position }
            switch piece {
            case .literal(let literal):
                guard Self.hasPrefix(text, literal, at: position) else { return nil }
                position += literal.count
            case .oneOf(let literals):
                guard let literal = literals.first(where: { Self.hasPrefix(text, $0, at: position) }) else { return nil }
                position += literal.count
            case .run(let set, let min, let max):
                let runStart = position
                while position < text.count && position - runStart < max && set.contains(text[position]) {
                    if text[position] >= 0x30 && text[position] <= 0x39 { sawDigit = true }
                    position += 1
                }
                if position - runStart < min { return nil }
            }
        }
        // A match ends where a word does: a longer run of letters or digits is some other word.
        if position < text.count && isAlphanumeric(text[position]) { return nil }
        if needsDigit && !sawDigit { return nil }
        return RedactionSpan(start: redactFrom, end: position)
    }

    @inline(__always) private static func hasPrefix(_ text: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8], at start: Int) -> Bool {
        guard start + prefix.count <= text.count else { return false }
        for offset in 0..<prefix.count where text[start + offset] != prefix[offset] { return false }
        return true
    }
}
