#!/bin/sh
# Count repeated code the way issue #14 measures it: the `duplicates` tool over a
# git archive of kht/ and plugins/ at REV (default HEAD), leaving out migrations,
# translation catalogues (locale/) and vendored front-end files, which are generated
# or copied and not ours to deduplicate.
#
#   scripts/count_duplicates.sh [REV] [duplicates options, e.g. --most 200]
#
# The first line of the output is the count the target refers to.
set -eu
rev=HEAD
case "${1:-}" in
-*|"") ;;
*) rev=$1; shift ;;
esac
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
git archive "$rev" kht plugins | tar -x -C "$tree"
find "$tree" -type d \( -name migrations -o -name locale -o -name vendor \) -prune -exec rm -rf {} +
duplicates --repo "$tree" --seconds 600 "$@"
