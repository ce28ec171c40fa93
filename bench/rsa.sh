#!/usr/bin/env bash
# Recurrent self-attention benchmark: the top-3 Lyapunov exponents of random-weight
# normalised iterated SA (n = 8, d = 16, H = 4, T = 300 after 100 burn-in steps), Replica's
# RecurrentSelfAttention study against a numpy implementation, in one run. Builds
# replica-bench in release, sets up bench/.venv with numpy if missing (idempotent),
# prints both timings, the ratio and both sides' exponents. Results: bench/RSA.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1

venv=bench/.venv
if ! "$venv/bin/python" -c 'import numpy' 2>/dev/null; then
  echo "rsa.sh: setting up $venv with numpy" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy >&2
fi

echo "rsa.sh: building replica-bench (release)" >&2
swift build -c release --product replica-bench >&2
bin="$(swift build -c release --show-bin-path)/replica-bench"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bin" rsa >"$tmp/replica"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" bench/python/rsa.py >"$tmp/numpy"

grep -h '^#' "$tmp/replica" "$tmp/numpy"
r=$(awk '$1 == "rsa_lyapunov_top3_T300" {print $2}' "$tmp/replica")
p=$(awk '$1 == "rsa_lyapunov_top3_T300" {print $2}' "$tmp/numpy")
printf '%-28s %12s %12s %14s\n' task "replica s" "numpy s" "numpy/replica"
awk -v r="$r" -v p="$p" 'BEGIN {printf "%-28s %12.4f %12.4f %14.1f\n", "rsa_lyapunov_top3_T300", r, p, p / r}'
