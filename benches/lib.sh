# Shared by the benchmarks that time builds on the disk (versus.sh,
# scale.sh): sourced after `cd` to the repository, with SHARED and WORK set.
# Sets ROOT, TIME and MANUALE (built here when unset); defines time_kb,
# median, disk, map_tsv and new_book.
ROOT=$PWD
TIME=/usr/bin/time
mkdir -p "$WORK"
[ -x "$TIME" ] || { echo "serve GNU time in $TIME (apt-get install time)" >&2; exit 1; }
[ -f "$SHARED/gen_tsv.py" ] || { echo "non trovo $SHARED/gen_tsv.py: indica SHARED" >&2; exit 1; }
if [ -z "${MANUALE:-}" ]; then
  cargo build --release --locked -q
  MANUALE=$ROOT/target/release/manuale
fi

# time_kb CMD...: runs CMD under GNU time, prints "wall_s peak_kb".
time_kb() {
  local log
  log=$(mktemp)
  "$TIME" -f '%e %M' -o "$log" "$@" >/dev/null 2>&1 || { echo "fallito: $*" >&2; cat "$log" >&2; exit 1; }
  tail -1 "$log"
  rm -f "$log"
}

# median: the median of the numbers on standard input, one per line.
median() { sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# disk DIR: the device and file system DIR is on; for ext4, whether it keeps
# a journal. Without one (this workplace's virtual disk), ext4 skips the
# inodes deleted in the last minutes each time it makes a file: a build
# right after a site was removed spends much of its time there (README,
# «Prestazioni»), and so does every other tool.
disk() {
  local dev fs name
  dev=$(df --output=source "$1" | tail -1)
  fs=$(df --output=fstype "$1" | tail -1)
  name=$(basename "$dev")
  if [ "$fs" = ext4 ] && [ -r "/sys/fs/ext4/$name/journal_task" ]; then
    if [ "$(cat "/sys/fs/ext4/$name/journal_task")" = "<none>" ]; then
      fs="ext4 senza journal"
    else
      fs="ext4 con journal"
    fi
  fi
  echo "$dev, $fs"
}

# map_tsv N FILE: writes to FILE the map of N processes made by the
# workplace's generator (shaped like the bundled one), or the bundled map
# when N is `bundled`.
map_tsv() {
  mkdir -p "$(dirname "$2")"
  if [ "$1" = bundled ]; then
    cp "$ROOT/data/mappatura-processi.tsv" "$2"
  else
    python3 "$SHARED/gen_tsv.py" "$1" "$2" >/dev/null
  fi
}

# new_book DIR TSV BIN: a book in DIR, made anew: the bundled book.toml and
# logo, TSV as its sheet, imported with the manuale binary BIN.
new_book() {
  rm -rf "$1" && mkdir -p "$1/data"
  cp "$ROOT/book.toml" "$ROOT/logo.svg" "$1/"
  cp "$2" "$1/data/mappatura-processi.tsv"
  # A build from before the Italian names of book.toml (0.1.0) reads only
  # the English ones: the same book.toml, in those names.
  if ! "$3" --help 2>/dev/null | grep -q costruisci; then old_names_toml "$1/book.toml"; fi
  (cd "$1" && "$3" import >/dev/null 2>&1) || { echo "fallito: manuale import in $1" >&2; exit 1; }
}

# book.toml FILE rewritten with the names of the first releases ([book],
# [source], [functions], [[footer]], title, color…), for an earlier build.
old_names_toml() {
  python3 - "$1" <<'PY'
import re, sys
p = sys.argv[1]
text = open(p, encoding="utf-8").read()
tables = {"manuale": "book", "mappatura": "source", "funzioni": "functions", "testi": "ui"}
keys = {"book": {"titolo": "title", "descrizione": "description", "indirizzo": "site_url",
                 "colore": "color", "tema": "theme", "licenza": "licence", "licenza_url": "licence_url"},
        "source": {"aggiornata": "updated"}, "footer": {"nome": "name"}}
top = {"livelli": "levels", "livelli_plurale": "levels_plural", "ruoli": "roles"}
out, table = [], ""
for line in text.splitlines(keepends=True):
    m = re.match(r"(\s*)(#\s*)?\[(\[?)([a-z_.]+)(\]?)\]", line)
    if m:
        name = m.group(4)
        name = "footer" if name == "piede" else tables.get(name, name)
        table = name
        line = line[:m.start(4)] + name + line[m.end(4):]
    else:
        m = re.match(r"(\s*#?\s*)([a-z_]+)(\s*=)", line)
        if m:
            old = (keys.get(table, {}) if table else top).get(m.group(2))
            if old:
                line = m.group(1) + old + line[m.end(2):]
    out.append(line)
open(p, "w", encoding="utf-8").write("".join(out))
PY
}
