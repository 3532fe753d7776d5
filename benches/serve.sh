#!/usr/bin/env bash
# Time from saving a page to the open page showing it, through manuale serve
# (release build, Chromium; median of N saves 300 ms apart, so that saves
# also land while the search index of the previous one is being written).
#
#   benches/serve.sh [N] [BOOK]
#
# BOOK: a book folder (book.toml, data/, content/ imported), copied first;
# default the bundled one. E.g. a map of benches/scale.sh:
#   benches/serve.sh 10 /var/tmp/manuale-scale/n30000
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
book=${2:-$repo}
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin manuale
(cd "$repo/tests/browser" && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
work=$(mktemp -d /var/tmp/manuale-serve.XXXXXX)
trap 'rm -rf "$work"' EXIT
for f in book.toml logo.svg data content; do
  [ -e "$book/$f" ] && cp -r "$book/$f" "$work/"
done
# A process page in the middle of the map: its Markdown and its address.
md=$(cd "$work" && find content -name '*.md' ! -name '_index.md' | sort | awk '{a[NR]=$0} END{print a[int((NR+1)/2)]}')
page="processi/$(basename "$md" .md).html"
echo "$(find "$work/content" -name '*.md' | wc -l) pagine; salvo $md, guardo $page"
MANUALE_BIN="$repo/target/release/manuale" node "$repo/tests/browser/bench-serve.mjs" "$work" "${1:-10}" "$page" "$md"
