#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README command (1): install what is missing, build a Release and run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/bootstrap.sh
cmake --workflow --preset release
export OPENBLAS_NUM_THREADS=1
./build/release/app/dpsapf --version
cat <<MSG

Built build/release/app/dpsapf (command line) and build/release/app/dpsapf-studio (desktop).
Start the desktop application with:
    ./build/release/app/dpsapf-studio
See all commands with:
    ./build/release/app/dpsapf --help
MSG
