#!/usr/bin/env bash
# Benchmark of `manuale import` and `manuale build` on the bundled sheet, in
# release mode, with hyperfine. Prints the medians; `--export DIR` keeps
# hyperfine's JSON there.
#
#   benches/bench.sh            # the bundled map
#   BENCH_RUNS=50 benches/bench.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${BENCH_RUNS:-30}
export_dir=""
if [ "${1:-}" = "--export" ]; then export_dir=$2; mkdir -p "$export_dir"; fi

command -v hyperfine >/dev/null || { echo "hyperfine mancante: apt-get install hyperfine" >&2; exit 1; }
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
bin="$repo/target/release/manuale"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$repo/book.toml" "$repo/logo.svg" "$work/"
mkdir -p "$work/data"
cp "$repo/data/mappatura-processi.tsv" "$work/data/"
cd "$work"
"$bin" import >/dev/null 2>&1

json() { [ -n "$export_dir" ] && echo "--export-json $export_dir/$1.json" || echo "--export-json $work/$1.json"; }

# A first import writes every page; a re-import merges into existing pages.
hyperfine --runs "$runs" --warmup 3 --style basic \
  --prepare "rm -rf $work/content" -n "import (content/ vuota)" "$bin import" $(json import-fresh)
hyperfine --runs "$runs" --warmup 3 --style basic \
  -n "import (di nuovo, nessun cambiamento)" "$bin import" $(json import-again)
hyperfine --runs "$runs" --warmup 3 --style basic \
  -n "build" "$bin build" $(json build)

pages=$(find "$work/book" -name '*.html' | wc -l)
size=$(du -sk "$work/book" | cut -f1)
echo
echo "sito: $pages pagine HTML, ${size} KiB su disco"
for f in import-fresh import-again build; do
  file=${export_dir:-$work}/$f.json
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"{r['command']:<45} mediana {r['median']*1000:7.1f} ms  (min {r['min']*1000:.1f}, max {r['max']*1000:.1f}, {len(r['times'])} esecuzioni)\")" "$file"
done
