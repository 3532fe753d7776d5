#!/usr/bin/env bash
# Two builds of manuale side by side, on the bundled book, on the disk (not
# /dev/shm): first whether they give the same bytes (content/ from a fresh
# import, the built site, check's text and JSON reports), then their times
# in one hyperfine run (import again, build) and their peak memory.
#
#   benches/compare.sh OLD_BIN [NEW_BIN]     # NEW_BIN: this tree's release build
#
# An old binary comes from an earlier commit, e.g.:
#   git worktree add /tmp/old HEAD~3 && cargo build --release --manifest-path /tmp/old/Cargo.toml
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
old=$(realpath "${1:?usage: benches/compare.sh OLD_BIN [NEW_BIN]}")
if [ -n "${2:-}" ]; then
  new=$(realpath "$2")
else
  cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin manuale
  new="$repo/target/release/manuale"
fi
runs=${BENCH_RUNS:-20}
command -v hyperfine >/dev/null || { echo "hyperfine mancante: apt-get install hyperfine" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/var/tmp}/manuale-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT
for who in old new; do
  mkdir -p "$work/$who/data"
  cp "$repo/book.toml" "$repo/logo.svg" "$work/$who/"
  cp -p "$repo/data/mappatura-processi.tsv" "$work/$who/data/"
done

same=0
for who in old new; do
  bin=${!who}
  (cd "$work/$who" && "$bin" import >"$work/$who.import" 2>&1 \
    && { "$bin" check >"$work/$who.check.txt" || true; } \
    && { "$bin" check --format json >"$work/$who.check.json" || true; } \
    && "$bin" build >/dev/null 2>&1)
done
for what in content book; do
  if diff -r "$work/old/$what" "$work/new/$what" >/dev/null; then
    echo "$what/: identici"
  else
    echo "$what/: DIVERSI"; { diff -rq "$work/old/$what" "$work/new/$what" || true; } | head -5; same=1
  fi
done
for f in import check.txt check.json; do
  if cmp -s "$work/old.$f" "$work/new.$f"; then echo "$f: identici"; else echo "$f: DIVERSI"; same=1; fi
done

echo
hyperfine --runs "$runs" --warmup 3 --style basic \
  -n "import (vecchio)" "cd $work/old && $old import" \
  -n "import (nuovo)" "cd $work/new && $new import" \
  -n "build (vecchio)" "cd $work/old && $old build" \
  -n "build (nuovo)" "cd $work/new && $new build"

echo
for who in old new; do
  bin=${!who}
  kb=$(cd "$work/$who" && /usr/bin/time -f %M "$bin" build 2>&1 >/dev/null | tail -1)
  echo "build ($who): memoria massima $((kb / 1024)) MiB"
done
exit $same
