import ShqPrivacy
import Testing

/// Lines that must be redacted, each with the exact expected result.
let mustRedact: [(String, String)] = [
    // NAME=value with a secret NAME
    ("export GITHUB_TOKEN=ghx1234567890", "export GITHUB_TOKEN=[REDACTED]"),
    ("MYSQL_PWD=hunter2 mysql -u root", "MYSQL_PWD=[REDACTED] mysql -u root"),
    ("PGPASSWORD=s3cret psql -h db -U app", "PGPASSWORD=[REDACTED] psql -h db -U app"),
    ("export AWS_SECRET_ACCESS_KEY='wJalr XUtnFEMI'", "export AWS_SECRET_ACCESS_KEY=[REDACTED]"),
    ("export API_KEY=\"abc def\" && make", "export API_KEY=[REDACTED] && make"),
    ("DB_PASSWORD=pw1 DB_USER=app ./run.sh", "DB_PASSWORD=[REDACTED] DB_USER=app ./run.sh"),
    ("docker run -e POSTGRES_PASSWORD=example postgres", "docker run -e POSTGRES_PASSWORD=[REDACTED] postgres"),
    ("docker build --build-arg NPM_TOKEN=abc123 .", "docker build --build-arg NPM_TOKEN=[REDACTED] ."),
    ("export client_secret=xyz", "export client_secret=[REDACTED]"),
    ("export clientSecret=xyz", "export clientSecret=[REDACTED]"),
    ("SSHPASS=pw sshpass -e ssh host", "SSHPASS=[REDACTED] sshpass -e ssh host"),
    ("export STRIPE_API_KEY=foo", "export STRIPE_API_KEY=[REDACTED]"),
    ("export PRIVATE_KEY=abcdef", "export PRIVATE_KEY=[REDACTED]"),
    ("SESSION_KEY=abc ./app", "SESSION_KEY=[REDACTED] ./app"),
    ("export AZURE_STORAGE_KEY=abc==", "export AZURE_STORAGE_KEY=[REDACTED]"),
    ("export SLACK_WEBHOOK_SECRET=abc", "export SLACK_WEBHOOK_SECRET=[REDACTED]"),
    ("export VAULT_TOKEN=s.abcdef", "export VAULT_TOKEN=[REDACTED]"),
    ("export MY_CREDENTIALS=a:b", "export MY_CREDENTIALS=[REDACTED]"),
    ("export GPG_PASSPHRASE=correct-horse", "export GPG_PASSPHRASE=[REDACTED]"),
    ("bash -c \"export TOKEN=abc; ./deploy\"", "bash -c \"export TOKEN=[REDACTED]; ./deploy\""),
    ("curl -d \"password=hunter2&user=bob\" https://x", "curl -d \"password=[REDACTED]&user=bob\" https://x"),
    ("curl 'https://api.example.com/v1?access_token=abc123&page=2'", "curl 'https://api.example.com/v1?access_token=[REDACTED]&page=2'"),
    ("npm config set //registry.npmjs.org/:_authToken=abcdef", "npm config set //registry.npmjs.org/:_authToken=[REDACTED]"),
    ("git config --global github.token=abc", "git config --global github.token=[REDACTED]"),
    // Options
    ("mytool --password hunter2 --user bob", "mytool --password [REDACTED] --user bob"),
    ("mytool --password=hunter2", "mytool --password=[REDACTED]"),
    ("gh auth login --token abc123", "gh auth login --token [REDACTED]"),
    ("tool --api-key=AbC123 run", "tool --api-key=[REDACTED] run"),
    ("tool --client-secret 'a b c' --client-id 42", "tool --client-secret [REDACTED] --client-id 42"),
    ("vault-cli --auth-token xyz", "vault-cli --auth-token [REDACTED]"),
    ("wget --http-password=pw https://x/f", "wget --http-password=[REDACTED] https://x/f"),
    ("tool --secret=\"x y\"", "tool --secret=[REDACTED]"),
    ("tool --passphrase pass1234", "tool --passphrase [REDACTED]"),
    ("psql \"--password=abc\"", "psql \"--password=[REDACTED]\""),
    // Program-specific short options
    ("mysql -u root -phunter2 mydb", "mysql -u root -p[REDACTED] mydb"),
    ("mysqldump -uroot -p'pa ss' db > db.sql", "mysqldump -uroot -p[REDACTED] db > db.sql"),
    ("/usr/bin/mariadb -psecret", "/usr/bin/mariadb -p[REDACTED]"),
    ("sshpass -p hunter2 ssh user@host", "sshpass -p [REDACTED] ssh user@host"),
    ("curl -u admin:hunter2 https://x", "curl -u admin:[REDACTED] https://x"),
    ("curl --user admin:hunter2 https://x", "curl --user admin:[REDACTED] https://x"),
    ("redis-cli -a hunter2 ping", "redis-cli -a [REDACTED] ping"),
    ("docker login -u bob -p hunter2 registry.example.com", "docker login -u bob -p [REDACTED] registry.example.com"),
    ("podman login -phunter2 quay.io", "podman login -p[REDACTED] quay.io"),
    ("openssl enc -aes256 -pass pass:hunter2 -in f", "openssl enc -aes256 -pass pass:[REDACTED] -in f"),
    ("keytool -list -storepass changeit -keystore ks.jks", "keytool -list -storepass [REDACTED] -keystore ks.jks"),
    ("ssh-keygen -p -f ~/.ssh/id_ed25519 -P oldpass -N newpass", "ssh-keygen -p -f ~/.ssh/id_ed25519 -P [REDACTED] -N [REDACTED]"),
    ("az login -u me@example.com -p hunter2", "az login -u me@example.com -p [REDACTED]"),
    ("aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG", "aws configure set aws_secret_access_key [REDACTED]"),
    ("git config --global user.password hunter2", "git config --global user.password [REDACTED]"),
    ("nmcli dev wifi connect MyNet password hunter2", "nmcli dev wifi connect MyNet password [REDACTED]"),
    ("helm install x --set auth.password=hunter2 --set image.tag=1.2", "helm install x --set auth.password=[REDACTED] --set image.tag=1.2"),
    ("terraform apply -var 'db_password=hunter2' -var region=eu", "terraform apply -var 'db_password=[REDACTED]' -var region=eu"),
    ("pg_dump \"postgresql://user:pa%40ss@host/db\" > dump.sql", "pg_dump \"postgresql://user:[REDACTED]@host/db\" > dump.sql"),
    // Authorization headers and JSON
    ("curl -H \"Authorization: Bearer abc.def.ghi\" https://x", "curl -H \"Authorization: Bearer [REDACTED]\" https://x"),
    ("curl -H 'Authorization: Basic dXNlcjpwYXNz' https://x", "curl -H 'Authorization: Basic [REDACTED]' https://x"),
    ("curl -H 'X-Api-Key: abc123' https://x", "curl -H 'X-Api-Key: [REDACTED]' https://x"),
    ("curl -H \"PRIVATE-TOKEN: abc\" https://gitlab", "curl -H \"PRIVATE-TOKEN: [REDACTED]\" https://gitlab"),
    ("curl -d '{\"user\":\"bob\",\"password\":\"hunter2\"}' https://x", "curl -d '{\"user\":\"bob\",\"password\":\"[REDACTED]\"}' https://x"),
    ("http GET x Authorization:\"Bearer abcdefghijk\"", "http GET x Authorization:\"Bearer [REDACTED]\""),
    // Credentials in URLs
    ("git clone https://bob:hunter2@github.com/x/y.git", "git clone https://bob:[REDACTED]@github.com/x/y.git"),
    ("psql postgres://app:s3cret@db:5432/app", "psql postgres://app:[REDACTED]@db:5432/app"),
    ("redis-cli -u redis://default:pw@localhost:6379", "redis-cli -u redis://default:[REDACTED]@localhost:6379"),
    ("pip install --index-url https://u:tok@pypi.example.com/simple pkg", "pip install --index-url https://u:[REDACTED]@pypi.example.com/simple pkg"),
    // Token shapes
    ("git push https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x/y", "git push https://[REDACTED]@github.com/x/y"),
    ("echo github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "echo [REDACTED]"),
    ("glab auth login -t glpat-abcdefghij0123456789", "glab auth login -t [REDACTED]"),
    ("curl -F token=xoxb-123456789012-abcdefghij https://slack.com/api", "curl -F token=[REDACTED] https://slack.com/api"),
    ("aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE", "aws configure set aws_access_key_id [REDACTED]"),
    ("openai api --key sk-proj-abcdefghijklmnop1234567890", "openai api --key [REDACTED]"),
    ("claude --api sk-ant-api03-abcdefghijklmnop1234567890", "claude --api [REDACTED]"),
    ("stripe login --key sk_live_abcdefghij0123456789", "stripe login --key [REDACTED]"),
    ("echo AIzaSyA1234567890abcdefghijklmnopqrstuv | xclip", "echo [REDACTED] | xclip"),
    ("echo npm_abcdefghijklmnopqrstuvwxyz0123456789 > .npmrc", "echo [REDACTED] > .npmrc"),
    ("huggingface-cli login hf_abcdefghijklmnopqrstuvwxyzABCDEF", "huggingface-cli login [REDACTED]"),
    ("echo Bearer abcdefghijklmnop", "echo Bearer [REDACTED]"),
    ("echo '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----' > k", "echo '-----BEGIN RSA PRIVATE KEY-----\n[REDACTED]\n-----END RSA PRIVATE KEY-----' > k"),
]

/// Lines that must be stored exactly as they are.
let mustKeep: [String] = [
    "mkdir -p x",
    "psql -p 5432 -U postgres",
    "cargo test tokenizer",
    "git commit -m \"fix token refresh\"",
    "ls -la",
    "ssh -p 2222 user@host",
    "mysql -h db -P 3306 -u root -p",
    "mysql -u root --password mydb",
    "docker run -p 8080:80 nginx",
    "tar -czpf backup.tgz dir",
    "TOKENIZERS_PARALLELISM=false python train.py",
    "PASSWORD_STORE_DIR=~/.pw pass ls",
    "docker secret create db_password ./pw.txt",
    "grep -ri password src/",
    "grep -i \"api_key\" config.yml",
    "man passwd",
    "passwd",
    "echo $GITHUB_TOKEN",
    "export GITHUB_TOKEN=$(gh auth token)",
    "export TOKEN=\"$(pass show api)\"",
    "curl -H \"Authorization: Bearer $TOKEN\" https://x",
    "export PWD=/tmp",
    "cd $OLDPWD",
    "git clone git@github.com:apple/swift.git",
    "git clone https://github.com/apple/swift.git",
    "curl https://example.com/path?page=2&sort=asc",
    "ssh user@host",
    "rsync -avz ./ user@host:/srv/",
    "scp file user@host:/tmp",
    "kubectl get pods -n kube-system",
    "kubectl create secret generic db --from-file=password.txt",
    "docker login --password-stdin -u bob",
    "ansible-playbook site.yml --ask-become-pass",
    "psql --no-password -h db",
    "tool --password-file=/run/secrets/pw",
    "tool --token-file ~/.token",
    "export POSTGRES_PASSWORD_FILE=/run/secrets/pg",
    "export AUTH_TYPE=oauth",
    "curl -u admin https://x",
    "npm install --save-dev typescript",
    "pip install scikit-learn",
    "pip install sk-video",
    "python -m tokenize file.py",
    "echo 'the key is in the drawer'",
    "git log --author=bob",
    "find . -name '*.key' -delete",
    "openssl genrsa -out key.pem 4096",
    "openssl rsa -in key.pem -passin env:KEY_PASS -pubout",
    "ssh-keygen -t ed25519 -C me@example.com",
    "echo -----BEGIN CERTIFICATE-----",
    "make -j4 PREFIX=/usr/local",
    "CC=clang CFLAGS=-O2 make",
    "git config --global user.email me@example.com",
    "echo Bearer",
    "sed -i 's/secret/public/' file",
    "vim ~/.ssh/config",
    "cat README.md | grep token",
    "awk -F: '{print $1}' /etc/passwd",
    "echo \"token: $T\"",
    "curl -H 'Accept: application/json' https://x",
    "ls sk-abc",
    "history | grep AKIA",
    "export EDITOR=vim",
    "env | sort",
    "gh auth login -p ssh",
    "git push --set-upstream origin feature/token-refresh",
    "git config --global credential.helper store",
    "make test TEST_ARGS=--token-only",
    "PASSWORD= make",
    "echo ${API_KEY:-default}",
    "openssl rsa -in k.pem -passin file:pw.txt",
    "ssh-keygen -t rsa -b 4096",
    "az group list -o table",
    "passwd bob",
    "docker run -p 5432:5432 -e POSTGRES_USER=app postgres",
]

@Suite struct RedactionTableTests {
    @Test func tableIsLargeEnough() {
        #expect(mustRedact.count >= 60)
        #expect(mustKeep.count >= 60)
    }

    @Test(arguments: mustRedact)
    func redacts(line: String, expected: String) {
        #expect(Redactor.redact(line) == expected)
    }

    @Test(arguments: mustKeep)
    func keeps(line: String) {
        #expect(Redactor.redact(line) == line)
    }

    @Test(arguments: mustRedact.map(\.0) + mustKeep)
    func isIdempotent(line: String) {
        let once = Redactor.redact(line)
        #expect(Redactor.redact(once) == once)
    }
}
