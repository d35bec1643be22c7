@testable import ShqPrivacy
import Testing

/// One example per row of `RedactorPatterns.positionalSecrets` (keyed by the row's first program) and a
/// line beside it that must stay: a row without an example fails the suite.
let positionalExamples: [(row: String, line: String, expected: String)] = [
    ("rabbitmqctl", "rabbitmqctl add_user deploy Rq82kLx9", "rabbitmqctl add_user deploy [REDACTED]"),
    ("rabbitmqctl", "sudo rabbitmqctl -n rabbit@mq1 change_password deploy 'Rq8 2kLx9'", "sudo rabbitmqctl -n rabbit@mq1 change_password deploy [REDACTED]"),
    ("wpa_passphrase", "wpa_passphrase HomeWifi Tq82kLx9wz > /etc/wpa_supplicant.conf", "wpa_passphrase HomeWifi [REDACTED] > /etc/wpa_supplicant.conf"),
    ("sqlplus", "sqlplus -S scott/Tg82kx@//db.acme.io:1521/ORCL @report.sql", "sqlplus -S scott/[REDACTED]@//db.acme.io:1521/ORCL @report.sql"),
    ("sqlplus", "sqlplus 'sys/Tg82kx@prod as sysdba'", "sqlplus 'sys/[REDACTED]@prod as sysdba'"),
    ("sqlplus", "sqlplus scott/Tg82kx", "sqlplus scott/[REDACTED]"),
    ("sqlplus", "sqlldr userid=scott/Tg82kx@prod control=load.ctl", "sqlldr userid=scott/[REDACTED]@prod control=load.ctl"),
    ("sqlplus", "rman target sys/Tg82kx@prod catalog rco/Vb19qz@cat", "rman target sys/[REDACTED]@prod catalog rco/[REDACTED]@cat"),
]

/// Lines of the same programs without a secret in them: stored as typed.
let positionalKeeps: [String] = [
    "rabbitmqctl list_users",
    "rabbitmqctl add_user deploy",
    "rabbitmqctl delete_user deploy",
    "rabbitmqctl add_vhost staging",
    "rabbitmqctl set_permissions -p staging deploy '.*' '.*' '.*'",
    "wpa_passphrase HomeWifi",
    "wpa_passphrase HomeWifi > /etc/wpa_supplicant.conf",
    "wpa_passphrase HomeWifi < pass.txt",
    "sqlplus /nolog @setup.sql",
    "sqlplus / as sysdba",
    "sqlplus scott@prod",
    "sqlplus \"$ORA_CONN\" @report.sql",
    "sqlldr control=load/data.ctl",
    "rman target /",
    "ls sqlplus/bin",
    "cp scripts/a.sql backup/a.sql",
    "man wpa_passphrase",
]

