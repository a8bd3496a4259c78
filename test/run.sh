#!/usr/bin/env bash
# The whole test suite: installs what the interop tests need when missing, runs every bun test,
# and ends with the line "N passed, N failed" (CI reads it). Exit status is non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

test/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

report="$(mktemp -d)/junit.xml"
node_modules/.bin/bun test --isolate --timeout=60000 --reporter=junit --reporter-outfile="$report" "$@"
status=$?

if [ -s "$report" ]; then
  read -r passed failed < <(node test/junit-summary.mjs "$report")
else
  passed=0 failed=1
fi
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
