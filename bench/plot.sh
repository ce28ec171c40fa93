#!/usr/bin/env bash
# Replica's plotting against matplotlib (Agg), side by side in one run, each side as a
# whole process (start-up, script, render, file written):
#   figure_png   the 2×2 paper figure of examples/figure.rpl to PNG (7 × 5 in, 150 dpi)
#   figure_pdf   the same figure to PDF
#   line_1e6     one line of 10⁶ points to PNG (6 × 4 in, 150 dpi)
# `replica run bench/scripts/X.rpl` against `python bench/python/X.py`. Each row: one
# warm-up run per side, then BENCH_RUNS (default 7) runs alternating the two sides; the
# median wall time and the median peak resident memory (/usr/bin/time -v "Maximum
# resident set size") of each side, and their ratios.
#
#   bench/plot.sh            needs a release build (made here) and bench/.venv (made here)
set -euo pipefail
cd "$(dirname "$0")/.."

export OPENBLAS_NUM_THREADS=1
runs="${BENCH_RUNS:-7}"

echo "bench: building replica and replica-render (release)" >&2
swift build -c release --product replica >&2
swift build -c release --product replica-render >&2
bin="$(swift build -c release --show-bin-path)"

venv=bench/.venv
if ! "$venv/bin/python" -c 'import numpy, matplotlib' 2>/dev/null; then
  echo "bench: setting up $venv with numpy and matplotlib" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy matplotlib >&2
fi
py="$venv/bin/python"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# once NAME COMMAND...: runs the command once; appends "seconds peak_KiB" to $tmp/NAME.
once() {
  local name="$1"
  shift
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -v -o "$tmp/time.txt" "$@" >/dev/null 2>"$tmp/err.txt" || {
    echo "bench: $name failed:" >&2
    cat "$tmp/err.txt" >&2
    exit 1
  }
  t1=$(date +%s%N)
  local kb
  kb=$(awk '/Maximum resident set size/ { print $NF }' "$tmp/time.txt")
  echo "$(( (t1 - t0) / 1000 )) $kb" >>"$tmp/$name"
}

# median FILE COLUMN
median() {
  sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# row NAME REPLICA_ARGS -- PYTHON_ARGS
row() {
  local name="$1"
  shift
  local rargs=() pargs=()
  while [ "$1" != "--" ]; do rargs+=("$1"); shift; done
  shift
  pargs=("$@")
  echo "bench: $name (1 warm-up + $runs runs per side)" >&2
  once "warm" "$bin/replica" run "${rargs[@]}"
  once "warm" "$py" "${pargs[@]}"
  for ((i = 0; i < runs; i++)); do
    once "$name.replica" "$bin/replica" run "${rargs[@]}"
    once "$name.mpl" "$py" "${pargs[@]}"
  done
  local rt rm pt pm
  rt=$(median "$tmp/$name.replica" 1)
  rm=$(median "$tmp/$name.replica" 2)
  pt=$(median "$tmp/$name.mpl" 1)
  pm=$(median "$tmp/$name.mpl" 2)
  awk -v n="$name" -v rt="$rt" -v pt="$pt" -v rm="$rm" -v pm="$pm" 'BEGIN {
    printf "%-11s %10.3f %12.3f %9.2f %12.1f %14.1f %9.2f\n",
      n, rt / 1e6, pt / 1e6, pt / rt, rm / 1024, pm / 1024, rm / pm }'
}

echo "Replica vs matplotlib $("$py" -c 'import matplotlib; print(matplotlib.__version__)') (Agg)," \
  "whole processes, median of $runs runs ($(date -u +%Y-%m-%d), $(nproc) cores," \
  "load $(cut -d' ' -f1 /proc/loadavg))"
echo
printf "%-11s %10s %12s %9s %12s %14s %9s\n" "row" "replica s" "matplotlib s" "mpl/rep" \
  "replica MiB" "matplotlib MiB" "rep/mpl"
row figure_png bench/scripts/plot_figure.rpl --set "out=\"$tmp/f.png\"" -- \
  bench/python/plot_figure.py "$tmp/f.png"
row figure_pdf bench/scripts/plot_figure.rpl --set "out=\"$tmp/f.pdf\"" -- \
  bench/python/plot_figure.py "$tmp/f.pdf"
row line_1e6 bench/scripts/plot_line.rpl --set "out=\"$tmp/l.png\"" -- \
  bench/python/plot_line.py "$tmp/l.png"
echo
echo "mpl/rep > 1: Replica is faster. Peak memory is the largest single process: for Replica"
echo "the larger of replica and its replica-render child (GNU time reports the maximum over"
echo "the process and the children it waited for)."
