#!/usr/bin/env bash
# `shq run --pty` against plain `shq run` and the bare command, each the foreground job of a fresh
# pseudo-terminal that a small C reader drains (bench/pty/pty-time.c, compiled here with cc): start-up cost
# of a tiny command, and output throughput. The reader is first measured against `cat` (and against the
# Python drain this script used before), so the table shows what the reader can keep up with.
# Needs $SHQ_BIN, cc (or clang), hyperfine, python3. Prints a markdown section.
set -euo pipefail
: "${SHQ_BIN:?set SHQ_BIN to the shq binary to measure}"
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export SHQ_DB="$work/history.db"
START_RUNS=${PTY_START_RUNS:-100}
BULK_RUNS=${PTY_BULK_RUNS:-7}
"${CC:-$(command -v cc || command -v clang)}" -O2 -Wall -Wextra -o "$work/pty-time" bench/pty/pty-time.c -lutil
drain=$work/pty-time
# The drain this benchmark used before (Python's pty.fork and os.read of 64 KiB), kept for the comparison.
cat > "$work/pydrain.py" <<'PY'
import os, pty, resource, sys, time
start = time.perf_counter()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
reads = 0
while True:
    try:
        if not os.read(fd, 1 << 16):
            break
        reads += 1
    except OSError:
        break
os.waitpid(pid, 0)
wall = time.perf_counter() - start
self = resource.getrusage(resource.RUSAGE_SELF)
print(f"{wall:.6f} {reads} {self.ru_utime + self.ru_stime:.6f}")
PY
LINES=${PTY_LINES:-6000000}
seq 1 "$LINES" > "$work/lines.txt"   # 6M lines: ~47 MB of short lines, the worst case for per-chunk costs
lines=$work/lines.txt
bytes=$(stat -c %s "$lines")
"$SHQ_BIN" save -c warmup </dev/null
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# 1. The reader against cat, on a pipe (hyperfine, through a shell), and inside a PTY against the Python drain.
hyperfine -w 3 -r 30 --export-json "$work/readers.json" \
  -n 'cat >/dev/null' "cat $lines | cat >/dev/null" \
  -n 'pty-time -r' "cat $lines | $drain -r" \
  -n 'Python os.read loop' "cat $lines | python3 -c 'import os
while os.read(0, 1 << 16): pass'" >/dev/null 2>&1
for _ in 1 2 3; do
  "$drain" cat "$lines" >> "$work/in-pty-c"
  python3 "$work/pydrain.py" cat "$lines" >> "$work/in-pty-python"
done

# 2. The variants, interleaved round by round so that load drifting over the run hits all of them alike.
run_rounds() {  # KIND RUNS LABEL... (each label names a command line in `cmd` below)
  local kind=$1 runs=$2; shift 2
  local label
  for label in "$@"; do eval "\"\$drain\" ${cmd[$label]}" >/dev/null; done   # warm-up
  for _ in $(seq "$runs"); do
    for label in "$@"; do eval "\"\$drain\" ${cmd[$label]}" >> "$work/$kind-$label"; done
  done
}
declare -A cmd=(
  [s1]="true" [s2]="\"\$SHQ_BIN\" run true" [s3]="\"\$SHQ_BIN\" run --pty true"
  [b1]="cat \"\$lines\"" [b2]="\"\$SHQ_BIN\" run cat \"\$lines\"" [b3]="\"\$SHQ_BIN\" run --pty cat \"\$lines\""
)
run_rounds startup "$START_RUNS" s1 s2 s3
run_rounds bulk "$BULK_RUNS" b1 b2 b3
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

