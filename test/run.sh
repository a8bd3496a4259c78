#!/usr/bin/env bash
# The whole test suite: installs what the interop tests need when missing, runs every bun test, and ends with the
# line "N passed, N failed" (CI reads it). Exit status is non-zero on any failure.
#
# Interop tests drive real peers (sipp, baresip, kamailio, Chromium) on a shared 2-core box; a test file that fails
# is run once more on its own and its second result counts. Both runs are printed, and every retried file is named
# in the output, so a flaky test stays visible instead of silently passing.
set -uo pipefail
cd "$(dirname "$0")/.."

test/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

out="$(mktemp -d)"
BUN=node_modules/.bin/bun
$BUN test --isolate --timeout=60000 --reporter=junit --reporter-outfile="$out/first.xml" "$@"
status=$?

if [ ! -s "$out/first.xml" ]; then echo "0 passed, 1 failed"; exit 1; fi
mapfile -t failed_files < <(node test/junit-summary.mjs failed-files "$out/first.xml")
retry=""
if [ "${#failed_files[@]}" -gt 0 ] && [ "${#failed_files[@]}" -le 5 ]; then
  echo "== retrying the test files that failed, once each: ${failed_files[*]}"
  $BUN test --isolate --timeout=60000 --reporter=junit --reporter-outfile="$out/retry.xml" "${failed_files[@]}"
  status=$?
  retry="$out/retry.xml"
  still=$(node test/junit-summary.mjs failed-files "$retry" | tr '\n' ' ')
  echo "== retried: ${failed_files[*]}; still failing: ${still:-none}"
fi

read -r passed failed < <(node test/junit-summary.mjs counts "$out/first.xml" $retry)
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
