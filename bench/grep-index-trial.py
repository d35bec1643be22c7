#!/usr/bin/env python3
"""The index `shq grep` did not take, measured: an FTS5 trigram index (contentless) over the same output
bytes bench/55-grep.sh searches, one row per 256 KiB piece as shq stores chunks. Prints the index size per
GiB of output, what indexing adds per MiB captured, and the query times. Not part of `make bench`; the
figures are quoted in Docs/design/grep.md.

    python3 bench/grep-index-trial.py OUTPUTS_DIR [MAX_BYTES]
"""
import os
import sqlite3
import sys
import tempfile
import time

source = sys.argv[1]
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 62
piece = 256 * 1024
path = os.path.join(tempfile.mkdtemp(prefix="shq-fts-trial-"), "fts.db")
db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE VIRTUAL TABLE idx USING fts5(body, content='', tokenize='trigram')")
total, start = 0, time.perf_counter()
for name in sorted(os.listdir(source)):
    data = open(os.path.join(source, name), "rb").read().decode("utf-8", "replace")
    with db:
        for at in range(0, len(data), piece):
            db.execute("INSERT INTO idx(body) VALUES (?)", (data[at:at + piece],))
    total += len(data)
    if total >= limit:
        break
elapsed = time.perf_counter() - start
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
size = os.path.getsize(path)


def query(term, runs=5):
    best = []
    for _ in range(runs):
        t = time.perf_counter()
        rows = db.execute("SELECT rowid FROM idx WHERE idx MATCH ?", (f'"{term}"',)).fetchall()
        best.append(time.perf_counter() - t)
    best.sort()
    return best[len(best) // 2] * 1000, len(rows)


mib = total / (1 << 20)
print(f"output indexed: {mib:.0f} MiB in {elapsed:.1f} s: {elapsed / mib * 1000:.1f} ms per MiB captured")
print(f"index size: {size / (1 << 20):.0f} MiB = {size / total:.2f} x the output ({size / total * 1024:.0f} MiB per GiB)")
for term in ["frobnicate_widget", "warning", "FAILED"]:
    ms, rows = query(term)
    print(f"query {term!r}: {ms:.1f} ms median, {rows} candidate pieces (each then decompressed and searched)")
os.remove(path)
