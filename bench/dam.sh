#!/usr/bin/env bash
# Replica's DAM.simulate against a numpy implementation of the same simulation
# (bench/python/dam.py), side by side in one run: wall time and peak resident memory of
# each whole process (/usr/bin/time -v), and their ratios.
#
#   bench/dam.sh            n = 3, N = 1024, alpha = 0.05, m0 = 0.7, 20 steps, 12 trials
#   bench/dam.sh --large    also times Replica alone once at N = 4096 (p = 838,861),
#                           2 trials (one per core; 3.4 GB of patterns each)
#
# Needs replica-bench's `dam` group (DAMBench.run()). numpy lives only in bench/.venv.
set -euo pipefail
cd "$(dirname "$0")/.."

export OPENBLAS_NUM_THREADS=1

echo "bench: building replica-bench (release)" >&2
swift build -c release --product replica-bench >&2
bin="$(swift build -c release --show-bin-path)/replica-bench"

venv=bench/.venv
if ! "$venv/bin/python" -c 'import numpy' 2>/dev/null; then
  echo "bench: creating $venv with numpy" >&2
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy >&2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# measure NAME COMMAND...: runs the command under /usr/bin/time -v, keeps its stdout in
# $tmp/NAME.out and prints "NAME wall_seconds peak_MiB".
measure() {
  local name="$1"
  shift
  /usr/bin/time -v "$@" >"$tmp/$name.out" 2>"$tmp/$name.time"
  awk -v name="$name" '
    /Elapsed \(wall clock\)/ {
      n = split($NF, part, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + part[i]
    }
    /Maximum resident set size/ { kb = $NF }
    END { printf "%s %.3f %.1f\n", name, s, kb / 1024 }
  ' "$tmp/$name.time"
}

echo "bench: running Replica (N = 1024, 2 threads)" >&2
replica2="$(DAM_N=1024 measure replica "$bin" dam)"
echo "bench: running Replica (N = 1024, 1 thread)" >&2
replica1="$(DAM_N=1024 DAM_THREADS=1 measure replica1 "$bin" dam)"
echo "bench: running numpy (N = 1024)" >&2
numpy="$(measure numpy env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" bench/python/dam.py 1024 12)"

echo "DAM.simulate vs numpy: n = 3, N = 1024, alpha = 0.05 (p = 52,429), m0 = 0.7,"
echo "20 parallel steps, 12 trials ($(date -u +%Y-%m-%d), $(nproc) cores, OPENBLAS_NUM_THREADS=1)"
echo
grep -h '^#' "$tmp/replica.out" "$tmp/numpy.out" || true
echo
printf "%-22s %10s %12s\n" "process" "wall s" "peak MiB"
for row in "$replica2" "$replica1" "$numpy"; do
  set -- $row
  printf "%-22s %10s %12s\n" "$1" "$2" "$3"
done
set -- $replica2
r_time=$2 r_mem=$3
set -- $replica1
r1_time=$2
set -- $numpy
n_time=$2 n_mem=$3
echo
awk -v rt="$r_time" -v r1="$r1_time" -v nt="$n_time" -v rm="$r_mem" -v nm="$n_mem" 'BEGIN {
  printf "time   numpy/replica = %.2f (2 threads), %.2f (1 thread)   goal >= 3\n", nt / rt, nt / r1
  printf "memory replica/numpy = %.3f                                goal <= 0.5\n", rm / nm
}'

if [ "${1:-}" = "--large" ]; then
  echo "bench: running Replica (N = 4096, 2 trials)" >&2
  large="$(DAM_N=4096 DAM_TRIALS=2 measure large "$bin" dam)"
  set -- $large
  echo
  echo "Replica alone, N = 4096, alpha = 0.05 (p = 838,861), 2 trials: $2 s wall, $3 MiB peak"
  grep -h '^#' "$tmp/large.out" || true
fi
