#!/usr/bin/env bash
# CSV loading benchmark: Replica's CSV.read vs pandas.read_csv vs numpy.loadtxt on the same
# ~100 MB numeric file (10 columns), each in its own process under /usr/bin/time -v for
# peak memory. Sets up bench/.venv with numpy and pandas (idempotent), builds replica-bench
# in release, prints a side-by-side table. REPEAT=n sets the runs per tool (median).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=bench/.venv
if ! { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import numpy, pandas' 2>/dev/null; }; then
  echo "data.sh: setting up $VENV with numpy and pandas" >&2
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check numpy pandas
fi

swift build -c release --product replica-bench >&2
BIN="$(swift build -c release --show-bin-path)/replica-bench"
"$BIN" data --generate
FILE=bench/.data/numeric-100mb.csv

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME COMMAND...: stores seconds, rows and peak RSS (MB) of one tool.
measure() {
  local name=$1
  shift
  /usr/bin/time -v -o "$tmp/$name.time" "$@" >"$tmp/$name.out"
  seconds[$name]=$(awk '$1 == "seconds" {print $2}' "$tmp/$name.out")
  rows[$name]=$(awk '$1 == "rows" {print $2}' "$tmp/$name.out")
  peak[$name]=$(awk -F: '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$tmp/$name.time")
}

declare -A seconds rows peak
measure replica "$BIN" data
measure pandas "$VENV/bin/python" bench/python/dataio.py pandas "$FILE"
measure numpy "$VENV/bin/python" bench/python/dataio.py numpy "$FILE"

size=$(($(stat -c %s "$FILE") / 1000000))
payload=$(awk '$1 == "payload_mb" {printf "%.0f", $2}' "$tmp/replica.out")
echo "CSV load: $FILE ($size MB, ${rows[replica]} rows × 10 columns, numeric payload $payload MB)"
printf '%-26s %10s %14s %12s\n' tool seconds "× replica" "peak MB"
for t in replica pandas numpy; do
  label=$t
  [ $t = replica ] && label="replica CSV.read"
  [ $t = pandas ] && label="pandas.read_csv"
  [ $t = numpy ] && label="numpy.loadtxt"
  ratio=$(awk -v a="${seconds[$t]}" -v b="${seconds[replica]}" 'BEGIN {printf "%.2f", a / b}')
  printf '%-26s %10.3f %14s %12s\n' "$label" "${seconds[$t]}" "$ratio" "${peak[$t]}"
  if [ "${rows[$t]}" != "${rows[replica]}" ]; then
    echo "data.sh: $t read ${rows[$t]} rows, replica ${rows[replica]}" >&2
    exit 1
  fi
done
