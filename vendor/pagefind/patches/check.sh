#!/usr/bin/env bash
# Rebuilds this folder from the published crate and the patches, and
# compares: no output and status 0 when they give exactly these sources.
#
#   vendor/pagefind/patches/check.sh [VERSION]     (default 1.6.0)
#
# The crate's sources are read from cargo's registry
# (~/.cargo/registry/src/*/pagefind-VERSION); when they are not there,
# `cargo fetch` a scratch crate with `pagefind = "=VERSION"` first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
version=${1:-1.6.0}
src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/pagefind-"$version" 2>/dev/null | head -1)
[ -n "$src" ] || { echo "pagefind-$version is not in cargo's registry: cargo fetch it first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src" "$tmp/pagefind"
rm -f "$tmp/pagefind/Cargo.lock" "$tmp/pagefind/.cargo-ok"
for p in "$here"/patches/[0-9][0-9][0-9]-*.patch; do
  (cd "$tmp/pagefind" && patch -p1 -s --no-backup-if-mismatch < "$p") || { echo "does not apply: $(basename "$p")" >&2; exit 1; }
done
diff -r -x patches -x PATCH.md "$tmp/pagefind" "$here"
