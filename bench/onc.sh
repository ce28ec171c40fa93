#!/usr/bin/env bash
# Ordinal neural collapse benchmark: the UFM optimisation (Q = 3, 150 points, d = 16) and
# 200 epochs of an MLP with a CLM head and per-epoch collapse metrics, Replica's
# OrdinalCollapse study against numpy/scipy implementations, in one run. Builds
# replica-bench in release, sets up bench/.venv with numpy and scipy if missing
# (idempotent), prints both timings, the ratios and both sides' results. Results: bench/ONC.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1

venv=bench/.venv
if ! "$venv/bin/python" -c 'import numpy, scipy' 2>/dev/null; then
  echo "onc.sh: setting up $venv with numpy and scipy" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy scipy >&2
fi

echo "onc.sh: building replica-bench (release)" >&2
swift build -c release --product replica-bench >&2
bin="$(swift build -c release --show-bin-path)/replica-bench"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bin" onc >"$tmp/replica"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" bench/python/onc.py >"$tmp/numpy"

grep -h '^#' "$tmp/replica" "$tmp/numpy"
printf '%-24s %12s %12s %14s\n' task "replica s" "numpy s" "numpy/replica"
for task in onc_ufm_Q3_N150_d16 onc_mlp_200_epochs; do
  r=$(awk -v t="$task" '$1 == t {print $2}' "$tmp/replica")
  p=$(awk -v t="$task" '$1 == t {print $2}' "$tmp/numpy")
  awk -v t="$task" -v r="$r" -v p="$p" 'BEGIN {printf "%-24s %12.4f %12.4f %14.1f\n", t, r, p, p / r}'
done
