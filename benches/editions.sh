#!/usr/bin/env bash
# What editions cost the build, at the bundled map, on the disk (not
# /dev/shm): the bundled book built with no edition, with its one edition,
# and with the test fixture frozen as a second edition, in one hyperfine
# run, with each build's peak memory and the size of the site. With
# OLD_BIN (a build from before editions), that binary's build of the same
# book runs beside them. Each run starts after `sync`, so no run pays for
# the previous one's writes.
#
#   benches/editions.sh [OLD_BIN]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin manuale
new="$repo/target/release/manuale"
old=${1:+$(realpath "$1")}
runs=${BENCH_RUNS:-20}
command -v hyperfine >/dev/null || { echo "hyperfine mancante: apt-get install hyperfine" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/var/tmp}/manuale-editions.XXXXXX")
trap 'rm -rf "$work"' EXIT
for n in 0 1 2; do
  d="$work/e$n"
  mkdir -p "$d"
  cp -r "$repo/book.toml" "$repo/logo.svg" "$repo/data" "$repo/content" "$d/"
  [ "$n" -ge 1 ] && cp -r "$repo/editions" "$d/"
  if [ "$n" -ge 2 ]; then
    cp "$repo/tests/fixtures/mappatura-2027.tsv" "$d/data/"
    (cd "$d" && "$new" import data/mappatura-2027.tsv >/dev/null 2>&1 \
      && "$new" edizione --data 2027-01-25 --atto "Delibera di Giunta n. 5 del 25/01/2027" --forza-data >/dev/null)
  fi
  (cd "$d" && "$new" build >/dev/null 2>&1)
done
args=()
if [ -n "$old" ]; then
  cp -r "$work/e0" "$work/old" && rm -rf "$work/old/book"
  (cd "$work/old" && "$old" build >/dev/null 2>&1)
  args+=(-n "build, prima delle edizioni" "cd $work/old && $old build")
fi
hyperfine --runs "$runs" --warmup 3 --style basic --prepare sync "${args[@]}" \
  -n "build, nessuna edizione" "cd $work/e0 && $new build" \
  -n "build, 1 edizione" "cd $work/e1 && $new build" \
  -n "build, 2 edizioni" "cd $work/e2 && $new build"
echo
for n in 0 1 2; do
  kb=$(cd "$work/e$n" && /usr/bin/time -f %M "$new" build 2>&1 >/dev/null | tail -1)
  files=$(find "$work/e$n/book" -type f | wc -l)
  size=$(du -sk "$work/e$n/book" | cut -f1)
  echo "$n edizioni: memoria massima $((kb / 1024)) MiB, sito $files file, $((size / 1024)) MiB"
done
