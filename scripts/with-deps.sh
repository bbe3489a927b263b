#!/usr/bin/env bash
# Runs a command from node_modules/.bin after making sure the dependencies are installed and match
# package-lock.json, so every npm script works from a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  command -v npm >/dev/null || { echo "npm is needed (Node.js 20.19+)" >&2; exit 1; }
  echo "› installing dependencies (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
# `node …` runs as is (one process: signals reach the program itself); anything else from node_modules/.bin.
if [ "$1" = node ]; then exec "$@"; fi
exec node_modules/.bin/"$@"
