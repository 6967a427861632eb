#!/usr/bin/env bash
# Parley's whole test suite, from a fresh clone: sets up what it needs (scripts/setup.sh), type
# checks, then runs every test file: unit tests next to the code (src/**/*.test.ts) and
# integration tests against real servers (test/*.test.ts). Each test file starts and stops its
# own FerretDB (or uses MONGODB_URL), Dovecot and SMTP sink on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
bash scripts/setup.sh
echo "test: type check (tsc --noEmit, strict)"
npx tsc --noEmit

# Node 20's test runner takes no globs: list the files. Sorted, so runs are comparable.
mapfile -t files < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
echo "test: ${#files[@]} test files"
status=0
node --import tsx --test --test-reporter=spec "${files[@]}" || status=$?
echo "test: finished in $(( $(date +%s) - start )) s with exit code $status"
exit $status
