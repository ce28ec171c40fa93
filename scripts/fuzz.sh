#!/usr/bin/env bash
# Fuzzes lexer + parser + evaluator of the Language target with libFuzzer + ASan.
#   scripts/fuzz.sh [SECONDS]     (default 600; `make fuzz` runs it with the default)
# Builds Fuzz/FuzzLanguage with --sanitize=fuzzer --sanitize=address, seeds the corpus
# from the test scripts and docs, runs libFuzzer for SECONDS, then minimises the
# corpus back into Fuzz/corpus/ with -merge=1. Crashing inputs land in .build/fuzz/crashes/
# (crash-*, leak-*, timeout-*, oom-*); copy each one into Tests/LanguageTests/FuzzCrashes/
# so FuzzRegressionTests replays it. FUZZ_JOBS (default 1) sets the number of fuzzing
# processes: the machine is shared, so use both cores only when it is yours. The full
# libFuzzer log is .build/fuzz/fuzz.log.
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-600}"
if ! [[ "$duration" =~ ^[0-9]+$ ]] || ((duration < 1)); then
  echo "fuzz.sh: expected a duration in whole seconds, found '$duration'" >&2
  exit 2
fi

export SWIFT_BACKTRACE=enable=no
# Swift 6.3's driver links libFuzzer for --sanitize=fuzzer but does not always pass the
# coverage instrumentation to the compiler (a build without it fuzzes blind: ~100
# counters instead of ~15 000), so name it explicitly.
build=(-c release --sanitize=fuzzer --sanitize=address
  -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table)
swift build "${build[@]}" --product FuzzLanguage
fuzzer="$(swift build "${build[@]}" --show-bin-path)/FuzzLanguage"
counters="$("$fuzzer" -runs=0 2>&1 | sed -n 's/.*(\([0-9]*\) inline 8-bit counters).*/\1/p' | head -1)"
if ((${counters:-0} < 1000)); then
  echo "fuzz.sh: expected coverage instrumentation in Language, found ${counters:-no} counters" >&2
  exit 1
fi

corpus=Fuzz/corpus
crashes=.build/fuzz/crashes
mkdir -p "$corpus" "$crashes"
# Working corpus under .build (kept if the run is interrupted; not committed).
work=.build/fuzz
rm -rf "$work/seeds" "$work/merged"
mkdir -p "$work/corpus" "$work/seeds" "$work/merged"

# Seeds: the language test scripts and every fenced `rpl` example in the docs.
cp Tests/LanguageTests/Scripts/*.rpl "$work/seeds/"
for doc in README.md docs/*.md; do
  [[ -f "$doc" ]] || continue
  awk -v out="$work/seeds/$(basename "$doc" .md)" '
    /^```rpl/ { n++; inside = 1; next }
    /^```/    { inside = 0; next }
    inside    { print > (out "-" n ".rpl") }' "$doc"
done

# Small limits: 4 KiB inputs, 50 ms of interpreter time per input (the harness cancels),
# 3 s before libFuzzer calls it a hang, and memory caps far below checkedSize's.
options=(
  -max_len=4096 -timeout=3 -rss_limit_mb=2048 -malloc_limit_mb=1024
  -dict=Fuzz/language.dict -print_final_stats=1 -artifact_prefix="$crashes/"
)
# Fork mode: a crash ends one child, is saved, and fuzzing goes on.
log="$work/fuzz.log"
"$fuzzer" "${options[@]}" -max_total_time="$duration" -fork="${FUZZ_JOBS:-1}" \
  -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 "$work/corpus" "$corpus" "$work/seeds" \
  >"$log" 2>&1 || true
grep -E '^#[0-9]+: cov|^INFO: fuzzed|DONE|stat::' "$log" | tail -4

# Minimise: keep only inputs that add coverage, back into the committed corpus.
"$fuzzer" "${options[@]}" -merge=1 "$work/merged" "$corpus" "$work/corpus" "$work/seeds" \
  >"$work/merge.log" 2>&1
if [[ -z "$(ls -A "$work/merged")" ]]; then
  echo "fuzz.sh: the merge kept no inputs (see $work/merge.log); $corpus left as it was" >&2
  exit 1
fi
rm -f "$corpus"/*
cp "$work/merged"/* "$corpus"/
echo "corpus: $(find "$corpus" -type f | wc -l) files, $(cat "$corpus"/* | wc -c) bytes"
found="$(find "$crashes" -type f | wc -l)"
echo "crashes/timeouts/ooms found: $found (in $crashes/)"
