/// The tables the redactor works from: which names hold secrets, which token shapes are credentials,
/// and which programs take a password in a short option. Changing what is redacted means editing a table
/// here, not the scanners.
enum RedactorPatterns {
    /// The replacement for every redacted value.
    static let replacement: [UInt8] = Array("[REDACTED]".utf8)

    // MARK: Secret names (`NAME=value`, `--name value`, `Name: value` headers, `"name": "value"` JSON)

    /// Words that mark a name as secret wherever they appear in it (`PGPASSWORD`, `clientSecret`).
    static let secretSubstrings: [[UInt8]] = [
        "password", "passwd", "passphrase", "secret", "credential", "apikey", "privatekey", "accesskey",
        "secretkey", "sessionkey", "authtoken", "accesstoken", "refreshtoken", "authorization",
    ].map { Array($0.utf8) }

    /// Words that mark a name as secret only as a whole segment or a segment's ending (`GITHUB_TOKEN`,
    /// `slacktoken`), so that `TOKENIZERS_PARALLELISM` or `BYPASS` stay verbatim.
    static let secretSegmentSuffixes: [[UInt8]] = ["token", "tokens"].map { Array($0.utf8) }

    /// Secret only as a whole segment.
    static let secretSegments: [[UInt8]] = [
        "pass", "creds", "auth", "cookie", "sshpass", "psk", "storepass", "keypass", "srcstorepass", "deststorepass",
        "srckeypass", "destkeypass",
    ].map { Array($0.utf8) }

    /// Secret only as a whole segment of a name with several segments: `MYSQL_PWD` but not `PWD`.
    static let secretSegmentsInCompounds: [[UInt8]] = ["pwd", "pw"].map { Array($0.utf8) }

    /// `<qualifier>_key`: `API_KEY`, `--private-key`, `x-api-key`, `AZURE_STORAGE_KEY`.
    static let keyQualifiers: [[UInt8]] = [
        "api", "private", "access", "secret", "session", "signing", "encryption", "master", "client", "app",
        "account", "license", "auth", "storage", "service", "admin", "root",
    ].map { Array($0.utf8) }
    static let keyWords: [[UInt8]] = ["key", "keys"].map { Array($0.utf8) }

    /// A last segment that says the value is about the secret, not the secret: `PASSWORD_FILE`,
    /// `--token-url`, `--password-stdin`, `AUTH_TYPE`.
    static let nonSecretLastSegments: [[UInt8]] = [
        "file", "files", "dir", "directory", "path", "length", "len", "size", "min", "max", "policy", "prompt",
        "cmd", "command", "helper", "type", "mode", "url", "uri", "endpoint", "name", "names", "enabled",
        "required", "expiry", "expires", "expiration", "ttl", "timeout", "count", "limit", "method", "provider",
        "jar", "store", "id", "ids", "hint", "env", "format", "algorithm", "version", "stdin", "fd", "source",
        "location", "manager", "backend", "scope", "scopes", "level", "strength", "rotation", "reset",
    ].map { Array($0.utf8) }

    /// A first segment that makes the name a switch, not a holder: `--no-password`, `--ask-pass`,
    /// `--show-token`.
    static let nonSecretFirstSegments: [[UInt8]] = [
        "no", "ask", "show", "prompt", "use", "with", "without", "skip", "require", "generate", "gen", "hide",
        "mask", "read", "forgot", "has", "is",
    ].map { Array($0.utf8) }

    // MARK: Programs whose short options carry secrets

    /// How a program takes a secret in a short option.
    struct ShortOption {
        enum Value { case attachedOnly, attachedOrNext }
        let programs: [[UInt8]]
        /// The option's letter with its dash, e.g. `-p`.
        let option: [UInt8]
        let value: Value
        /// `user:password` values: only what follows the first colon is secret.
        let afterColon: Bool
        /// A word that must follow the program (`docker login -p`, not `docker run -p 8080:80`).
        var subcommand: [UInt8]? = nil
    }

    static let shortOptions: [ShortOption] = [
        // `mysql -p` alone prompts; `-pSECRET` carries the password. `-P` is the port.
        ShortOption(programs: [
            "mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlcheck", "mysqlshow", "mysqlslap", "mysqlpump",
            "mariadb", "mariadb-dump", "mariadb-admin",
        ].map { Array($0.utf8) }, option: Array("-p".utf8), value: .attachedOnly, afterColon: false),
        ShortOption(programs: [Array("sshpass".utf8)], option: Array("-p".utf8), value: .attachedOrNext, afterColon: false),
        ShortOption(programs: ["mongo", "mongosh", "mongodump", "mongorestore"].map { Array($0.utf8) },
                    option: Array("-p".utf8), value: .attachedOrNext, afterColon: false),
        ShortOption(programs: [Array("redis-cli".utf8)], option: Array("-a".utf8), value: .attachedOrNext, afterColon: false),
        ShortOption(programs: ["curl"].map { Array($0.utf8) }, option: Array("-u".utf8), value: .attachedOrNext, afterColon: true),
        ShortOption(programs: ["curl"].map { Array($0.utf8) }, option: Array("-U".utf8), value: .attachedOrNext, afterColon: true),
        ShortOption(programs: ["http", "https", "xh"].map { Array($0.utf8) }, option: Array("-a".utf8), value: .attachedOrNext, afterColon: true),
        ShortOption(programs: [Array("ssh-keygen".utf8)], option: Array("-N".utf8), value: .attachedOrNext, afterColon: false),
        ShortOption(programs: [Array("ssh-keygen".utf8)], option: Array("-P".utf8), value: .attachedOrNext, afterColon: false),
        ShortOption(programs: [Array("az".utf8)], option: Array("-p".utf8), value: .attachedOrNext, afterColon: false,
                    subcommand: Array("login".utf8)),
        // `docker login -p`, `podman login -p` (elsewhere their `-p` publishes a port).
        ShortOption(programs: ["docker", "podman", "nerdctl"].map { Array($0.utf8) }, option: Array("-p".utf8),
                    value: .attachedOrNext, afterColon: false, subcommand: Array("login".utf8)),
    ]

