#!/usr/bin/env bash
# Creates .build/pyvenv with numpy for the NPY cross-checks in Tests/DataIOTests.
# Idempotent: when the venv already imports numpy this is one quick python start.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.build/pyvenv
PY="$VENV/bin/python"

if [ -x "$PY" ] && "$PY" -c 'import numpy' 2>/dev/null; then
  exit 0
fi

echo "setup-python: creating $VENV with numpy" >&2
mkdir -p .build
if [ ! -x "$PY" ]; then
  python3 -m venv "$VENV"
fi
"$PY" -m pip install --quiet --disable-pip-version-check numpy
