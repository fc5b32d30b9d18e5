// SPDX-License-Identifier: GPL-3.0-or-later
// The guided denoising loop.
#include "sample/guided_denoising.h"

#include <torch/torch.h>

namespace dpsapf::core {

DenoisingResult denoise(UNet &unet, const SchedulerConfig &scheduler, const torch::Tensor &cond,
                        const torch::Tensor &uncond, const torch::Tensor &initial,
                        const DenoisingOptions &options,
                        const std::function<void(std::int64_t)> &progress)
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = unet->is_training();
    unet->eval();
    const auto device = unet->parameters().front().device();
    const bool guided = uncond.defined();
    const torch::Tensor context =
        guided ? torch::cat({uncond.to(device), cond.to(device)}, 0) : cond.to(device);
    std::unique_ptr<Sampler> sampler = makeSampler(options.sampler, scheduler);
    sampler->setTimesteps(options.steps);
    DenoisingResult result;
    result.timesteps = sampler->timesteps();
    std::vector<torch::Tensor> steps;
    torch::Tensor latents = initial.to(device, torch::kFloat32);
    for (std::size_t i = 0; i < result.timesteps.size(); ++i) {
        const torch::Tensor input = guided ? torch::cat({latents, latents}, 0) : latents;
        const torch::Tensor t = torch::full({input.size(0)}, result.timesteps[i],
                                            torch::TensorOptions().dtype(torch::kInt64))
                                    .to(device);
        torch::Tensor output = unet->forward(input, t, context);
        if (guided) {
            const auto halves = output.chunk(2, 0);
            output = halves[0] + options.guidanceScale * (halves[1] - halves[0]);
        }
        latents = sampler->step(output, i, latents);
        if (options.keepStepLatents) {
            steps.push_back(latents.to(torch::kCPU));
        }
        if (progress) {
            progress(static_cast<std::int64_t>(i) + 1);
        }
    }
    if (wasTraining) {
        unet->train();
    }
    result.latents = latents.to(torch::kCPU);
    if (!steps.empty()) {
        result.stepLatents = torch::stack(steps, 0);
    }
    return result;
}

} // namespace dpsapf::core