    /// Words after which a bare secret name is followed by its value: `aws configure set
    /// aws_secret_access_key VALUE`, `git config user.password VALUE`, `nmcli … password VALUE`.
    static let setterWords: [[UInt8]] = ["set", "config", "configure", "nmcli"].map { Array($0.utf8) }

    /// Long options whose `user:password` value is secret after the colon (their names are not secret).
    static let userPasswordOptions: [[UInt8]] = ["--user", "--proxy-user"].map { Array($0.utf8) }

    /// The rule whose programs read `--password` without a value as "prompt me" (the next word is not it).
    static let promptingPasswordRule = 0

    // MARK: Token shapes (found anywhere, quoted or not)

    enum ByteClass {
        case alphanumeric, alphanumericUnderscore, alphanumericDash, upperAlphanumeric

        @inline(__always) func contains(_ byte: UInt8) -> Bool {
            switch self {
            case .alphanumeric: return isAlphanumeric(byte)
            case .alphanumericUnderscore: return isAlphanumeric(byte) || byte == UInt8(ascii: "_")
            case .alphanumericDash: return isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            case .upperAlphanumeric: return (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            }
        }
    }

    /// A credential recognisable by its prefix and the run of characters after it.
    struct TokenShape {
        let prefix: [UInt8]
        let body: ByteClass
        let minimumBody: Int
        /// When set, the body must be exactly this long (AWS key ids).
        let exactBody: Int?
        /// Requires a digit in the body (keeps `sk-some-long-package-name` verbatim).
        let needsDigit: Bool

        init(_ prefix: String, _ body: ByteClass, min: Int, exact: Int? = nil, needsDigit: Bool = false) {
            self.prefix = Array(prefix.utf8)
            self.body = body
            self.minimumBody = exact ?? min
            self.exactBody = exact
            self.needsDigit = needsDigit
        }
    }

    static let tokenShapes: [TokenShape] = {
        var shapes: [TokenShape] = []
        // GitHub: classic (ghp_ personal, gho_ OAuth, ghu_/ghs_ app, ghr_ refresh) and fine-grained.
        for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] { shapes.append(TokenShape(prefix, .alphanumeric, min: 30)) }
        shapes.append(TokenShape("github_pat_", .alphanumericUnderscore, min: 30))
        // GitLab personal, pipeline trigger, deploy, runner, OAuth-app and CI build tokens.
        for prefix in ["glpat-", "glptt-", "gldt-", "glrt-", "gloas-", "glcbt-"] {
            shapes.append(TokenShape(prefix, .alphanumericDash, min: 20))
        }
        // Slack bot/user/app/refresh tokens.
        for prefix in ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-"] {
            shapes.append(TokenShape(prefix, .alphanumericDash, min: 10))
        }
        // AWS access key ids: a four-letter type prefix and 16 upper-case letters or digits.
        for prefix in ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"] {
            shapes.append(TokenShape(prefix, .upperAlphanumeric, min: 16, exact: 16))
        }
        // Google API keys.
        shapes.append(TokenShape("AIza", .alphanumericDash, min: 35, exact: 35))
        // OpenAI (sk-, sk-proj-) and Anthropic (sk-ant-) keys.
        shapes.append(TokenShape("sk-", .alphanumericDash, min: 20, needsDigit: true))
        // Stripe secret, restricted and webhook-signing keys.
        for prefix in ["sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"] {
            shapes.append(TokenShape(prefix, .alphanumeric, min: 16))
        }
        // npm, PyPI, Hugging Face.
        shapes.append(TokenShape("npm_", .alphanumeric, min: 36, exact: 36))
        shapes.append(TokenShape("pypi-", .alphanumericDash, min: 50))
        shapes.append(TokenShape("hf_", .alphanumeric, min: 30))
        return shapes
    }()

    /// Token shapes indexed by their first byte, so the scanner tests only the shapes that can start here.
    static let tokenShapesByFirstByte: [[Int]] = {
        var table = [[Int]](repeating: [], count: 256)
        for (index, shape) in tokenShapes.enumerated() { table[Int(shape.prefix[0])].append(index) }
        return table
    }()

    /// Authorization schemes kept in front of a redacted credential: `Authorization: Bearer [REDACTED]`.
    static let authorizationSchemes: [[UInt8]] = ["bearer", "basic", "token", "digest", "bot", "negotiate", "apikey"]
        .map { Array($0.utf8) }
}

@inline(__always) func isAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
}

@inline(__always) func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}
