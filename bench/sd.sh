#!/usr/bin/env bash
# Self-distillation benchmark (issue 11, Performance): the three-stage cross-entropy
# replica theory at one alpha (Gauss-Hermite 24^3) and the 20-dataset simulation at
# N = 1000, Replica's SelfDistillation study against numpy/scipy implementations of the
# same algorithms, in one run. Builds replica-bench in release, sets up bench/.venv with
# numpy and scipy if missing (idempotent), prints both timings, the ratios and both
# sides' errors. Results: bench/SD.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1

venv=bench/.venv
if ! "$venv/bin/python" -c 'import numpy, scipy' 2>/dev/null; then
  echo "sd.sh: setting up $venv with numpy and scipy" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy scipy >&2
fi

echo "sd.sh: building replica-bench (release)" >&2
swift build -c release --product replica-bench >&2
bin="$(swift build -c release --show-bin-path)/replica-bench"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bin" sd >"$tmp/replica"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" bench/python/sd.py >"$tmp/numpy"

grep -h '^#' "$tmp/replica" "$tmp/numpy"
printf '%-26s %12s %12s %14s\n' task "replica s" "numpy s" "numpy/replica"
for task in sd_theory_ce_T3_gh24 sd_simulation_N1000_20; do
  r=$(awk -v t="$task" '$1 == t {print $2}' "$tmp/replica")
  p=$(awk -v t="$task" '$1 == t {print $2}' "$tmp/numpy")
  awk -v t="$task" -v r="$r" -v p="$p" 'BEGIN {printf "%-26s %12.3f %12.3f %14.1f\n", t, r, p, p / r}'
done
