@testable import ShqPrivacy
import Testing

/// One example per row of `RedactorPatterns.positionalSecrets` (keyed by the row's first program) and a
/// line beside it that must stay: a row without an example fails the suite.
let positionalExamples: [(row: String, line: String, expected: String)] = [
    ("rabbitmqctl add_user", "rabbitmqctl add_user deploy Rq82kLx9", "rabbitmqctl add_user deploy [REDACTED]"),
    ("rabbitmqctl add_user", "sudo rabbitmqctl -n rabbit@mq1 change_password deploy 'Rq8 2kLx9'", "sudo rabbitmqctl -n rabbit@mq1 change_password deploy [REDACTED]"),
    ("wpa_passphrase", "wpa_passphrase HomeWifi Tq82kLx9wz > /etc/wpa_supplicant.conf", "wpa_passphrase HomeWifi [REDACTED] > /etc/wpa_supplicant.conf"),
    ("sqlplus", "sqlplus -S scott/Tg82kx@//db.acme.io:1521/ORCL @report.sql", "sqlplus -S scott/[REDACTED]@//db.acme.io:1521/ORCL @report.sql"),
    ("sqlplus", "sqlplus 'sys/Tg82kx@prod as sysdba'", "sqlplus 'sys/[REDACTED]@prod as sysdba'"),
    ("sqlplus", "sqlplus scott/Tg82kx", "sqlplus scott/[REDACTED]"),
    ("sqlplus", "sqlldr userid=scott/Tg82kx@prod control=load.ctl", "sqlldr userid=scott/[REDACTED]@prod control=load.ctl"),
    ("sqlplus", "rman target sys/Tg82kx@prod catalog rco/Vb19qz@cat", "rman target sys/[REDACTED]@prod catalog rco/[REDACTED]@cat"),
    ("mysqladmin password", "mysqladmin -u root -pOld82k password Nw82kq", "mysqladmin -u root -p[REDACTED] password [REDACTED]"),
    ("htpasswd", "htpasswd -nbB admin Hq82kx", "htpasswd -nbB admin [REDACTED]"),
    ("htpasswd", "htpasswd -b -c /etc/nginx/.htpasswd admin Hq82kx && nginx -s reload", "htpasswd -b -c /etc/nginx/.htpasswd admin [REDACTED] && nginx -s reload"),
    ("openssl passwd", "usermod -p \"$(openssl passwd -6 -salt Qz Hq82kx)\" alice", "usermod -p \"$(openssl passwd -6 -salt Qz [REDACTED])\" alice"),
    ("ansible-vault encrypt_string", "ansible-vault encrypt_string 'Hq82kx' --name db_password", "ansible-vault encrypt_string [REDACTED] --name db_password"),
    // The word after a long option without `=` is its value, not counted.
    ("ansible-vault encrypt_string", "ansible-vault encrypt_string --vault-id prod@prompt Hq82kx --name x", "ansible-vault encrypt_string --vault-id prod@prompt [REDACTED] --name x"),
    ("mc alias set", "mc alias set prod https://minio.acme.io minioadmin Hq82kxLq", "mc alias set prod https://minio.acme.io minioadmin [REDACTED]"),
    ("mc config host add", "mc config host add prod https://minio.acme.io minioadmin Hq82kxLq", "mc config host add prod https://minio.acme.io minioadmin [REDACTED]"),
    ("mc admin user add", "mc admin user add prod alice Hq82kxLq", "mc admin user add prod alice [REDACTED]"),
    ("isql", "isql -v AcmeDSN report Hq82kx", "isql -v AcmeDSN report [REDACTED]"),
    ("drush user:password", "drush user:password admin 'Hq82kx'", "drush user:password admin [REDACTED]"),
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
    "mysqladmin -u root -p status",
    "mysqladmin -u root -p password",
    "htpasswd -c /etc/nginx/.htpasswd admin",
    "htpasswd -D /etc/nginx/.htpasswd admin",
    "openssl passwd -6 -stdin < pw.txt",
    "ansible-vault encrypt_string --stdin-name db_password",
    "mc alias list",
    "mc alias set prod https://minio.acme.io",
    "mc admin user list prod",
    "mc cp file.txt prod/bucket/",
    "isql -v AcmeDSN",
    "drush user:login admin",
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
    ("az -p", "az sql server create -n acme -g rg -u sqladmin -p Hq82kx", "az sql server create -n acme -g rg -u sqladmin -p [REDACTED]"),
    ("* -p", "docker login -u bob -p Hq82kx ghcr.io", "docker login -u bob -p [REDACTED] ghcr.io"),
    ("* -p", "cf login -a https://api.sys.acme.io -u deploy -p Hq82kx", "cf login -a https://api.sys.acme.io -u deploy -p [REDACTED]"),
    ("* -p", "helm registry login -u bob -p Hq82kx ghcr.io", "helm registry login -u bob -p [REDACTED] ghcr.io"),
    ("twine -p", "twine upload -u bob -p Hq82kx dist/*", "twine upload -u bob -p [REDACTED] dist/*"),
    ("doctl -t", "doctl auth init -t Hq82kx", "doctl auth init -t [REDACTED]"),
    ("gh -b", "gh secret set X -b Hq82kx", "gh secret set X -b [REDACTED]"),
    ("ldapsearch -w", "ldapsearch -x -w Hq82kx -b dc=acme", "ldapsearch -x -w [REDACTED] -b dc=acme"),
    ("zip -P", "unzip -P Hq82kx secret.zip", "unzip -P [REDACTED] secret.zip"),
    ("7z -p", "7z x -pHq82kx a.7z", "7z x -p[REDACTED] a.7z"),
    ("smbclient -U", "smbclient //fs/s -U bob%Hq82kx", "smbclient //fs/s -U bob%[REDACTED]"),
    ("curl -b", "curl -b 'sid=Hq82kx' https://x", "curl -b 'sid=[REDACTED]' https://x"),
    ("sqlcmd -P", "sqlcmd -S db -U sa -P Hq82kx", "sqlcmd -S db -U sa -P [REDACTED]"),
    ("lftp -u", "lftp -u deploy,Hq82kx sftp://files.acme.io", "lftp -u deploy,[REDACTED] sftp://files.acme.io"),
    ("racadm -p", "racadm -r 10.0.0.20 -u root -p Hq82kx getsysinfo", "racadm -r 10.0.0.20 -u root -p [REDACTED] getsysinfo"),
    ("snmpwalk -A", "snmpget -v3 -l authNoPriv -u mon -a SHA -A Hq82kx 10.0.0.1 sysName.0", "snmpget -v3 -l authNoPriv -u mon -a SHA -A [REDACTED] 10.0.0.1 sysName.0"),
    ("snmpwalk -X", "snmpwalk -v3 -l authPriv -u mon -A Hq82kx -x AES -X Pv82kq 10.0.0.1", "snmpwalk -v3 -l authPriv -u mon -A [REDACTED] -x AES -X [REDACTED] 10.0.0.1"),
    ("openssl -k", "openssl enc -aes-256-cbc -pbkdf2 -k Hq82kx -in f -out f.enc", "openssl enc -aes-256-cbc -pbkdf2 -k [REDACTED] -in f -out f.enc"),
    ("openssl -K", "openssl enc -aes-128-cbc -K 00112233445566778899aabbccddeeff -iv 0f0e -in f", "openssl enc -aes-128-cbc -K [REDACTED] -iv 0f0e -in f"),
    ("ldappasswd -s", "ldappasswd -x -D cn=admin -W -s Hq82kx uid=alice", "ldappasswd -x -D cn=admin -W -s [REDACTED] uid=alice"),
    ("ldappasswd -a", "ldappasswd -x -D uid=alice -a Old82k -s Hq82kx", "ldappasswd -x -D uid=alice -a [REDACTED] -s [REDACTED]"),
    ("xfreerdp /p:", "xfreerdp /u:Administrator /p:Hq82kx /v:win01", "xfreerdp /u:Administrator /p:[REDACTED] /v:win01"),
    ("rdesktop -p", "rdesktop -u admin -p Hq82kx win01", "rdesktop -u admin -p [REDACTED] win01"),
    ("gem --key", "gem push acme-1.0.gem --key Hq82kx", "gem push acme-1.0.gem --key [REDACTED]"),
]

