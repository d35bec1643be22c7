#!/usr/bin/env bash
# The options for capturing faster into a new store (issue 22), each alone in a small C program
# (bench/capture/capture-options.c) that writes 250 MB of base64 text the way `OutputWriter` does, in
# rounds that alternate the options with `zstd -1 -T1` over the same file: wall and CPU seconds (user +
# system). Not part of `make bench`: it explains which option shq's store takes (Docs/design/relay.md).
# Needs cc (or clang) and the SQLite and zstd headers (libsqlite3-dev, libzstd-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/shq-capture-opt.XXXXXX"); trap 'rm -rf "$work"' EXIT
"${CC:-$(command -v cc || command -v clang)}" -O2 -Wall -Wextra -o "$work/capture" bench/capture/capture-options.c -lsqlite3 -lzstd -lpthread
FILE="$work/capture.txt"
head -c 187500000 /dev/urandom | base64 -w 76 > "$FILE"
truncate -s 250000000 "$FILE"
ROUNDS=${ROUNDS:-3}
MODES=${MODES:-base off nockpt batch thread raw level3 sidefile}
echo "| round | zstd -1 -T1 | $(sed 's/ / | /g' <<<"$MODES") |"
echo "|---|---|$(for _ in $MODES; do printf -- '---|'; done)"
for round in $(seq "$ROUNDS"); do
  row="| $round | $({ /usr/bin/time -f '%e %U %S' zstd -q -1 -T1 -c "$FILE" >/dev/null; } 2>&1 | awk '{printf "%.2f s, CPU %.2f", $1, $2 + $3}')"
  for mode in $MODES; do
    rm -f "$work"/c.db*
    row+=" | $("$work/capture" "$mode" "$FILE" "$work/c.db" | awk '{printf "%.2f s, CPU %.2f", $3, $5}')"
  done
  echo "$row |"
done
echo
echo "Wall, then CPU (user + system); load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) vCPU."
