#!/usr/bin/env bash
# npm test: installs what is missing, type-checks, checks the public API for breaking changes, then
# runs every jest test (the jest global setup starts FerretDB and RabbitMQ when needed).
# Extra arguments go to jest, e.g. `npm test -- subgraphs/users`.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .data
rm -f .data/jest-results.json
bash scripts/with-deps.sh tsc -p tsconfig.json --noEmit || { echo "✗ type check failed" >&2; exit 1; }
node_modules/.bin/tsx scripts/schema-check.ts || exit 1
node_modules/.bin/jest --json --outputFile=.data/jest-results.json "$@"
status=$?
# The plain summary line CI reads, taken from jest's own results (so "no test ran" is visible).
node scripts/test-summary.js
exit $status
