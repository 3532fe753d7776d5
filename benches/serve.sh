#!/usr/bin/env bash
# Time from saving a page to the open page showing it, through manuale serve
# on the bundled map (release build, median of 10 saves).
#   benches/serve.sh [N]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin manuale
(cd "$repo/tests/browser" && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/book.toml" "$repo/logo.svg" "$repo/data" "$repo/content" "$work/"
MANUALE_BIN="$repo/target/release/manuale" node "$repo/tests/browser/bench-serve.mjs" "$work" "${1:-10}"
