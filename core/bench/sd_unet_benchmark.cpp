// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf bench sd-unet`: throughput, memory and MFU of DP LoRA training on a Stable-Diffusion-
// sized UNet (random weights; sd-format.md §10 gives the analytic cost).
#include "dpsapf/core/benchmarks.h"

#include "bench/unet_cost.h"
#include "model/unet/unet.h"
#include "train/dp_gradient_step.h"
#include "util/compute_device.h"
#include "util/cpu_memory_meter.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#if defined(DPSAPF_CUDA)
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace dpsapf::core {
namespace {

Expected<UNetConfig> benchmarkUNetConfig(const std::string &base)
{
    UNetConfig config; // SD 1.5
    if (base == "sd21") {
        config.attentionHeads = {5, 10, 20, 20};
        config.crossAttentionDim = 1024;
        config.useLinearProjection = true;
    } else if (base == "narrow") {
        config.blockOutChannels = {32, 64, 128, 128};
    } else if (base != "sd15") {
        return makeError(ErrorCode::InvalidArgument, "--base: must be sd15, sd21 or narrow");
    }
    return config;
}

void synchronize(const torch::Device &device)
{
    if (device.is_cuda()) {
        torch::cuda::synchronize();
    }
}

double imagesPerSecond(std::int64_t batch, std::int64_t repeats, const torch::Device &device,
                       const std::function<void()> &work)
{
    work(); // warm-up (allocator, kernels)
    synchronize(device);
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < repeats; ++i) {
        work();
    }
    synchronize(device);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return static_cast<double>(batch * repeats) / elapsed.count();
}

// Peak memory of one measured phase: the CUDA allocator's statistics, or the CPU meter.
class PeakMemory
{
public:
    explicit PeakMemory(const torch::Device &device)
        : m_device(device)
    {
        if (!device.is_cuda()) {
            m_cpu.emplace();
        }
    }

    void reset()
    {
        if (m_cpu) {
            m_cpu->resetPeak();
        }
#if defined(DPSAPF_CUDA)
        if (m_device.is_cuda()) {
            c10::cuda::CUDACachingAllocator::resetPeakStats(m_device.index());
        }
#endif
    }

    [[nodiscard]] double peakGiB() const
    {
        constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
        if (m_cpu) {
            return static_cast<double>(m_cpu->peakBytes()) / kGiB;
        }
#if defined(DPSAPF_CUDA)
        // Index 0 is StatType::AGGREGATE in every LibTorch version (its namespace moved in 2.x).
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(m_device.index());
        return static_cast<double>(stats.allocated_bytes[0].peak) / kGiB;
#else
        return -1.0;
#endif
    }

private:
    torch::Device m_device;
    std::optional<CpuMemoryMeter> m_cpu;
};

} // namespace

