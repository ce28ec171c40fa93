#!/usr/bin/env bash
# Runs every example script (`replica run`) and checks every notebook (`replica check`)
# with the release build (notebooks are the main job and run 10x faster there); exits
# non-zero if any failed, after reporting all.
set -uo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
swift build -c release --product replica >&2
swift build -c release --product replica-render >&2
replica="$(swift build -c release --show-bin-path)/replica"
fail=0
shopt -s nullglob
for f in examples/*.rpl; do
  if "$replica" run "$f" >/dev/null; then
    echo "ok     run   $f"
  else
    echo "FAILED run   $f"; fail=$((fail + 1))
  fi
done
for f in notebooks/*.rpl; do
  if "$replica" check "$f"; then
    echo "ok     check $f"
  else
    echo "FAILED check $f"; fail=$((fail + 1))
  fi
done
if ((fail > 0)); then echo "$fail script(s) failed"; exit 1; fi
echo "all example scripts and notebooks passed"
