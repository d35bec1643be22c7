/// The tables the redactor works from: which names hold secrets, which programs take a password in a
/// short option, which words make the next one a secret. The credential formats found by shape alone
/// are in `TokenFormats`. Changing what is redacted means editing a table, not the scanners.
enum RedactorPatterns {
    /// The replacement for every redacted value.
    static let replacement: [UInt8] = Array("[REDACTED]".utf8)

    // MARK: Secret names (`NAME=value`, `--name value`, `Name: value` headers, `"name": "value"` JSON)

    /// Words that mark a name as secret wherever they appear in it (`PGPASSWORD`, `clientSecret`).
    static let secretSubstrings: [[UInt8]] = [
        "password", "passwd", "passphrase", "secret", "credential", "apikey", "privatekey", "accesskey",
        "secretkey", "sessionkey", "authtoken", "accesstoken", "refreshtoken", "authorization", "authkey",
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
        "account", "license", "auth", "storage", "service", "admin", "root", "subscription",
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
        "mask", "read", "forgot", "has", "is", "always",
    ].map { Array($0.utf8) }

    // MARK: Programs whose options carry secrets (their names alone do not say so)

    /// How a program takes a secret in one of its options.
    struct ProgramOption {
        enum Value {
            /// `-pVALUE` only (`mysql -p` alone prompts).
            case attachedOnly
            /// `-pVALUE` or `-p VALUE`.
            case attachedOrNext
            /// A long option: `--key=VALUE` or `--key VALUE`.
            case equalsOrNext
            /// `-k VALUE` only (`openssl -k PW`, where `-kfile` is another option).
            case nextOnly
        }
        /// Empty: any program (`… login -p PW`).
        let programs: [[UInt8]]
        /// The option with its dashes, e.g. `-p`, `--key`, or xfreerdp's `/p:`.
        let option: [UInt8]
        let value: Value
        /// `user:password` values: only what follows the first of these bytes is secret (`:`, smbclient's `%`).
        let afterColon: UInt8?
        /// Programs the row does not apply to (`gh auth login -p ssh`: the git protocol).
        var exceptPrograms: [[UInt8]] = []
        /// Words one of which must follow the program (`docker login -p`, not `docker run -p 8080:80`).
        var subcommands: [[UInt8]] = []
    }

