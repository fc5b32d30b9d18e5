// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf bench unet`: training-step and sampling throughput (images/s) of the sapf-tiny UNet.
#include "dpsapf/core/benchmarks.h"

#include "model/unet/unet.h"
#include "sample/sampler.h"
#include "train/pretrain.h"

#include <torch/torch.h>

#include <chrono>

namespace dpsapf::core {

Expected<UNetBenchmarkResult> benchmarkUNet(std::int64_t batchSize, std::int64_t samplingSteps,
                                            std::int64_t repeats)
{
    if (batchSize < 1 || samplingSteps < 1 || repeats < 1) {
        return makeError(ErrorCode::InvalidArgument,
                         "bench unet: batch, steps and repeats must be >= 1");
    }
    torch::manual_seed(0);
    const UNetConfig config = sapfTinyUNetConfig();
    UNet unet(config);
    UNetBenchmarkResult result;
    result.model = "sapf-tiny (random weights)";
    result.batchSize = batchSize;
    result.samplingSteps = samplingSteps;

    const std::int64_t side = config.sampleSize;
    const torch::Tensor clean = torch::rand({batchSize, config.inChannels, side, side}) * 2 - 1;
    const torch::Tensor noise = torch::randn_like(clean);
    const torch::Tensor timesteps = torch::randint(0, 1000, {batchSize}, torch::kInt64);
    const torch::Tensor context = torch::randn({batchSize, 1, config.crossAttentionDim});
    torch::optim::AdamW optimizer(unet->parameters(), torch::optim::AdamWOptions(1e-4));
    const auto trainStep = [&] {
        optimizer.zero_grad();
        (unet->forward(clean, timesteps, context) - noise).pow(2).mean().backward();
        optimizer.step();
    };
    trainStep(); // warm-up
    auto start = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < repeats; ++i) {
        trainStep();
    }
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    result.trainImagesPerSecond = static_cast<double>(batchSize * repeats) / elapsed.count();

    // DDIM with classifier-free guidance: one UNet call on [uncond; cond] per step.
    unet->eval();
    torch::NoGradGuard noGrad;
    auto sampler = makeSampler(SamplerKind::Ddim, SchedulerConfig{});
    const torch::Tensor contexts = torch::cat({torch::zeros_like(context), context});
    start = std::chrono::steady_clock::now();
    sampler->setTimesteps(samplingSteps);
    torch::Tensor x = torch::randn_like(clean);
    for (std::size_t i = 0; i < sampler->timesteps().size(); ++i) {
        const torch::Tensor t =
            torch::full({2 * batchSize}, sampler->timesteps()[i], torch::kInt64);
        const auto outputs = unet->forward(torch::cat({x, x}), t, contexts).chunk(2);
        const torch::Tensor guided = outputs[0] + 3.0 * (outputs[1] - outputs[0]);
        x = sampler->step(guided, i, x);
    }
    elapsed = std::chrono::steady_clock::now() - start;
    result.samplingImagesPerSecond = static_cast<double>(batchSize) / elapsed.count();
    return result;
}

} // namespace dpsapf::core
