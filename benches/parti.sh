#!/usr/bin/env bash
# Where a clean build's time goes: the search index against everything
# else. The search index is Pagefind's (the same code, so that a query finds
# what Pagefind finds); this says how much of a build it is, and so how
# fast a build could be if it cost nothing.
#
#   benches/parti.sh [N ...]            (default: bundled 3000)
#
# It builds, in $WORK, a copy of the committed sources with
# benches/parti.patch applied: a variable MANUALE_PARTE that leaves out the
# search index (`pagine`) or everything but it (`ricerca`; the book is still
# read). Not in the tool itself: a site without its search is not one to
# publish. Then, for each map, clean builds interleaved (whole, without the
# search index, the search index alone), each after `sync`, on the disk;
# medians of wall time, mean CPU (user + system), peak memory.
#
# Environment: RUNS (5), SHARED (../shared/bench), WORK
# (/var/tmp/manuale-parti; a disk, not /dev/shm). N is a number of processes
# (the workplace's generator) or `bundled`. The first build of the copy
# compiles everything (minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${*:-"bundled 3000"}
RUNS=${RUNS:-5}
SHARED=${SHARED:-$PWD/../shared/bench}
WORK=${WORK:-/var/tmp/manuale-parti}
# lib.sh would build this repository's binary when MANUALE is unset: the
# one timed here is the patched copy's, built below.
MANUALE=unused . benches/lib.sh

src=$WORK/sorgenti
rm -rf "$src" && mkdir -p "$src"
git archive HEAD | tar -x -C "$src"
(cd "$src" && git apply "$ROOT/benches/parti.patch")
CARGO_TARGET_DIR=$WORK/target cargo build --release --locked -q --manifest-path "$src/Cargo.toml"
bin=$WORK/target/release/manuale

echo "data: $(date -u +%Y-%m-%dT%H:%M:%SZ) · $(nproc) core · disco: $(disk "$WORK") · $(git log -1 --format=%h) + benches/parti.patch"
echo
printf '| processi | build intera | CPU | memoria | senza indice di ricerca | CPU | memoria | solo indice di ricerca | CPU | memoria |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for n in $SIZES; do
  d=$WORK/n$n
  [ -f "$d/mappa.tsv" ] || map_tsv "$n" "$d/mappa.tsv"
  book=$d/manuale
  new_book "$book" "$d/mappa.tsv" "$bin"
  for part in tutto pagine ricerca; do : > "$d/$part.txt"; done
  for r in $(seq "$RUNS"); do
    for part in tutto pagine ricerca; do
      rm -rf "$book/book"; sync
      (cd "$book" && MANUALE_PARTE=$part "$TIME" -f '%e %U %S %M' -a -o "$d/$part.txt" "$bin" build >/dev/null 2>&1) \
        || { echo "fallito: MANUALE_PARTE=$part manuale build ($book)" >&2; exit 1; }
    done
  done
  row="| $n"
  for part in tutto pagine ricerca; do
    wall=$(awk '{print $1}' "$d/$part.txt" | median)
    mem=$(awk '{print $4}' "$d/$part.txt" | median)
    cpu=$(awk '{c += $2 + $3} END {printf "%.2f", c / NR}' "$d/$part.txt")
    row="$row | $(printf '%.2f' "$wall") s | $cpu s | $(awk -v m="$mem" 'BEGIN{printf "%.0f", m/1024}') MB"
  done
  echo "$row |"
done
echo
echo "Mediane di $RUNS build pulite per parte, alternate; CPU: media di utente + sistema (GNU time)."
