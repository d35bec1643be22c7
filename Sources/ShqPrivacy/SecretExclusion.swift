import ShqSystem

/// Commands too secret-prone to store at all: their arguments or their output are the secret (`pass
/// show`, `vault kv get`, `cat id_rsa`). Patterns are shell globs matched against the whole command line
/// by `GlobPattern`, the same matcher as the ignore rules (`*` crosses `/`), the defaults below plus the user's:
/// `SHQ_SECRET_EXCLUDE` (colon-separated) and `secret_exclude = …` in the config file.
public struct SecretExclusion: Sendable {
    public static let defaultPatterns: [String] = [
        // Password managers and secret stores printing a secret.
        "pass show*", "pass otp*", "gopass show*", "gopass otp*", "gopass cat*",
        "op read*", "op item get*", "op signin*", "bw get*", "bw unlock*", "lpass show*",
        "vault read*", "vault kv get*", "vault login*", "vault token create*",
        "aws secretsmanager get-secret-value*", "aws ssm get-parameter*--with-decryption*",
        "gcloud secrets versions access*", "az keyvault secret show*",
        "kubectl get secret*-o*", "security find-*-password*",
        // Decrypting.
        "gpg -d*", "gpg --decrypt*", "gpg *--decrypt*", "age -d*", "age --decrypt*", "sops -d*", "sops --decrypt*",
        "openssl enc *-d*", "ansible-vault view*", "ansible-vault decrypt*",
        // Printing key and credential files.
        "cat *id_rsa*", "cat *id_ed25519*", "cat *id_ecdsa*", "cat *.pem", "cat *.key", "cat *.env", "cat *.netrc",
        "cat *credentials*", "cat *.pgpass",
        // Secrets typed on the command line in a form the redactor cannot locate.
        "htpasswd *-b*", "*--password-stdin*", "echo * | docker login*", "echo * | sudo -S*", "echo * | sudo --stdin*",
        "echo * | *chpasswd*", "printf * | *chpasswd*",
        // The whole environment, tokens included.
        "env", "printenv", "printenv *TOKEN*", "printenv *SECRET*", "printenv *PASSWORD*", "printenv *KEY*",
    ]

    public let patterns: [String]
    private let globs: [GlobPattern]
    /// Each glob's `leadingASCIIByte`.
    private let leadingBytes: [UInt8?]

    public init(patterns: [String]) {
        self.patterns = patterns
        self.globs = patterns.map { GlobPattern($0) }
        self.leadingBytes = globs.map(\.leadingASCIIByte)
    }

    /// The defaults plus the user's patterns (`ResolvedSettings.secretExclude`).
    public static let current = SecretExclusion(patterns: defaultPatterns + ResolvedSettings.current.secretExclude)

    /// The first pattern matching the whole command line, if any. Patterns starting with a literal
    /// character other than the line's first are skipped without matching: most defaults start with a
    /// program's name, and matching all of them against every imported command was ~10% of the import's
    /// preparing threads (1M zsh-histdb commands, Docs/queries.md).
    public func match(_ command: [UInt8]) -> String? {
        var subject: GlobPattern.Subject?
        for (glob, leading) in zip(globs, leadingBytes) {
            if let leading, leading != command.first { continue }
            let decoded = subject ?? GlobPattern.Subject(command)
            subject = decoded
            if glob.matches(decoded) { return String(decoding: glob.source, as: UTF8.self) }
        }
        return nil
    }

    /// `match` without the leading-byte filter, for tests.
    func matchTryingEveryPattern(_ command: [UInt8]) -> String? {
        let subject = GlobPattern.Subject(command)
        return globs.first { $0.matches(subject) }.map { String(decoding: $0.source, as: UTF8.self) }
    }
}
