#!/usr/bin/env bash
# Parley's whole test suite, from a fresh clone: sets up what it needs (scripts/setup.sh), type
# checks and lints, then runs every vitest project (vitest.config.ts): unit tests next to the code
# (src/**/*.test.ts), integration tests against real servers (test/*.test.ts), fault tests that
# kill and restart servers, and the smaller scale test (1,000 steps over three workers). Each test
# file starts and stops its own FerretDB (or uses MONGODB_URL), Dovecot and SMTP sink on free
# loopback ports. Extra arguments go to vitest (`npm test -- --project unit`, a file name, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
bash scripts/setup.sh
echo "test: type check (tsc --noEmit, strict)"
npx tsc --noEmit
echo "test: build dist/ (tests start the CLI through bin/parley.js, which runs a fresh build)"
npm run --silent build
echo "test: lint (eslint with the import boundaries, prettier --check)"
npm run --silent lint
status=0
npx vitest run "$@" || status=$?
echo "test: finished in $(( $(date +%s) - start )) s with exit code $status"
exit $status
