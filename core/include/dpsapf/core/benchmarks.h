// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmarks behind `dpsapf bench …`: each measures a candidate and its baseline in the same run
// and reports seconds and ratios (never used by tests). Torch-free API.
#pragma once

#include "dpsapf/core/expected.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dpsapf::core {

struct BenchmarkMachine {
    int computeThreads = 0;
    std::string libTorchVersion;
    std::string device;
};

[[nodiscard]] BenchmarkMachine benchmarkMachine();

struct DpStepBenchmarkConfig {
    std::int64_t batchSize = 64;
    std::int64_t repeats = 3; // timed repetitions after one warm-up
    std::int64_t loraRank = 4;
    std::uint64_t seed = 0;
};

struct DpStepBenchmarkResult {
    std::string model; // "sapf-tiny (random weights)"
    std::int64_t modelParameters = 0;
    std::int64_t loraParameters = 0; // LoRA on all attention matrices
    std::int64_t candidateMatrices = 0;
    std::int64_t batchSize = 0;
    double forwardGmacPerImage = 0.0;   // analytic UNet forward cost (bench/unet_cost.h)
    double nonprivateStepSeconds = 0.0; // LoRA fwd + bwd + AdamW, mean loss
    double dpStepSeconds = 0.0;         // LoRA fwd + bwd with per-record clipping + noise + AdamW
    double dpOverheadRatio = 0.0;
    double probeBaselineSeconds = 0.0; // fwd + bwd with the candidate weights trainable, no DP
    double probeSeconds = 0.0;         // the same with per-record, per-matrix clipped norms
    double probeOverheadRatio = 0.0;
};

[[nodiscard]] Expected<DpStepBenchmarkResult> benchmarkDpStep(const DpStepBenchmarkConfig &config);

// `dpsapf bench sd-unet`: a Stable-Diffusion-sized UNet (random weights) at the DP-SAPF training
// resolution: forward throughput, a non-private LoRA step and a DP-SGD LoRA step (per-record
// clipping + noise) on all 128 attention matrices, peak device memory and an MFU estimate from the
// analytic forward cost (a LoRA training step taken as 2 forward passes of work). Peak memory is
// the CUDA allocator's peak, or on the CPU the peak of LibTorch's CPU tensors (CpuMemoryMeter).
struct SdUNetBenchmarkConfig {
    std::string base = "sd15";     // sd15 | sd21 | narrow (SD1.5 topology, widths 32-128)
    std::int64_t resolution = 256; // image px; the latent is resolution / 8
    std::int64_t batchSize = 8;    // micro-batch
    std::int64_t repeats = 3;      // timed repetitions after one warm-up
    std::int64_t loraRank = 4;
    std::string device = "cpu"; // cpu | cuda
    double peakTflops = 0.0;    // the device's float32 peak for the MFU (0: not reported)
    std::uint64_t seed = 0;
    // Besides the fp32 DP step, the DP step with gradient checkpointing, and with checkpointing
    // and frozen weights in this precision (bf16 | fp16; fp32 = not measured).
    std::string frozenPrecision = "bf16";
};

// One DP-SGD LoRA step setting of `bench sd-unet`.
struct SdUNetDpStepResult {
    std::string setting; // "fp32", "fp32 + checkpointing", "bf16 + checkpointing"
    double imagesPerSecond = 0.0;
    double peakMemoryGiB = -1.0; // CUDA allocator, or LibTorch's CPU tensors; -1 when unknown
};

struct SdUNetBenchmarkResult {
    std::string model;
    std::string device;
    std::int64_t parameters = 0;
    std::int64_t loraParameters = 0;
    std::int64_t resolution = 0;
    std::int64_t batchSize = 0;
    double forwardGmacPerImage = 0.0;
    double forwardImagesPerSecond = 0.0;
    double nonprivateStepImagesPerSecond = 0.0;
    double dpStepImagesPerSecond = 0.0;
    double dpOverheadRatio = 0.0; // DP step time / non-private step time
    double dpStepTflops = 0.0;    // achieved, from the analytic cost
    double mfu = -1.0;            // dpStepTflops / peakTflops; -1 without a peak
    double peakMemoryGiB = -1.0;  // of the fp32 DP step (dpSettings[0]); -1 when unknown
    std::vector<SdUNetDpStepResult> dpSettings; // fp32 first: the baseline of the ratios
};

[[nodiscard]] Expected<SdUNetBenchmarkResult> benchmarkSdUNet(const SdUNetBenchmarkConfig &config);

struct AccountantBenchmarkResult {
    std::int64_t steps = 0;
    double rdpEpsilonSeconds = 0.0;
    double prvEpsilonSeconds = 0.0;
    double calibrationSeconds = 0.0; // PRV, probe + DP-SGD, the default experiment's shape
    std::int64_t calibrationEvaluations = 0;
    double rdpEpsilon = 0.0;
    double prvEpsilon = 0.0;
};

[[nodiscard]] Expected<AccountantBenchmarkResult> benchmarkAccountants(std::int64_t steps);

struct UNetBenchmarkResult {
    std::string model;
    std::int64_t batchSize = 0;
    double trainImagesPerSecond = 0.0;    // full-parameter DDPM step (pretraining)
    double samplingImagesPerSecond = 0.0; // DDIM with classifier-free guidance
    std::int64_t samplingSteps = 0;
};

[[nodiscard]] Expected<UNetBenchmarkResult>
benchmarkUNet(std::int64_t batchSize, std::int64_t samplingSteps, std::int64_t repeats);

struct FrechetBenchmarkResult {
    std::int64_t dimension = 0;
    std::int64_t samples = 0;
    double statisticsSeconds = 0.0; // mean and covariance of both feature sets
    double distanceSeconds = 0.0;   // the Fréchet distance from the statistics (mean of repeats)
    double distance = 0.0;
    // Each route to the trace term (frechet_distance.h), mean of repeats; distanceSeconds is the
    // default route (LAPACK).
    double choleskySeconds = 0.0;
    double eighSeconds = 0.0;
    double choleskyDistance = 0.0;
    double eighDistance = 0.0;
};

// Two random feature sets of `samples` x `dimension` (float64).
[[nodiscard]] Expected<FrechetBenchmarkResult>
benchmarkFrechet(std::int64_t dimension, std::int64_t samples, std::int64_t repeats);

} // namespace dpsapf::core
