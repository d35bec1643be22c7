#!/usr/bin/env python3
"""Deterministic synthetic command outputs for bench/55-grep.sh: TOTAL bytes over N commands, written as
plain files OUT_DIR/outputs/NNNNN.txt (oldest first) and OUT_DIR/outputs.tsv (file, command line).

    OUT_DIR=dir python3 gen_outputs.py TOTAL_BYTES N

Build logs, compiler warnings, test runs; a fifth of the outputs coloured (SGR escapes), a tenth with CRLF
line ends. Words the benchmark searches for:
  warning              in nearly every output (the common word)
  frobnicate_widget    in exactly 3 outputs (the rare literal)
  test_* FAILED        in about 5% (the case-insensitive regex)
Sizes vary (log-normal) around TOTAL/N (whole lines: the sum is TOTAL plus a line or so per output).
"""
import os
import random
import sys

total = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 30
count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
out = os.environ.get("OUT_DIR", ".")
rng = random.Random(20)

modules = ["parser", "lexer", "store", "render", "query", "session", "net", "auth", "cache", "util"]
words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]


def line(r, coloured):
    kind = r.random()
    m = r.choice(modules)
    if kind < 0.35:
        return f"cc -O2 -Wall -c src/{m}/{r.choice(words)}_{r.randrange(100)}.c -o build/{m}/{r.choice(words)}.o"
    if kind < 0.5:
        return (f"src/{m}/{r.choice(words)}.c:{r.randrange(1, 2000)}:{r.randrange(1, 80)}: warning: unused variable "
                f"'{r.choice(words)}_{r.randrange(50)}' [-Wunused-variable]")
    if kind < 0.8:
        status = "PASSED"
        text = f"tests/test_{m}.py::test_{r.choice(words)}_{r.randrange(200)} "
        return text + (f"\x1b[32m{status}\x1b[0m" if coloured else status) + f" [{r.randrange(100)}%]"
    if kind < 0.9:
        return f"[{r.randrange(24):02}:{r.randrange(60):02}:{r.randrange(60):02}] INFO {m}: processed {r.randrange(10**6)} records in {r.randrange(9999)} ms"
    return f"  {' '.join(r.choice(words) for _ in range(r.randrange(3, 14)))}"


# Sizes: log-normal, scaled so they add up to `total` exactly.
raw = [rng.lognormvariate(0, 1.0) for _ in range(count)]
scale = total / sum(raw)
sizes = [max(64, int(x * scale)) for x in raw]
sizes[-1] += total - sum(sizes)
rare = set(rng.sample(range(count), 3))
failing = set(rng.sample(range(count), count // 20))

os.makedirs(os.path.join(out, "outputs"), exist_ok=True)
with open(os.path.join(out, "outputs.tsv"), "w") as manifest:
    for index, size in enumerate(sizes):
        r = random.Random(index)
        coloured, crlf = r.random() < 0.2, r.random() < 0.1
        end = "\r\n" if crlf else "\n"
        parts, written = [], 0
        specials = []
        if index in rare:
            specials.append("/usr/bin/ld: build/app.o: in function `main': undefined reference to `frobnicate_widget'")
        if index in failing:
            specials.append(f"tests/test_{r.choice(modules)}.py::test_{r.choice(words)}_{r.randrange(200)} FAILED")
        specials.append(f"src/{r.choice(modules)}/main.c:1:1: warning: this output is number {index}")
        while written < size:
            text = (specials.pop(0) if specials and r.random() < 0.01 else line(r, coloured)) + end
            parts.append(text)
            written += len(text)
        parts += [special + end for special in specials]  # whatever the random draw did not place
        data = "".join(parts).encode()
        name = f"{index:05}.txt"
        with open(os.path.join(out, "outputs", name), "wb") as f:
            f.write(data)
        manifest.write(f"{name}\tmake -C project{index % 37} test\n")