Expected<SdUNetBenchmarkResult> benchmarkSdUNet(const SdUNetBenchmarkConfig &config)
{
    if (config.batchSize < 1 || config.repeats < 1 || config.loraRank < 1 ||
        config.resolution < 64 || config.resolution % 64 != 0) {
        return makeError(ErrorCode::InvalidArgument,
                         "bench sd-unet: batch, repeats and rank must be >= 1 and the resolution "
                         "a multiple of 64");
    }
    if (config.frozenPrecision != "fp32" && config.frozenPrecision != "bf16" &&
        config.frozenPrecision != "fp16") {
        return makeError(ErrorCode::InvalidArgument,
                         "--frozen-precision: must be fp32, bf16 or fp16");
    }
    Expected<UNetConfig> unetConfig = benchmarkUNetConfig(config.base);
    if (!unetConfig) {
        return unetConfig.error();
    }
    Expected<torch::Device> device = resolveComputeDevice(config.device, "--device");
    if (!device) {
        return device.error();
    }
    if (config.frozenPrecision == "fp16" && !device->is_cuda()) {
        return makeError(ErrorCode::InvalidArgument,
                         "--frozen-precision: fp16 needs --device cuda (use bf16 on the CPU)");
    }
    PeakMemory memory(device.value()); // from before the weights exist, so that they count
    torch::manual_seed(config.seed);
    UNet unet(unetConfig.value());
    unet->eval();
    for (auto &parameter : unet->parameters()) {
        parameter.set_requires_grad(false);
    }
    SdUNetBenchmarkResult result;
    result.model = config.base + " UNet (random weights)";
    result.device = device->is_cuda() ? "cuda" : "cpu";
    result.resolution = config.resolution;
    result.batchSize = config.batchSize;
    for (const auto &parameter : unet->parameters()) {
        result.parameters += parameter.numel();
    }
    unet->to(device.value());
    auto generator = at::make_generator<at::CPUGeneratorImpl>(config.seed);
    std::vector<torch::Tensor> lora;
    for (auto &[name, projection] : unet->attentionProjections()) {
        projection->attachLora(config.loraRank, static_cast<double>(config.loraRank), generator);
        torch::NoGradGuard noGrad;
        projection->loraB().normal_(0.0, 0.01); // both factors get gradients
        lora.push_back(projection->loraA());
        lora.push_back(projection->loraB());
    }
    for (auto &tensor : lora) {
        tensor.set_requires_grad(true);
        result.loraParameters += tensor.numel();
    }

    const std::int64_t side = config.resolution / 8, batch = config.batchSize;
    const auto floats = torch::TensorOptions().dtype(torch::kFloat32).device(device.value());
    const torch::Tensor latents = torch::randn({batch, 4, side, side}, floats);
    const torch::Tensor noise = torch::randn({batch, 4, side, side}, floats);
    const torch::Tensor timesteps =
        torch::randint(0, 1000, {batch}, torch::TensorOptions().dtype(torch::kInt64))
            .to(device.value());
    const torch::Tensor context = torch::randn({batch, 77, unetConfig->crossAttentionDim}, floats);
    const auto perRecordLoss = [&] {
        return (unet->forward(latents, timesteps, context) - noise).pow(2).flatten(1).mean(1);
    };
    result.forwardGmacPerImage = unetForwardCost(unetConfig.value(), side, 77).totalMacs() / 1e9;

    result.forwardImagesPerSecond = imagesPerSecond(batch, config.repeats, device.value(), [&] {
        torch::NoGradGuard noGrad;
        (void)unet->forward(latents, timesteps, context);
    });
    torch::optim::AdamW optimizer(lora, torch::optim::AdamWOptions(5e-4).weight_decay(1e-2));
    result.nonprivateStepImagesPerSecond =
        imagesPerSecond(batch, config.repeats, device.value(), [&] {
            optimizer.zero_grad();
            perRecordLoss().mean().backward();
            optimizer.step();
        });

    DpStepConfig stepConfig;
    stepConfig.noiseMultiplier = 1.0;
    stepConfig.expectedBatchSize = static_cast<double>(batch);
    DpGradientStep dpStep(lora, PerSampleConfig{}, stepConfig, NoiseRandomness::Reproducible,
                          config.seed);
    for (auto &[name, projection] : unet->attentionProjections()) {
        projection->setPerSampleRecorder(&dpStep.recorder());
    }
    const auto measureDpStep = [&](const std::string &setting) {
        memory.reset();
        SdUNetDpStepResult measured;
        measured.setting = setting;
        measured.imagesPerSecond = imagesPerSecond(batch, config.repeats, device.value(), [&] {
            optimizer.zero_grad();
            dpStep.recorder().beginMicroBatch(batch);
            perRecordLoss().sum().backward();
            (void)dpStep.recorder().endMicroBatch();
            dpStep.writeGradients();
            optimizer.step();
        });
        measured.peakMemoryGiB = memory.peakGiB();
        result.dpSettings.push_back(measured);
    };
    measureDpStep("fp32");
    unet->setGradientCheckpointing(true);
    measureDpStep("fp32 + checkpointing");
    if (config.frozenPrecision != "fp32") {
        unet->setFrozenWeightType(config.frozenPrecision == "bf16" ? torch::kBFloat16
                                                                   : torch::kFloat16);
        measureDpStep(config.frozenPrecision + " + checkpointing");
    }
    for (auto &[name, projection] : unet->attentionProjections()) {
        projection->setPerSampleRecorder(nullptr);
    }
    result.dpStepImagesPerSecond = result.dpSettings.front().imagesPerSecond;
    result.peakMemoryGiB = result.dpSettings.front().peakMemoryGiB;
    result.dpOverheadRatio = result.nonprivateStepImagesPerSecond / result.dpStepImagesPerSecond;
    // A LoRA step is the forward plus the activation gradients (about one more forward; the
    // frozen weights need no weight gradients, the adapters' are small): 2 forwards of work.
    result.dpStepTflops =
        2.0 * 2.0 * result.forwardGmacPerImage * 1e9 * result.dpStepImagesPerSecond / 1e12;
    if (config.peakTflops > 0.0) {
        result.mfu = result.dpStepTflops / config.peakTflops;
    }
    return result;
}

} // namespace dpsapf::core
