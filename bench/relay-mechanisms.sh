#!/usr/bin/env bash
# The relay's possible mechanisms past the capture cap, each alone in a small C program
# (bench/relay/relay-mechanisms.c), against `cat FILE | cat`: CPU of the command (cat) and of the relay,
# over 1 GiB to /dev/null, in rounds that alternate the variants. Not part of `make bench`: it explains
# why shq's relay reads and copies instead of splicing (Docs/design/relay.md). Needs cc (or clang).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/shq-relay-mech.XXXXXX"); trap 'rm -rf "$work"' EXIT
"${CC:-$(command -v cc || command -v clang)}" -O2 -Wall -Wextra -o "$work/relay" bench/relay/relay-mechanisms.c
FILE="$work/big.txt"
head -c $((768 << 20)) /dev/urandom | base64 -w 76 > "$FILE"
truncate -s $((1 << 30)) "$FILE"
ROUNDS=${ROUNDS:-3}
echo "| round | cat \\| cat: cat 1 + cat 2 | cat, no pipe | read-ring: cat + relay | read-ring, streaming stores | read in place | read | read, 64 KiB pipe | splice | splice, 64 KiB pipe | tee |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
  pair=$({ /usr/bin/time -f '%U %S' cat "$FILE" | /usr/bin/time -f '%U %S' cat >/dev/null; } 2>&1 | awk '{s += $1 + $2; a[NR] = $1 + $2} END {printf "%.2f + %.2f = %.2f", a[1], a[2], s}')
  row="| $round | $pair"
  for mode in direct read-ring read-ring-nt read-inplace read read-64k splice splice-64k tee; do
    row+=" | $("$work/relay" "$mode" "$FILE" 2>&1 >/dev/null | awk '{printf "%.2f + %.2f = %.2f", $3, $5, $3 + $5}')"
  done
  echo "$row |"
done
echo
echo "CPU seconds (user + system); load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) vCPU."
