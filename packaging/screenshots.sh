#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Renders the eight pages of dpsapf-studio on a real smoke study (DP-SAPF and DP-LoRA at the same
# budget) into docs/images/panel-<page>.png. Usage: packaging/screenshots.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/ci}
study=$(mktemp -d)
trap 'rm -rf "$study"' EXIT
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 QT_QPA_PLATFORM=offscreen
# A throw-away settings home: no recent-runs list or window state of the user's is touched.
export HOME="$study/home" XDG_CONFIG_HOME="$study/home/config" XDG_DATA_HOME="$study/home/data"
"$build/app/dpsapf" run --preset smoke --set 'compare_variants=["dp-sapf","dp-lora"]' \
    --set train.steps=8 --set train.checkpoint_every=2 --set eval.live_max_cost=0 \
    --out "$study/smoke" --quiet
for page in data model privacy saliency train gallery compare export; do
    "$build/app/dpsapf-studio" --screenshot "docs/images/panel-$page.png" --panel "$page" \
        --run "$study/smoke/dp-sapf"
done
echo "screenshots written to docs/images/"