    static let programOptions: [ProgramOption] = [
        // `mysql -p` alone prompts; `-pSECRET` carries the password. `-P` is the port.
        ProgramOption(programs: [
            "mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlcheck", "mysqlshow", "mysqlslap", "mysqlpump",
            "mariadb", "mariadb-dump", "mariadb-admin",
        ].map { Array($0.utf8) }, option: Array("-p".utf8), value: .attachedOnly, afterColon: nil),
        ProgramOption(programs: [Array("sshpass".utf8)], option: Array("-p".utf8), value: .attachedOrNext, afterColon: nil),
        ProgramOption(programs: ["mongo", "mongosh", "mongodump", "mongorestore"].map { Array($0.utf8) },
                    option: Array("-p".utf8), value: .attachedOrNext, afterColon: nil),
        ProgramOption(programs: [Array("redis-cli".utf8)], option: Array("-a".utf8), value: .attachedOrNext, afterColon: nil),
        ProgramOption(programs: ["curl"].map { Array($0.utf8) }, option: Array("-u".utf8), value: .attachedOrNext, afterColon: UInt8(ascii: ":")),
        ProgramOption(programs: ["curl"].map { Array($0.utf8) }, option: Array("-U".utf8), value: .attachedOrNext, afterColon: UInt8(ascii: ":")),
        ProgramOption(programs: ["http", "https", "xh"].map { Array($0.utf8) }, option: Array("-a".utf8), value: .attachedOrNext, afterColon: UInt8(ascii: ":")),
        ProgramOption(programs: [Array("ssh-keygen".utf8)], option: Array("-N".utf8), value: .attachedOrNext, afterColon: nil),
        ProgramOption(programs: [Array("ssh-keygen".utf8)], option: Array("-P".utf8), value: .attachedOrNext, afterColon: nil),
        // `az sql server create -u NAME -p PW` (and postgres, mysql); elsewhere az's `-p` can be a path.
        ProgramOption(programs: [Array("az".utf8)], option: Array("-p".utf8), value: .attachedOrNext, afterColon: nil,
                    subcommands: words("server", "flexible-server")),
        // `docker login -p PW`, `podman`, `helm registry`, `oc`, `cf`, `az`, `skopeo`, `buildah login -p PW`: after a
        // `login` word, `-p` is the password whatever the program (elsewhere docker's `-p` publishes a port).
        ProgramOption(programs: [], option: Array("-p".utf8), value: .attachedOrNext, afterColon: nil,
                      exceptPrograms: words("gh", "glab"), subcommands: words("login")),
        ProgramOption(programs: [Array("twine".utf8)], option: Array("-p".utf8), value: .attachedOrNext, afterColon: nil),
        // `doctl auth init -t TOKEN`.
        ProgramOption(programs: [Array("doctl".utf8)], option: Array("-t".utf8), value: .attachedOrNext, afterColon: nil,
                    subcommands: words("auth")),
        // `gh secret set NAME -b VALUE`.
        ProgramOption(programs: [Array("gh".utf8)], option: Array("-b".utf8), value: .attachedOrNext, afterColon: nil,
                    subcommands: words("secret")),
        // OpenLDAP's bind password.
        ProgramOption(programs: ["ldapsearch", "ldapadd", "ldapmodify", "ldapdelete", "ldapwhoami", "ldappasswd", "ldapmodrdn"]
                        .map { Array($0.utf8) }, option: Array("-w".utf8), value: .attachedOrNext, afterColon: nil),
        // Archive passwords: `zip -P pw`, `unzip -P pw`, `7z x -pPW` (`7z -p` alone prompts).
        ProgramOption(programs: ["zip", "unzip"].map { Array($0.utf8) }, option: Array("-P".utf8), value: .attachedOrNext, afterColon: nil),
        ProgramOption(programs: ["7z", "7za", "7zz", "unrar", "rar"].map { Array($0.utf8) }, option: Array("-p".utf8),
                    value: .attachedOnly, afterColon: nil),
        // `smbclient -U user%password`; curl's cookie data `-b 'name=VALUE'` (a file name has no `=`).
        ProgramOption(programs: ["smbclient", "rpcclient", "smbcacls"].map { Array($0.utf8) }, option: Array("-U".utf8),
                    value: .attachedOrNext, afterColon: UInt8(ascii: "%")),
        ProgramOption(programs: ["curl"].map { Array($0.utf8) }, option: Array("-b".utf8), value: .attachedOrNext,
                    afterColon: UInt8(ascii: "=")),
        // SQL Server tools, IPMI, MQTT clients.
        ProgramOption(programs: ["sqlcmd", "bcp", "ipmitool", "mosquitto_pub", "mosquitto_sub"].map { Array($0.utf8) },
                    option: Array("-P".utf8), value: .attachedOrNext, afterColon: nil),
        // `lftp -u user,PW`; Dell's `racadm -p PW`; net-snmp's `-A AUTHPASS -X PRIVPASS`.
        ProgramOption(programs: words("lftp"), option: Array("-u".utf8), value: .attachedOrNext, afterColon: UInt8(ascii: ",")),
        ProgramOption(programs: words("racadm"), option: Array("-p".utf8), value: .attachedOrNext, afterColon: nil),
        ProgramOption(programs: snmpTools, option: Array("-A".utf8), value: .attachedOrNext, afterColon: nil),
        ProgramOption(programs: snmpTools, option: Array("-X".utf8), value: .attachedOrNext, afterColon: nil),
        // `openssl enc -k PW`, `-K HEXKEY` (`-kfile FILE` names a file).
        ProgramOption(programs: words("openssl"), option: Array("-k".utf8), value: .nextOnly, afterColon: nil),
        ProgramOption(programs: words("openssl"), option: Array("-K".utf8), value: .nextOnly, afterColon: nil),
        // `ldappasswd -s NEWPW -a OLDPW`.
        ProgramOption(programs: words("ldappasswd"), option: Array("-s".utf8), value: .attachedOrNext, afterColon: nil),
        ProgramOption(programs: words("ldappasswd"), option: Array("-a".utf8), value: .attachedOrNext, afterColon: nil),
        // Remote desktops: `xfreerdp /p:PW`, `rdesktop -p PW`.
        ProgramOption(programs: words("xfreerdp", "xfreerdp3", "wlfreerdp", "sdl-freerdp", "sdl-freerdp3"), option: Array("/p:".utf8),
                      value: .attachedOnly, afterColon: nil),
        ProgramOption(programs: words("rdesktop"), option: Array("-p".utf8), value: .attachedOrNext, afterColon: nil),
        // `gem push --key NAME`: the name of an API key in ~/.gem/credentials; kept out all the same, as
        // users paste the key itself there too.
        ProgramOption(programs: [Array("gem".utf8)], option: Array("--key".utf8), value: .equalsOrNext, afterColon: nil),
    ]

