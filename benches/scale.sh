#!/usr/bin/env bash
# How `manuale build` grows with the map: for each size, a generated map
# (the workplace's generator, shaped like the bundled one) is imported, then
#   - a clean build (no site there), on the disk, after `sync`;
#   - a rebuild with nothing changed (the site is there);
# with wall time and peak memory (GNU time), the site's size and files, and
# whether the rebuild gave the same bytes.
#
#   benches/scale.sh [N ...]            (default: 300 3000 30000 100000)
#
# Environment: RUNS (clean builds per size, median; default 3),
# SHARED (../shared/bench), WORK (/var/tmp/manuale-scale), MANUALE (binary).
#
# The first line names the disk and, for ext4, whether it keeps a journal.
# This workplace's disk has none: ext4 then skips, for every new file, the
# inodes deleted in the last minutes, and a clean build right after `rm -rf`
# of the last one spends much of its time there (40 % of the samples at
# 3,000 processes, `perf record`; every tool alike). To
# measure also on a journaled ext4, as servers and PCs have it (as root):
#   truncate -s 24G /var/tmp/j.img && mkfs.ext4 -q /var/tmp/j.img
#   mkdir -p /mnt/j && mount -o loop /var/tmp/j.img /mnt/j
# then WORK=/mnt/j/... (the image is a file on the same disk).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${*:-"300 3000 30000 100000"}
RUNS=${RUNS:-3}
SHARED=${SHARED:-$PWD/../shared/bench}
WORK=${WORK:-/var/tmp/manuale-scale}
. benches/lib.sh

echo "data: $(date -u +%Y-%m-%dT%H:%M:%SZ) · $(nproc) core · disco: $(disk "$WORK") · $("$MANUALE" --version | head -1)"
echo
printf '| processi | pagine | import | build pulita | memoria | ricostruzione senza modifiche | memoria | sito | file | stessi byte |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for n in $SIZES; do
  book=$WORK/n$n
  if [ ! -f "$book/data/mappatura-processi.tsv" ]; then
    mkdir -p "$book/data"
    python3 "$SHARED/gen_tsv.py" "$n" "$book/data/mappatura-processi.tsv" >/dev/null
  fi
  cp "$ROOT/book.toml" "$ROOT/logo.svg" "$book/"
  rm -rf "$book/content" "$book/book"
  imp=$(cd "$book" && time_kb "$MANUALE" import)
  : > "$book/clean.txt"
  for r in $(seq "$RUNS"); do
    rm -rf "$book/book"; sync
    (cd "$book" && time_kb "$MANUALE" build) >> "$book/clean.txt"
  done
  first=$(cd "$book/book" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
  sync
  again=$(cd "$book" && time_kb "$MANUALE" build)
  second=$(cd "$book/book" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
  same=$([ "$first" = "$second" ] && echo sì || echo NO)
  pages=$(find "$book/content" -name '*.md' | wc -l)
  size=$(du -sm "$book/book" | cut -f1)
  files=$(find "$book/book" -type f | wc -l)
  ct=$(awk '{print $1}' "$book/clean.txt" | median); cm=$(awk '{print $2}' "$book/clean.txt" | median)
  echo "$n $pages $imp $ct $cm $again $size $files $same" | awk '{
    printf "| %s | %s | %.1f s | %.2f s | %.0f MB | %.2f s | %.0f MB | %s MB | %s | %s |\n",
      $1, $2, $3, $5, $6/1024, $7, $8/1024, $9, $10, $11 }'
done
echo
echo "build pulita: mediana di $RUNS; memoria: picco (GNU time, %M); sito: du -sm della cartella book/."
