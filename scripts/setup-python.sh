#!/usr/bin/env bash
# Creates .build/pyvenv with numpy (the NPY cross-checks in Tests/DataIOTests) and the
# real datasets that scikit-learn ships inside its PyPI package, copied to .build/data/sklearn/
# as plain text for the variational-replica study (tests and notebooks/variational-replica.rpl):
#   diabetes_data_raw.csv   442 × 10 inputs, space-separated, no header (decompressed)
#   diabetes_target.csv     442 targets, one per line (decompressed)
# scikit-learn is installed without its dependencies: only its data files are read.
# Nothing is downloaded at run time. Idempotent: when numpy imports and the files exist
# this is one quick python start.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.build/pyvenv
PY="$VENV/bin/python"
DATA=.build/data/sklearn
FILES=(diabetes_data_raw.csv diabetes_target.csv)

ready() {
  [ -x "$PY" ] && "$PY" -c 'import numpy' 2>/dev/null || return 1
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
echo "setup-python: datasets in $DATA" >&2
