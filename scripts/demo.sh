#!/usr/bin/env bash
# The main job: replays the tour notebook with the release build; it writes a figure.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build -c release --show-bin-path)"
swift build -c release --product replica-render >/dev/null
"$bin/replica" run notebooks/tour.rpl
echo
echo "The figure is in notebooks/figures/tour.pdf (and tour.png)."
echo "Start the REPL with: $bin/replica"
