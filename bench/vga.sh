#!/usr/bin/env bash
# Variational-replica benchmark: a 20-point VGA learning curve of ridge regression (matrix
# version; pool 10^5 x 100, 1000 test points, lambda = 0.1, tolerance 1e-10), Replica's
# VariationalReplica study against a numpy implementation of the same iteration, in one
# run. Builds replica-bench in release, sets up bench/.venv with numpy if missing
# (idempotent), prints both timings, the ratio and both sides' test errors and iteration
# counts. Results: bench/VGA.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1

venv=bench/.venv
if ! "$venv/bin/python" -c 'import numpy' 2>/dev/null; then
  echo "vga.sh: setting up $venv with numpy" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy >&2
fi

echo "vga.sh: building replica-bench (release)" >&2
swift build -c release --product replica-bench >&2
bin="$(swift build -c release --show-bin-path)/replica-bench"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bin" vga >"$tmp/replica"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" bench/python/vga.py >"$tmp/numpy"

grep -h '^#' "$tmp/replica" "$tmp/numpy"
r=$(awk '$1 == "vga_curve_20pt_1e5x100" {print $2}' "$tmp/replica")
p=$(awk '$1 == "vga_curve_20pt_1e5x100" {print $2}' "$tmp/numpy")
printf '%-24s %12s %12s %14s\n' task "replica s" "numpy s" "numpy/replica"
awk -v r="$r" -v p="$p" 'BEGIN {printf "%-24s %12.4f %12.4f %14.1f\n", "vga_curve_20pt_1e5x100", r, p, p / r}'