/// Program options whose name alone does not say they carry a secret (`RedactorPatterns.programOptions`,
/// keyed by `program option`): one example each, all rows covered.
let programOptionExamples: [(row: String, line: String, expected: String)] = [
    ("mysql -p", "mysql -u root -pHq82kx app", "mysql -u root -p[REDACTED] app"),
    ("sshpass -p", "sshpass -p Hq82kx ssh deploy@web1", "sshpass -p [REDACTED] ssh deploy@web1"),
    ("mongo -p", "mongosh -u admin -p Hq82kx mongodb://db1/app", "mongosh -u admin -p [REDACTED] mongodb://db1/app"),
    ("redis-cli -a", "redis-cli -h cache1 -a Hq82kx ping", "redis-cli -h cache1 -a [REDACTED] ping"),
    ("curl -u", "curl -u bob:Hq82kx https://x", "curl -u bob:[REDACTED] https://x"),
    ("curl -U", "curl -U proxy:Hq82kx https://x", "curl -U proxy:[REDACTED] https://x"),
    ("http -a", "http -a bob:Hq82kx GET https://x", "http -a bob:[REDACTED] GET https://x"),
    ("ssh-keygen -N", "ssh-keygen -t ed25519 -N Hq82kx -f k", "ssh-keygen -t ed25519 -N [REDACTED] -f k"),
    ("ssh-keygen -P", "ssh-keygen -p -P Hq82kx -N '' -f k", "ssh-keygen -p -P [REDACTED] -N '' -f k"),
    ("az -p", "az login -u me@acme.io -p Hq82kx", "az login -u me@acme.io -p [REDACTED]"),
    ("docker -p", "docker login -u bob -p Hq82kx ghcr.io", "docker login -u bob -p [REDACTED] ghcr.io"),
    ("helm -p", "helm registry login -u bob -p Hq82kx ghcr.io", "helm registry login -u bob -p [REDACTED] ghcr.io"),
    ("twine -p", "twine upload -u bob -p Hq82kx dist/*", "twine upload -u bob -p [REDACTED] dist/*"),
    ("doctl -t", "doctl auth init -t Hq82kx", "doctl auth init -t [REDACTED]"),
    ("gh -b", "gh secret set X -b Hq82kx", "gh secret set X -b [REDACTED]"),
    ("ldapsearch -w", "ldapsearch -x -w Hq82kx -b dc=acme", "ldapsearch -x -w [REDACTED] -b dc=acme"),
    ("zip -P", "unzip -P Hq82kx secret.zip", "unzip -P [REDACTED] secret.zip"),
    ("7z -p", "7z x -pHq82kx a.7z", "7z x -p[REDACTED] a.7z"),
    ("smbclient -U", "smbclient //fs/s -U bob%Hq82kx", "smbclient //fs/s -U bob%[REDACTED]"),
    ("curl -b", "curl -b 'sid=Hq82kx' https://x", "curl -b 'sid=[REDACTED]' https://x"),
    ("sqlcmd -P", "sqlcmd -S db -U sa -P Hq82kx", "sqlcmd -S db -U sa -P [REDACTED]"),
    ("gem --key", "gem push acme-1.0.gem --key Hq82kx", "gem push acme-1.0.gem --key [REDACTED]"),
]

/// The value of `--password` is a secret even for mysql, which would read it as a database name.
let passwordOptionExamples: [(String, String)] = [
    ("mysql -h db -u root --password Hq82kx -e 'show databases'", "mysql -h db -u root --password [REDACTED] -e 'show databases'"),
    ("mysql -u root --password mydb", "mysql -u root --password [REDACTED]"),
]

@Suite struct ProgramArgumentTests {
    @Test func everyPositionalRowHasAnExample() {
        let named = Set(positionalExamples.map(\.row))
        let rows = RedactorPatterns.positionalSecrets.map { String(decoding: $0.programs[0], as: UTF8.self) }
        #expect(rows.filter { !named.contains($0) }.isEmpty)
        #expect(RedactorPatterns.positionalSecrets.count <= 64, "rows are bits of a UInt64")
    }

    @Test func everyProgramOptionRowHasAnExample() {
        let named = Set(programOptionExamples.map(\.row))
        let rows = RedactorPatterns.programOptions.map {
            String(decoding: $0.programs[0], as: UTF8.self) + " " + String(decoding: $0.option, as: UTF8.self)
        }
        #expect(rows.filter { !named.contains($0) }.isEmpty, "rows without an example: \(rows.filter { !named.contains($0) })")
        #expect(RedactorPatterns.programOptions.count <= 64, "rows are bits of a UInt64")
    }

    @Test(arguments: positionalExamples)
    func redactsPositional(row: String, line: String, expected: String) {
        #expect(Redactor.redact(line) == expected)
    }

    @Test(arguments: positionalKeeps)
    func keepsArgumentsThatAreNotSecrets(line: String) {
        #expect(Redactor.redact(line) == line)
    }

    @Test(arguments: programOptionExamples)
    func redactsProgramOption(row: String, line: String, expected: String) {
        #expect(Redactor.redact(line) == expected)
    }

    @Test(arguments: passwordOptionExamples)
    func redactsPasswordOptionValue(line: String, expected: String) {
        #expect(Redactor.redact(line) == expected)
    }
}
