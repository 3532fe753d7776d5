#!/usr/bin/env bash
# The kill test of tests/it/crash.rs on a national-size map: `import` and
# `build` killed at many calls of each file-system system call, on a
# synthetic map of N processes (3,000 if not given), release build, on the
# disk. Prints how many kills and that every one left content/ and the
# site old, new or mended.
#
#   benches/crash.sh [N] [TRIALS]      # TRIALS: kills per system call (25)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-3000}
trials=${2:-25}
command -v strace >/dev/null || { echo "strace mancante: apt-get install strace" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/var/tmp}/manuale-crash.XXXXXX")
trap 'rm -rf "$work"' EXIT
cargo run --release --quiet --manifest-path "$repo/Cargo.toml" --example genera_mappa -- "$n" > "$work/mappa.tsv"
start=$(date +%s)
MANUALE_CRASH_SHEET="$work/mappa.tsv" MANUALE_CRASH_TRIALS="$trials" TMPDIR="$work" \
  cargo test --release --quiet --manifest-path "$repo/Cargo.toml" --test it crash:: -- --nocapture --test-threads=1 2>&1 \
  | grep -E "interruzioni|test result|panicked|FAILED|assert"
echo "mappa di $n processi, $trials interruzioni per chiamata di sistema: $(( $(date +%s) - start )) s"