    static let snmpTools = words("snmpwalk", "snmpget", "snmpgetnext", "snmpbulkwalk", "snmpbulkget", "snmpset", "snmptrap",
                                 "snmptable", "snmpdelta", "snmpstatus", "snmpdf", "snmpnetstat", "snmpusm", "snmpvacm")

    /// Words after which a bare secret name is followed by its value: `aws configure set
    /// aws_secret_access_key VALUE`, `git config user.password VALUE`, `nmcli … password VALUE`.
    static let setterWords: [[UInt8]] = ["set", "config", "configure", "nmcli"].map { Array($0.utf8) }

    /// Words that make the command one that handles secrets: `kubectl create secret`, `gh secret set`,
    /// `fly secrets set`.
    static let secretNouns: [[UInt8]] = ["secret", "secrets"].map { Array($0.utf8) }

    /// Options whose value is a secret when the command handles secrets (`secretNouns`); with a separator,
    /// only what follows it (`--from-literal=key=VALUE`).
    static let secretContextOptions: [(name: [UInt8], separator: UInt8?)] = [
        (Array("--from-literal".utf8), UInt8(ascii: "=")),
        (Array("--body".utf8), nil),
    ]

    /// Long options whose `user:password` value is secret after the colon (their names are not secret):
    /// curl's, wget's, skopeo's `--creds`, `--src-creds`, `--dest-creds`.
    static let userPasswordOptions: [[UInt8]] = ["--user", "--proxy-user", "--creds", "--src-creds", "--dest-creds"]
        .map { Array($0.utf8) }

    /// URL query parameters that carry a signature or key whatever surrounds them: Azure SAS `sig`,
    /// S3 and GCS presigned URLs. Matched without regard to case.
    static let secretQueryParameters: [[UInt8]] = ["sig", "signature", "x-amz-signature", "x-goog-signature", "x-amz-security-token"]
        .map { Array($0.utf8) }

    /// Values that say where a secret is, not what it is: OpenSSL's `env:VAR`, `file:PATH`, `fd:N`,
    /// `stdin`, Docker BuildKit's `--secret id=NAME,src=PATH`.
    static let referencePrefixes: [[UInt8]] = ["env:", "file:", "fd:", "stdin", "id="].map { Array($0.utf8) }

    /// A value that is a path ending in one of these is a key or credentials file, not its content
    /// (`GOOGLE_APPLICATION_CREDENTIALS=~/keys/sa.json`).
    static let credentialFileExtensions: [[UInt8]] = [
        "json", "pem", "key", "txt", "p12", "pfx", "crt", "cer", "jks", "keystore", "yaml", "yml", "env", "gpg", "asc",
        "age", "enc", "ini", "cfg", "conf", "toml", "kdbx", "ovpn", "pub",
    ].map { Array($0.utf8) }

    // MARK: Token formats: see `TokenFormats` (RedactorTokenFormats.swift)

    /// SQL words after which a string literal is a password: `… WITH PASSWORD 'x'`, `IDENTIFIED BY 'x'`.
    static let sqlPasswordPhrases: [[UInt8]] = words("password", "identified by")

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