/// Lines where the same options carry no secret.
let programOptionKeeps: [String] = [
    "docker run -p 8080:80 nginx",
    "docker compose -p acme up -d",
    "az storage fs file create -p dir/file.txt -f fs",
    "openssl enc -d -aes-256-cbc -kfile key.txt -in f.enc",
    "snmpwalk -v2c -c public 10.0.0.1 -On",
    "xfreerdp /u:Administrator /v:win01 /dynamic-resolution",
    "lftp -u deploy sftp://files.acme.io",
    "ssh -p 2222 login@host",
]

/// The value of `--password` is a secret even for mysql, which would read it as a database name.
let passwordOptionExamples: [(String, String)] = [
    ("mysql -h db -u root --password Hq82kx -e 'show databases'", "mysql -h db -u root --password [REDACTED] -e 'show databases'"),
    ("mysql -u root --password mydb", "mysql -u root --password [REDACTED]"),
]

@Suite struct ProgramArgumentTests {
    @Test func everyPositionalRowHasAnExample() {
        let named = Set(positionalExamples.map(\.row))
        let rows = RedactorPatterns.positionalSecrets.map { row in
            ([row.programs[0]] + row.path.map { $0[0] }).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        }
        #expect(rows.filter { !named.contains($0) }.isEmpty, "rows without an example: \(rows.filter { !named.contains($0) })")
        #expect(RedactorPatterns.positionalSecrets.count <= 16, "rows are 4-bit fields of a UInt64")
        #expect(RedactorPatterns.positionalSecrets.allSatisfy { $0.path.count <= 13 }, "progress is 4 bits")
    }

