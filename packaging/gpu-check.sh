#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# GPU check: builds the core, the CLI and the GPU test against a CUDA LibTorch, runs the `gpu`
# ctest label (CUDA vs CPU and the sd-tiny fixtures, and a latent DP-SAPF smoke run on the
# device), then the Stable Diffusion 1.5 UNet benchmark at 256 px (the DP step in fp32, with
# gradient checkpointing, and with checkpointing plus bf16 frozen weights: throughput and peak
# memory each). Results go to $OUT (default build/gpu-check/results). No Qt is needed.
#
#   packaging/gpu-check.sh                    # LibTorch from the Python torch package
#   TORCH_PREFIX=/opt/libtorch packaging/gpu-check.sh
#   DEPS_PREFIX=/path/prefix packaging/gpu-check.sh   # spdlog, fmt, nlohmann_json, CLI11, libzip
#
# Environment: PEAK_TFLOPS (the device's float32 peak for the MFU; 67 = H100/H200 without tensor
# cores), BENCH_BATCHES (default "8 32 64"), JOBS (default: all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/gpu-check}
OUT=${OUT:-$BUILD/results}
JOBS=${JOBS:-$(nproc)}
PEAK_TFLOPS=${PEAK_TFLOPS:-0}
BENCH_BATCHES=${BENCH_BATCHES:-8 32 64}
mkdir -p "$OUT"

if [[ -z "${TORCH_PREFIX:-}" ]]; then
    if ! TORCH_PREFIX=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null); then
        echo "gpu-check: no LibTorch found; set TORCH_PREFIX to a folder with TorchConfig.cmake" >&2
        exit 2
    fi
fi
PREFIXES="$TORCH_PREFIX${DEPS_PREFIX:+;$DEPS_PREFIX}"
echo "gpu-check: LibTorch from $TORCH_PREFIX"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/gpu.txt" || true

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDPSAPF_CUDA=ON \
    -DDPSAPF_BUILD_GUI=OFF -DDPSAPF_BUILD_TESTS=ON -DCMAKE_PREFIX_PATH="$PREFIXES" \
    2>&1 | tee "$OUT/configure.log"
cmake --build "$BUILD" -j "$JOBS" --target dpsapf test_gpu 2>&1 | tail -n 20 | tee "$OUT/build.log"

"$BUILD/app/dpsapf" info --json | tee "$OUT/info.json"
(cd "$BUILD" && ctest -L gpu --output-on-failure) 2>&1 | tee "$OUT/ctest-gpu.log"

for batch in $BENCH_BATCHES; do
    "$BUILD/app/dpsapf" bench sd-unet --device cuda --base sd15 --resolution 256 \
        --batch "$batch" --repeats 5 --peak-tflops "$PEAK_TFLOPS" --json |
        tee "$OUT/bench-sd15-256-b$batch.json"
done
"$BUILD/app/dpsapf" bench dp-step --json | tee "$OUT/bench-dp-step-cpu.json"
echo "gpu-check: results in $OUT"