echo "## shq run --pty"
echo
echo "Each command runs as the foreground job of a fresh pseudo-terminal (\`forkpty\`: new session, the"
echo "slave as controlling terminal on fds 0–2) whose master a C reader drains as a terminal emulator"
echo "would (\`bench/pty/pty-time.c\`, one \`read\` of up to 1 MiB per wake-up); wall time from fork to"
echo "reaping. Store already created. For \`--pty\` this includes the monitor process (shq re-executed), the"
echo "second PTY and the double relay. \`lines.txt\` is \`seq 1 $LINES\` ($((bytes / 1000000)) MB). Variants run"
echo "interleaved, round by round. Load average (1, 5, 15 min) at the start: $load_start; at the end:"
echo "$load_end ($(nproc) vCPU)."
echo
echo '```'
echo 'cc -O2 -o pty-time bench/pty/pty-time.c -lutil'
echo "pty-time true | pty-time shq run true | pty-time shq run --pty true                            ($START_RUNS rounds)"
echo "pty-time cat lines.txt | pty-time shq run cat lines.txt | pty-time shq run --pty cat lines.txt ($BULK_RUNS rounds)"
echo '```'
echo
echo "### The reader first"
echo
echo "On a pipe (\`hyperfine -w 3 -r 30 'cat lines.txt | READER'\`), the C reader against \`cat\` and against the"
echo "Python loop this benchmark used before; CPU is user + system of the whole pipeline (hyperfine's mean):"
echo
python3 - "$work/readers.json" <<'PY'
import json, sys, statistics
print("| reader | median | mean ± σ | CPU |")
print("|---|---|---|---|")
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"| `{r['command']}` | {statistics.median(r['times'])*1000:.1f} ms | {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} ms | {(r['user'] + r['system'])*1000:.1f} ms |")
PY
echo
echo "Inside a PTY, \`cat lines.txt\` drained by each reader (3 runs each, alternating): wall time, reads, and"
echo "the CPU time of the reader itself:"
echo
python3 - "$work/in-pty-c" "$work/in-pty-python" "$bytes" <<'PY'
import sys, statistics
size = int(sys.argv[3])
print("| reader | median wall | reads (median) | bytes per read | reader CPU (median) |")
print("|---|---|---|---|---|")
for name, path in (("C `pty-time`", sys.argv[1]), ("Python `os.read` loop", sys.argv[2])):
    rows = [tuple(map(float, line.split())) for line in open(path)]
    wall = statistics.median(r[0] for r in rows); reads = statistics.median(r[1] for r in rows)
    cpu = statistics.median(r[2] for r in rows)
    print(f"| {name} | {wall:.2f} s | {reads:.0f} | {size / reads:.0f} | {cpu*1000:.0f} ms |")
PY
echo
echo "### The variants"
echo
python3 - "$work" "$bytes" <<'PY'
import sys, statistics
work, size = sys.argv[1], int(sys.argv[2])
cases = [("startup", "s1", "true"), ("startup", "s2", "shq run true"), ("startup", "s3", "shq run --pty true"),
         ("bulk", "b1", "cat lines.txt"), ("bulk", "b2", "shq run cat lines.txt"), ("bulk", "b3", "shq run --pty cat lines.txt")]
print("| command | runs | median | mean ± σ | throughput | reader CPU (median) |")
print("|---|---|---|---|---|---|")
medians = {}
for kind, label, name in cases:
    rows = [tuple(map(float, line.split())) for line in open(f"{work}/{kind}-{label}")]
    walls = [r[0] for r in rows]
    med = statistics.median(walls); medians[label] = med
    rate = f"{size / med / 1e6:.0f} MB/s" if kind == "bulk" else ""
    cpu = statistics.median(r[2] for r in rows)
    print(f"| `{name}` | {len(walls)} | {med*1000:.1f} ms | {statistics.mean(walls)*1000:.1f} ± {statistics.pstdev(walls)*1000:.1f} ms | {rate} | {cpu*1000:.1f} ms |")
print()
print(f"Ratios of medians, same run: `shq run --pty true` / `shq run true` = {medians['s3'] / medians['s2']:.2f}; "
      f"`shq run --pty cat` / `shq run cat` = {medians['b3'] / medians['b2']:.2f}; "
      f"`shq run --pty cat` / bare `cat` in a PTY = {medians['b3'] / medians['b1']:.2f}.")
PY
