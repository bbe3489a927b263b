#!/usr/bin/env bash
# npm start: install dependencies if needed, then bring up infrastructure, subgraphs and gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/with-deps.sh node --import tsx scripts/start.ts
