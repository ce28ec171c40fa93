#!/usr/bin/env bash
# Replica against numpy, side by side in one run: builds replica-bench (release), makes
# sure bench/.venv has numpy, runs both sides of a benchmark group and prints a table.
#
#   bench/run.sh [group]       group: numerics (the default)
#
# numpy lives only in bench/.venv, never in the product. Build output and progress go to
# stderr; the table goes to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

group="${1:-numerics}"
if [ ! -f "bench/python/$group.py" ]; then
  echo "bench/run.sh: unknown group '$group'; known: $(cd bench/python && ls ./*.py | sed 's|^\./||; s|\.py$||' | tr '\n' ' ')" >&2
  exit 64
fi

# One BLAS thread on both sides: the machine has 2 shared cores, and one thread gives
# stable figures that compare the libraries rather than the scheduler.
export OPENBLAS_NUM_THREADS=1

echo "bench: building replica-bench (release)" >&2
swift build -c release --product replica-bench >&2
bin="$(swift build -c release --show-bin-path)/replica-bench"

venv=bench/.venv
if ! "$venv/bin/python" -c 'import numpy, threadpoolctl' 2>/dev/null; then
  echo "bench: creating $venv with numpy" >&2
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy threadpoolctl >&2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "bench: running Replica ($group)" >&2
"$bin" "$group" >"$tmp/replica"

# Some machines set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for older OpenBLAS builds; they
# make numpy's current OpenBLAS pick a slower kernel, so they are unset for numpy alone.
coretype_note="OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-<unset>} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-<unset>}"
echo "bench: running numpy ($group)" >&2
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" "bench/python/$group.py" >"$tmp/numpy"

echo "Replica vs numpy, group '$group' ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo "OPENBLAS_NUM_THREADS=1 for both sides. For numpy only, OPENBLAS_CORETYPE and"
echo "OPENBLAS_L2_SIZE are unset (this shell had: $coretype_note)."
grep -h '^#' "$tmp/replica" "$tmp/numpy" || true
echo
awk '
  FNR == NR { if ($1 !~ /^#/) { replica[$1] = $2; order[++n] = $1 }; next }
  $1 !~ /^#/ { numpy[$1] = $2; if (!($1 in replica)) order[++n] = $1 }
  END {
    printf "%-32s %12s %12s %14s\n", "task", "replica s", "numpy s", "numpy/replica"
    for (i = 1; i <= n; i++) {
      t = order[i]
      r = (t in replica) ? sprintf("%.4f", replica[t]) : "-"
      p = (t in numpy) ? sprintf("%.4f", numpy[t]) : "-"
      q = ((t in replica) && (t in numpy) && replica[t] > 0) ? sprintf("%.2f", numpy[t] / replica[t]) : "-"
      printf "%-32s %12s %12s %14s\n", t, r, p, q
    }
    print ""
    print "numpy/replica > 1 means Replica is faster."
  }
' "$tmp/replica" "$tmp/numpy"
