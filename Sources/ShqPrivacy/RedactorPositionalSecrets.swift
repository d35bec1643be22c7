/// Programs that take a password as a plain argument, with nothing before it to say so:
/// `rabbitmqctl add_user NAME PASSWORD`, `wpa_passphrase SSID PASSPHRASE`, `sqlplus user/PASSWORD@db`.
/// One row per program and subcommand path; the shell scan counts the arguments that are not options
/// after the program and its path, and redacts the one the row names.
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
        enum Position: Equatable {
            /// The Nth argument after the program and its path (1 is the first).
            case nth(Int)
            /// Every argument (`rman target sys/PW@db catalog rco/PW@cat`).
            case every
            /// The last argument of the command (`htpasswd -nb USER PASSWORD`, `openssl passwd -6 -salt S PASSWORD`).
            case last
        }
        let programs: [[UInt8]]
        /// Words that must follow the program, in order (options may come between), each step one of
        /// several spellings: `mc admin user add`, `rabbitmqctl add_user|change_password`.
        var path: [[[UInt8]]] = []
        let position: Position
        var form: Form = .whole
        /// A letter that must appear in a single-dash option for the row to apply (`htpasswd -b`: the
        /// password on the command line rather than prompted for).
        var flag: UInt8? = nil
    }

    static let positionalSecrets: [PositionalSecret] = [
        // RabbitMQ: `add_user NAME PASSWORD`, `change_password NAME PASSWORD`, `authenticate_user NAME PASSWORD`.
        PositionalSecret(programs: words("rabbitmqctl"), path: [words("add_user", "change_password", "authenticate_user")],
                         position: .nth(2)),
        // `wpa_passphrase SSID PASSPHRASE` (without it, the passphrase is read from stdin).
        PositionalSecret(programs: words("wpa_passphrase"), position: .nth(2)),
        // Oracle's tools log in with `user/password@service` as an argument.
        PositionalSecret(programs: words("sqlplus", "sqlldr", "expdp", "impdp", "rman", "dgmgrl", "tkprof"),
                         position: .every, form: .connectString),
        // `mysqladmin -u root password NEWPASSWORD`.
        PositionalSecret(programs: words("mysqladmin", "mariadb-admin"), path: [words("password")], position: .nth(1)),
        // `htpasswd -b FILE USER PASSWORD`, `htpasswd -nb USER PASSWORD`: the password comes last.
        PositionalSecret(programs: words("htpasswd"), position: .last, flag: UInt8(ascii: "b")),
        // `openssl passwd -6 PASSWORD` prints the hash of its last argument.
        PositionalSecret(programs: words("openssl"), path: [words("passwd")], position: .last),
        // `ansible-vault encrypt_string 'PASSWORD' --name x`.
        PositionalSecret(programs: words("ansible-vault"), path: [words("encrypt_string")], position: .nth(1)),
        // MinIO's client: `mc alias set ALIAS URL ACCESS SECRET`, `mc config host add ALIAS URL ACCESS SECRET`,
        // `mc admin user add ALIAS USER PASSWORD`.
        PositionalSecret(programs: words("mc", "mcli"), path: [words("alias"), words("set")], position: .nth(4)),
        PositionalSecret(programs: words("mc", "mcli"), path: [words("config"), words("host"), words("add")], position: .nth(4)),
        PositionalSecret(programs: words("mc", "mcli"), path: [words("admin"), words("user"), words("add")], position: .nth(3)),
        // unixODBC's `isql DSN USER PASSWORD`.
        PositionalSecret(programs: words("isql", "iusql"), position: .nth(3)),
        // Drupal's `drush user:password NAME PASSWORD`.
        PositionalSecret(programs: words("drush"), path: [words("user:password", "upwd", "user-password")], position: .nth(2)),
    ]

    /// `sqlldr userid=scott/PW@db`: the one `name=` a connect string may follow.
    static let connectStringKeys: [[UInt8]] = words("userid")

    static func words(_ words: String...) -> [[UInt8]] { words.map { Array($0.utf8) } }
}
