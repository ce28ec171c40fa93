#!/usr/bin/env bash
# The language and start-up benchmarks of issues 3 and 4, side by side in one run:
# whole processes of Replica against CPython 3 (scalar programs) and numpy (vector
# program, start-up), median of N runs (default 7) interleaved, with ratios.
#
#   bench/language.sh [runs]
#
# numpy and matplotlib live only in bench/.venv (created here when missing), never in
# the product. Build output and progress go to stderr; the table goes to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"

export OPENBLAS_NUM_THREADS=1

echo "bench: building replica (release)" >&2
swift build -c release --product replica >&2
replica="$(swift build -c release --show-bin-path)/replica"

venv=bench/.venv
if ! "$venv/bin/python" -c 'import numpy, matplotlib' 2>/dev/null; then
  echo "bench: creating $venv with numpy and matplotlib" >&2
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy matplotlib >&2
fi
py="$venv/bin/python"
s=bench/scripts

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "bench: timing ($runs runs each, interleaved)" >&2
MPLBACKEND=Agg python3 bench/python/timeprocs.py --runs "$runs" \
  replica.fib "'$replica' run $s/fib.rpl" \
  python.fib "'$py' $s/fib.py" \
  replica.loop "'$replica' run $s/loop.rpl" \
  python.loop "'$py' $s/loop.py" \
  replica.vector "'$replica' run $s/vector.rpl" \
  numpy.vector "'$py' $s/vector.py" \
  replica.startup "'$replica' -e 1" \
  numpy.startup "'$py' -c 'import numpy'" \
  matplotlib.startup "'$py' -c 'import numpy, matplotlib.pyplot'" \
  >"$tmp/times"

echo "Replica language benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores, $("$py" --version 2>&1)," \
  "numpy $("$py" -c 'import numpy; print(numpy.__version__)'))"
echo "Whole processes; median of $runs runs; wall seconds (CPU user+sys seconds)."
echo
awk '
  { wall[$1] = $2; cpu[$1] = $3 }
  function row(task, a, b, goal) {
    printf "%-34s %9.3f (%5.3f) %9.3f (%5.3f) %7.2f   %s\n", task, wall[a], cpu[a], wall[b], cpu[b], wall[b] / wall[a], goal
  }
  END {
    printf "%-34s %17s %17s %7s   %s\n", "task", "Replica", "other", "ratio", "goal"
    row("fib(30) vs CPython", "replica.fib", "python.fib", "ratio > 1")
    row("10^6-step scalar loop vs CPython", "replica.loop", "python.loop", "ratio > 1")
    row("sum(exp(x)*x), 10^7 vs numpy", "replica.vector", "numpy.vector", "ratio > 0.83 (within 1.2x)")
    row("start-up vs import numpy", "replica.startup", "numpy.startup", "ratio >= 5, Replica < 0.050 s")
    row("start-up vs numpy+matplotlib", "replica.startup", "matplotlib.startup", "")
    print ""
    print "ratio = other / Replica (wall): above 1 means Replica is faster."
  }
' "$tmp/times"
