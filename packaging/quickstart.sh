#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README command (1): install what is missing, build a Release and run the main job: the quick
# experiment (DP-SAPF and DP-LoRA on Fashion-MNIST at epsilon 10 with the bundled model), which
# prints the comparison table and where the exports are. A second call continues or reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/bootstrap.sh
cmake --workflow --preset release
export OPENBLAS_NUM_THREADS=1
./build/release/app/dpsapf --version
RUN_DIR=${DPSAPF_QUICK_RUN:-runs/quick}
if [ -f "$RUN_DIR/study.json" ]; then
    ./build/release/app/dpsapf run --resume --out "$RUN_DIR"
else
    ./build/release/app/dpsapf run --preset quick --out "$RUN_DIR"
fi
cat <<MSG

Built build/release/app/dpsapf (command line) and build/release/app/dpsapf-studio (desktop).
Start the desktop application with:
    ./build/release/app/dpsapf-studio
See all commands with:
    ./build/release/app/dpsapf --help
MSG
