#!/usr/bin/env bash
# Builds FerretDB (a MongoDB-wire server) from the Go module proxy into .tools/bin/ferretdb.
# `go install …/cmd/ferretdb@v1.24.2` alone yields a binary that panics at start because the module
# ships without build/version/version.txt; so we copy the exact module source, write that file with
# the tag, and build it. Same source, same tag, nothing vendored into this repository.
# One patch, scripts/ferretdb.patch (docs/decisions.md, "FerretDB is built with a patch"), fixes two
# faults of its SQLite backend, adds one pushdown, batches one write and turns one debugging aid off: (1) it never used its unique _id index (the
# WHERE clause spelled the expression differently from the index) and pushed _id down only when it was a filter's only key,
# so every update, delete and `_id: {$in}` read scanned the collection: now an _id equality or $in is
# pushed down whatever else the filter holds (the handlers still apply the whole filter); (2) update
# and findAndModify held their read open while the write waited for another pooled connection, which
# deadlocked a database at 100 concurrent updates or 100 statements in one command: now they read,
# close, then write, as its delete already did; (3) a top-level boolean equality (an outbox's
# `outboxPending: true`) is pushed down spelled as its index, where it decoded every document;
# (4) an update that matches many documents writes them in one transaction, where it committed
# each document on its own (an updateMany of 500 took 400 ms, its read 100); (5) resource tracking (a
# stack walk into a pprof profile and a finalizer per iterator, cursor and transaction) runs in debug
# builds only, as its stack capture already did: ~7% of FerretDB's CPU during an outbox drain;
# (6) update, findAndModify and delete read and write in one SQLite write transaction (BEGIN
# IMMEDIATE, this process's writers taking turns on a channel), so a single-document update is
# atomic across connections and processes, as on MongoDB: two processes' concurrent $inc of one
# document lost 473-501 of 600 before; an update command's statements share that transaction (one
# commit), each in a savepoint; (7) buildInfo reports `cinemaGraphBuild`, the stamp below, so
# scripts/lib/infra.ts can tell an older build still running from the one this patch makes.
set -euo pipefail
VERSION="${FERRETDB_VERSION:-v1.24.2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_ID="$VERSION+$(sha256sum "$ROOT/scripts/ferretdb.patch" | cut -c1-12)"
OUT="$ROOT/.tools/bin/ferretdb"
if ! command -v go >/dev/null 2>&1; then
  echo "Go is needed to build FerretDB $VERSION (install Go 1.22+, e.g. 'apt-get install golang'), or set MONGO_URL to a MongoDB you already run." >&2
  exit 1
fi
echo "› building FerretDB $VERSION with scripts/ferretdb.patch (after a clone or a patch change; about a minute)…"
DIR="$(GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -d "$DIR" ] || { echo "could not download github.com/FerretDB/FerretDB@$VERSION from the Go module proxy" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'chmod -R u+w "$WORK"; rm -rf "$WORK"' EXIT
cp -r "$DIR/." "$WORK/"
chmod -R u+w "$WORK"
echo "$VERSION" > "$WORK/build/version/version.txt"
(cd "$WORK" && git apply "$ROOT/scripts/ferretdb.patch") \
  || { echo "scripts/ferretdb.patch does not apply to FerretDB $VERSION" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
(cd "$WORK" && CGO_ENABLED=0 go build -trimpath -ldflags "-X github.com/FerretDB/FerretDB/internal/handler.cinemaGraphBuild=$BUILD_ID" -o "$OUT.new" ./cmd/ferretdb)
# sed reads to the end: `head -1` could close the pipe early and, under pipefail, fail the build on SIGPIPE.
"$OUT.new" --version | sed -n 1p
# Renamed into place: the older build may still be running from $OUT (infra.ts stops it after this).
mv -f "$OUT.new" "$OUT"
# scripts/lib/infra.ts rebuilds a binary whose stamp differs (another version, or another patch).
echo "$BUILD_ID" > "$OUT.build"
