#!/usr/bin/env bash
# Line coverage per target, from `swift test --enable-code-coverage` and llvm-cov.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
swift test --enable-code-coverage >/dev/null
bin=$(swift build --show-bin-path)
profdata="$bin/codecov/default.profdata"
testbin=$(ls -d "$bin"/*.xctest | head -1)
llvm_cov=$(dirname "$(readlink -f "$(command -v swift)")")/llvm-cov
report=$("$llvm_cov" report "$testbin" -instr-profile="$profdata" -ignore-filename-regex='(\.build|Tests)/' 2>/dev/null)
echo "line coverage per target:"
awk '
  $1 ~ /\.swift$/ {
    path = $1; sub(/^.*Sources\//, "", path); split(path, parts, "/")
    target = parts[1]; if (target == "Studies") target = parts[1] "/" parts[2]
    lines[target] += $8; missed[target] += $9
  }
  END { for (t in lines) printf "  %-32s %6.1f%%  (%d lines)\n", t, 100 * (lines[t] - missed[t]) / lines[t], lines[t] }
' <<<"$report" | sort