    @Test func everyProgramOptionRowHasAnExample() {
        let named = Set(programOptionExamples.map(\.row))
        let rows = RedactorPatterns.programOptions.map {
            ($0.programs.first.map { String(decoding: $0, as: UTF8.self) } ?? "*") + " " + String(decoding: $0.option, as: UTF8.self)
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

    @Test(arguments: programOptionKeeps)
    func keepsOptionsThatAreNotSecrets(line: String) {
        #expect(Redactor.redact(line) == line)
    }

    @Test(arguments: passwordOptionExamples)
    func redactsPasswordOptionValue(line: String, expected: String) {
        #expect(Redactor.redact(line) == expected)
    }
}

/// SQL setting a password inside a command line (`RedactorPatterns.sqlPasswordPhrases`).
@Suite struct SQLPasswordTests {
    @Test(arguments: [
        ("psql -c \"ALTER USER app WITH PASSWORD 'Hq82kx'\"", "psql -c \"ALTER USER app WITH PASSWORD '[REDACTED]'\""),
        ("mysql -e \"CREATE USER 'app'@'%' IDENTIFIED BY 'Hq82kx'\"", "mysql -e \"CREATE USER 'app'@'%' IDENTIFIED BY '[REDACTED]'\""),
        ("echo \"create role ro login password  'Hq82kx';\" | psql", "echo \"create role ro login password  '[REDACTED]';\" | psql"),
    ])
    func redactsLiteral(line: String, expected: String) {
        #expect(Redactor.redact(line) == expected)
    }

    @Test(arguments: [
        "psql -c \"ALTER USER app WITH PASSWORD NULL\"",
        "mysql -e \"ALTER USER 'app'@'%' IDENTIFIED WITH auth_socket\"",
        "git commit -m 'reset password flow'",
        "psql -c \"select * from users where password_hash = ''\"",
    ])
    func keepsOtherSQL(line: String) {
        #expect(Redactor.redact(line) == line)
    }
}
