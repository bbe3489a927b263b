#!/bin/sh
# npm's postinstall: applies patches/ (every change we carry to a dependency, in one place) with
# patch-package, so development, tests, the build and every image run the same bytes.
# An image installs one service's production dependencies only: a subgraph's has Rascal but not
# @apollo/gateway. patch-package refuses a patch whose package is absent, so where some are absent
# only the patches of the installed packages are given to it (and it still checks their versions).
set -eu
[ -d node_modules/patch-package ] || exit 0
present=""
absent=""
for p in patches/*.patch; do
  name=$(basename "$p" .patch)          # e.g. @apollo+gateway+2.14.4
  pkg=$(printf '%s' "${name%+*}" | tr + /)
  if [ -d "node_modules/$pkg" ]; then present="$present $p"; else absent="$absent $pkg"; fi
done
if [ -z "$absent" ]; then exec node_modules/.bin/patch-package; fi
echo "patches: not installed here, so not applied:$absent"
[ -n "$present" ] || exit 0
dir=.patches-installed
rm -rf "$dir" && mkdir "$dir"
# shellcheck disable=SC2086
cp $present "$dir/"
status=0
node_modules/.bin/patch-package --patch-dir "$dir" || status=$?
rm -rf "$dir"
exit $status
