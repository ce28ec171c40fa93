#!/usr/bin/env bash
# Installs every Debian package Replica needs, idempotently.
# Fast path: one dpkg-query; apt-get runs (with one `apt-get update`) only when something is missing.
set -euo pipefail

PACKAGES=(
  libreadline-dev       # the REPL's line editing
  libplplot-dev         # figures
  plplot-driver-cairo   # PDF, PNG, SVG, EPS and X11 output
  libopenblas-dev       # BLAS
  liblapacke-dev        # LAPACK
  pkg-config
  fontconfig
  fonts-dejavu-core     # text in cairo figures
  tmux                  # end-to-end REPL tests in a real terminal
  poppler-utils         # pdfinfo / pdftoppm in figure tests
  xvfb                  # the window path of show() under a virtual display
  x11-utils             # xwininfo: the show() window test lists the windows on it
  python3-venv          # benchmarks' and cross-checks' own numpy
  slurmctld             # sweep tests: a one-node SLURM cluster on loopback
  slurmd
  slurm-client          # sbatch, squeue, scontrol, sinfo
  munge                 # a dependency of the Slurm packages (the tests use auth/none)
  parallel              # sweep tests: GNU parallel job lists
)

missing=()
status=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${PACKAGES[@]}" 2>/dev/null || true)
for p in "${PACKAGES[@]}"; do
  if ! grep -q "^$p ii" <<<"$status"; then missing+=("$p"); fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
