#!/usr/bin/env bash
# Quantization error propagation benchmark: GPTQ + QEP (4 bits, per channel, alpha 0.5)
# over all 36 linear layers of all-MiniLM-L6-v2 on the calibration sentences of
# bench/data/qep-sentences.txt, Replica's QuantizationErrorPropagation study against a
# numpy/scipy implementation of the same algorithm on the same tokens, in one run.
# Sets up the model (scripts/setup-python.sh) and bench/.venv with numpy and scipy if
# missing (idempotent), builds replica-bench in release, prints both timings, the ratio
# and both checksums. Results: bench/QEP.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1

scripts/setup-python.sh
venv=bench/.venv
if ! "$venv/bin/python" -c 'import numpy, scipy' 2>/dev/null; then
  echo "qep.sh: setting up $venv with numpy and scipy" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy scipy >&2
fi

echo "qep.sh: building replica-bench (release)" >&2
swift build -c release --product replica-bench >&2
bin="$(swift build -c release --show-bin-path)/replica-bench"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bin" qep >"$tmp/replica"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" bench/python/qep.py "$tmp/replica" >"$tmp/numpy"

grep -h '^#' "$tmp/replica" "$tmp/numpy" | grep -v '^# ids\|^# lengths'
r=$(awk '$1 == "qep_gptq_minilm_4bit" {print $2}' "$tmp/replica")
p=$(awk '$1 == "qep_gptq_minilm_4bit" {print $2}' "$tmp/numpy")
printf '%-28s %12s %12s %14s\n' task "replica s" "numpy s" "numpy/replica"
awk -v r="$r" -v p="$p" 'BEGIN {printf "%-28s %12.3f %12.3f %14.2f\n", "qep_gptq_minilm_4bit", r, p, p / r}'
