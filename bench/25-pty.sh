#!/usr/bin/env bash
# `shq run --pty` against plain `shq run` and the bare command, all inside one pseudo-terminal that a
# small Python "terminal emulator" drains: start-up cost of a tiny command, and output throughput.
set -euo pipefail
: "${SHQ_BIN:?}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export SHQ_DB="$work/history.db"
seq 1 6000000 > "$work/lines.txt"   # ~47 MB of short lines, the worst case for per-chunk costs
bytes=$(stat -c %s "$work/lines.txt")
"$SHQ_BIN" save -c warmup </dev/null

python3 - "$SHQ_BIN" "$work" > "$work/results.md" <<'PY'
import os, pty, sys, time, statistics, select, json

shq, work = sys.argv[1], sys.argv[2]
lines = os.path.join(work, "lines.txt")
cases = [
    ("startup", "true", ["true"], 100),
    ("startup", "shq run true", [shq, "run", "true"], 100),
    ("startup", "shq run --pty true", [shq, "run", "--pty", "true"], 100),
    ("throughput", "cat lines.txt", ["cat", lines], 7),
    ("throughput", "shq run cat lines.txt", [shq, "run", "cat", lines], 7),
    ("throughput", "shq run --pty cat lines.txt", [shq, "run", "--pty", "cat", lines], 7),
]

def timed(argv):
    """Runs argv as the foreground job of a fresh terminal (pty.fork: new session, the slave as
    controlling terminal on fds 0-2) and drains its output like a terminal emulator."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    while True:
        try:
            if not os.read(fd, 1 << 16):
                break
        except OSError:
            break
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(fd)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed: {status}")
    return elapsed

# Rounds interleave the variants of one kind, so load from other processes drifting over the run
# hits all of them alike.
results = {name: (kind, []) for kind, name, _, _ in cases}
for kind in ("startup", "throughput"):
    group = [c for c in cases if c[0] == kind]
    for _, _, argv, _ in group:
        timed(argv)  # warm-up
    for _ in range(group[0][3]):
        for _, name, argv, _ in group:
            results[name][1].append(timed(argv))
json.dump({k: v[1] for k, v in results.items()}, open(os.path.join(work, "raw.json"), "w"))

size = os.path.getsize(lines)
print("| command | runs | median | mean ± σ | throughput |")
print("|---|---|---|---|---|")
for name, (kind, samples) in results.items():
    med = statistics.median(samples)
    mean, sd = statistics.mean(samples), statistics.pstdev(samples)
    rate = f"{size / med / 1e6:.0f} MB/s" if kind == "throughput" else ""
    print(f"| `{name}` | {len(samples)} | {med*1000:.1f} ms | {mean*1000:.1f} ± {sd*1000:.1f} ms | {rate} |")
PY

echo "## shq run --pty"
echo
echo "Each command runs as the foreground job of a fresh pseudo-terminal (Python \`pty.fork()\`: new"
echo "session, slave as controlling terminal on fds 0–2) whose master is drained as a terminal emulator"
echo "would; wall time from fork to reaping. Same machine, same run, store already created. For"
echo "\`--pty\` this includes the monitor process (shq re-executed), the second PTY and the double relay."
echo "\`lines.txt\` is \`seq 1 6000000\` ($((bytes / 1000000)) MB). Variants run interleaved, round by round."
echo
echo '```'
echo 'python3 bench/25-pty.sh  # timed(argv) = pty.fork + exec argv + drain master + waitpid'
echo 'true | shq run true | shq run --pty true                          (100 runs each)'
echo 'cat lines.txt | shq run cat lines.txt | shq run --pty cat lines.txt (7 runs each)'
echo '```'
echo
cat "$work/results.md"
