/// Programs that take a password as a plain argument, with nothing before it to say so:
/// `rabbitmqctl add_user NAME PASSWORD`, `wpa_passphrase SSID PASSPHRASE`, `sqlplus user/PASSWORD@db`.
/// One row per program family; the shell scan counts the arguments that are not options after the
/// program (or after one of its subcommands) and redacts the one the row names.
extension RedactorPatterns {
    struct PositionalSecret {
        enum Form {
            /// The whole argument is the secret.
            case whole
            /// An Oracle-style connect string `user/PASSWORD@service` (or `user/PASSWORD`, or
            /// `userid=user/PASSWORD@service`): what lies between the first `/` and the `@` after it.
            /// `/ as sysdba` and `/nolog` (nothing before the `/`) carry none.
            case connectString
        }
        let programs: [[UInt8]]
        /// When not empty, arguments are counted from one of these words after the program.
        var subcommands: [[UInt8]] = []
        /// The secret's place among the arguments that follow (1 is the first); nil: every argument is
        /// looked at (`rman target sys/PW@db catalog rco/PW@cat`).
        let position: Int?
        let form: Form
    }

    static let positionalSecrets: [PositionalSecret] = [
        // RabbitMQ: `add_user NAME PASSWORD`, `change_password NAME PASSWORD`, `authenticate_user NAME PASSWORD`.
        PositionalSecret(programs: bytes(["rabbitmqctl"]),
                         subcommands: bytes(["add_user", "change_password", "authenticate_user"]), position: 2, form: .whole),
        // `wpa_passphrase SSID PASSPHRASE` (without it, the passphrase is read from stdin).
        PositionalSecret(programs: bytes(["wpa_passphrase"]), position: 2, form: .whole),
        // Oracle's tools log in with `user/password@service` as an argument.
        PositionalSecret(programs: bytes(["sqlplus", "sqlldr", "expdp", "impdp", "rman", "dgmgrl", "tkprof"]),
                         position: nil, form: .connectString),
    ]

    /// `sqlldr userid=scott/PW@db`: the one `name=` a connect string may follow.
    static let connectStringKeys: [[UInt8]] = bytes(["userid"])

    private static func bytes(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }
}
