# Shared by the benchmarks that time builds on the disk (versus.sh,
# scale.sh): sourced after `cd` to the repository, with SHARED and WORK set.
# Sets ROOT, TIME and MANUALE (built here when unset); defines time_kb and
# median.
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
