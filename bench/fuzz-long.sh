#!/usr/bin/env bash
# The long run of the property and fuzz suites that Docs/privacy.md quotes: the same tests `make test`
# runs with 200 000 random inputs per property, here with SHQ_FUZZ_ITERATIONS (default 5 000 000) in a
# release build of the tests. Prints the iterations, the suites' result and the wall time.
# Usage: bash bench/fuzz-long.sh [ITERATIONS]   (a release build of all tests first: several minutes; not part of make bench)
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-5000000}
suites='PropertyTests|FuzzTests'
# -enable-testing: some suites use @testable imports, which `swift build` turns off in release builds.
swift build -c release --build-tests -Xswiftc -enable-testing >&2
start=$(date +%s)
status=0
SHQ_FUZZ_ITERATIONS=$iterations swift test -c release --skip-build --filter "$suites" >&2 || status=$?
end=$(date +%s)
echo "SHQ_FUZZ_ITERATIONS=$iterations swift test -c release --filter '$suites': $([ $status = 0 ] && echo passed || echo "FAILED (exit $status)")" \
  "in $((end - start)) s on $(nproc) vCPU, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end, commit $(git rev-parse --short=12 HEAD)."
exit "$status"
