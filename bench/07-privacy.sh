#!/usr/bin/env bash
# Privacy: what redaction, exclusion, owner-only checks and forgetting cost. Prints a markdown section.
# Needs $SHQ_BIN (release build), hyperfine, python3, swiftc.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SHQ_BIN:?set SHQ_BIN}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
chmod 700 "$work"

echo "## Privacy"
echo
echo "Machine: $(nproc) vCPU. Binary: release build (static Swift runtime)."
echo

# 1. The redactor against Swift Regex, in process, on a synthetic history plus secret-bearing lines.
OUT_DIR="$work" python3 bench/gen_history.py 100000 >/dev/null
history="$work/bash_history_100000"
for i in $(seq 1 2000); do
  echo "export GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789 && mysql -uroot -phunter$i app"
  echo "curl -H 'Authorization: Bearer abc$i.def.ghi' https://bob:pw$i@api.example.com/v1?access_token=x$i"
done >> "$history"
swiftc -O -parse-as-library -o "$work/redactor-bench" bench/privacy/RedactorBench.swift Sources/ShqPrivacy/Redactor*.swift \
  Sources/ShqPrivacy/SecretName.swift 2>/dev/null
echo "### Redactor vs Swift Regex (in process)"
echo
echo '```'
echo "OUT_DIR=\$work python3 bench/gen_history.py 100000   # + 4000 secret-bearing lines"
echo "swiftc -O -parse-as-library bench/privacy/RedactorBench.swift Sources/ShqPrivacy/Redactor*.swift Sources/ShqPrivacy/SecretName.swift"
echo "redactor-bench \$work/bash_history_100000"
echo '```'
echo
"$work/redactor-bench" "$history"
echo

# 2. Per-command cost of the recording policy through `shq save` (-X skips exclusion and redaction).
export SHQ_DB="$work/save.db"
"$SHQ_BIN" save -c warmup
secret="export GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789 && mysql -uroot -phunter2 app"
echo "### Recording policy per command (\`shq save\`)"
echo
hyperfine -N --warmup 5 -r 60 --export-markdown "$work/save.md" \
  -n "save -X (verbatim)" "$SHQ_BIN save -X -c 'make -j4 all'" \
  -n "save (policy, nothing to redact)" "$SHQ_BIN save -c 'make -j4 all'" \
  -n "save (policy, secrets redacted)" "$SHQ_BIN save -c '$secret'" >/dev/null 2>&1
echo '```'
echo "hyperfine -N --warmup 5 -r 60 \"shq save -X -c 'make -j4 all'\" \"shq save -c 'make -j4 all'\" \"shq save -c '$secret'\""
echo '```'
echo
cat "$work/save.md"
echo

# 3. Output redaction throughput: 64 MiB of log-like text through `shq save`.
python3 - "$work/out.txt" <<'PY'
import sys, random
random.seed(1)
words = "GET POST /api/v1/users 200 404 took ms user=bob id= request done error retry cache hit miss".split()
with open(sys.argv[1], "w") as f:
    size = 0
    while size < 64 * 1024 * 1024:
        line = " ".join(random.choice(words) for _ in range(12))
        if random.random() < 0.01: line += " Authorization: Bearer abcdefghijklmnop token=secret123"
        f.write(line + "\n"); size += len(line) + 1
PY
echo "### Output redaction throughput (64 MiB of log lines, 1% with secrets)"
echo
hyperfine -N --warmup 1 -r 5 --export-markdown "$work/out.md" \
  -n "save, output verbatim" "$SHQ_BIN save -c log --stdout $work/out.txt" \
  -n "save --redact-output" "$SHQ_BIN save -c log --redact-output --stdout $work/out.txt" >/dev/null 2>&1
echo '```'
echo "hyperfine -N --warmup 1 -r 5 \"shq save -c log --stdout out.txt\" \"shq save -c log --redact-output --stdout out.txt\""
echo '```'
echo
cat "$work/out.md"
echo

# 4. Owner-only checks on open, and forgetting in a 100k-command store.
export SHQ_DB="$work/big.db"
"$SHQ_BIN" save -c seed
# Written as shq stores records (Schema.swift): 16-byte ids, the directory interned, source 2 = save.
sqlite3 "$SHQ_DB" "INSERT INTO dirs(path) VALUES ('/home/user/code') ON CONFLICT DO NOTHING;
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
  INSERT INTO invocation_rows(id, cmd, dir, source, started_at, status, exit_code)
  SELECT randomblob(16), 'make -j4 target' || i, (SELECT id FROM dirs WHERE path = '/home/user/code'), 2,
    1700000000000000 + i * 1000000, 'completed', 0 FROM n;
  PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
echo "### Forget and prune in a 100 000-command store ($(du -k "$SHQ_DB" | cut -f1) KiB)"
echo
hyperfine -N --warmup 3 -r 20 --export-markdown "$work/forget.md" \
  -n "history -n 1 (open + checks + read)" "$SHQ_BIN history -n 1" \
  -n "forget ~1 (delete + VACUUM + checkpoint)" "$SHQ_BIN forget ~1" >/dev/null 2>&1
echo '```'
echo "hyperfine -N --warmup 3 -r 20 \"shq history -n 1\" \"shq forget ~1\""
echo '```'
echo
cat "$work/forget.md"
echo
start=$(date +%s%N); "$SHQ_BIN" prune --older-than 1d >/dev/null; end=$(date +%s%N)
echo "\`shq prune --older-than 1d\` deleting the remaining ~100 000 rows: $(( (end - start) / 1000000 )) ms; file afterwards $(du -k "$SHQ_DB" | cut -f1) KiB."
