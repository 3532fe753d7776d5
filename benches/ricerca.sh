#!/usr/bin/env bash
# Search benchmark on the bundled map and on a synthetic map of N processes
# (30,000 by default): index size on disk, bytes downloaded for a first and a
# second query and for a code, time from keystroke to results.
#   benches/ricerca.sh [N]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-30000}
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin manuale --example genera_mappa
bin="$repo/target/release/manuale"
(cd "$repo/tests/browser" && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== mappa inclusa"
mkdir -p "$work/bundled"
cp -r "$repo/book.toml" "$repo/logo.svg" "$repo/data" "$repo/content" "$work/bundled/"
(cd "$work/bundled" && "$bin" build >/dev/null)
node "$repo/tests/browser/bench-ricerca.mjs" "$work/bundled/book" processi/A1.1.html protesto tachigrafica C2.5.3.1

echo "== mappa sintetica di $n processi"
mkdir -p "$work/big/data"
cp "$repo/book.toml" "$repo/logo.svg" "$work/big/"
"$repo/target/release/examples/genera_mappa" "$n" > "$work/big/data/mappatura-processi.tsv"
(cd "$work/big" && "$bin" import >/dev/null 2>&1 && /usr/bin/time -f "build: %e s, %M KB di memoria" "$bin" build >/dev/null)
word=$(cut -f2 "$work/big/data/mappatura-processi.tsv" | sed -n '500p' | awk '{print $2}')
node "$repo/tests/browser/bench-ricerca.mjs" "$work/big/book" processi/A1.1.html "$word" "$(cut -f2 "$work/big/data/mappatura-processi.tsv" | sed -n '20000p' | awk '{print $1" "$3}')" C4.3.7.2
