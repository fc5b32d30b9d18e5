// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt-conditioned sampling with classifier-free guidance and the VAE decode.
#include "model/sd/text_to_image.h"

#include <torch/torch.h>

namespace dpsapf::core {

namespace {

std::vector<std::string> broadcastPrompts(const std::vector<std::string> &prompts,
                                          std::int64_t batch)
{
    if (static_cast<std::int64_t>(prompts.size()) == batch) {
        return prompts;
    }
    TORCH_CHECK(prompts.size() == 1, "sampleFromPrompts: give one prompt or one per latent");
    return std::vector<std::string>(static_cast<std::size_t>(batch), prompts.front());
}

} // namespace

PromptSamplingResult denoiseLatents(UNet &unet, const SchedulerConfig &scheduler,
                                    const torch::Tensor &cond, const torch::Tensor &uncond,
                                    const torch::Tensor &initialLatents,
                                    const PromptSamplingOptions &options,
                                    const std::function<void(std::int64_t)> &progress)
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = unet->is_training();
    unet->eval();
    const auto device = unet->parameters().front().device();
    const bool guided = options.guidanceScale > 1.0;
    const torch::Tensor context =
        guided ? torch::cat({uncond.to(device), cond.to(device)}, 0) : cond.to(device);
    std::unique_ptr<Sampler> sampler = makeSampler(options.sampler, scheduler);
    sampler->setTimesteps(options.steps);
    PromptSamplingResult result;
    result.timesteps = sampler->timesteps();
    std::vector<torch::Tensor> steps;
    torch::Tensor latents = initialLatents.to(device, torch::kFloat32);
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
    if (options.keepStepLatents && !steps.empty()) {
        result.stepLatents = torch::stack(steps, 0);
    }
    return result;
}

PromptSamplingResult sampleFromPrompts(StableDiffusionModel &model,
                                       const std::vector<std::string> &prompts,
                                       const std::vector<std::string> &negativePrompts,
                                       const torch::Tensor &initialLatents,
                                       const PromptSamplingOptions &options,
                                       const std::function<void(std::int64_t)> &progress)
{
    torch::NoGradGuard noGrad;
    const std::int64_t batch = initialLatents.size(0);
    const torch::Tensor cond =
        encodePrompts(model, broadcastPrompts(prompts, batch), options.clipSkip);
    torch::Tensor uncond;
    if (options.guidanceScale > 1.0) {
        // diffusers encodes "" when no negative prompt is given.
        const std::vector<std::string> negative =
            negativePrompts.empty() ? std::vector<std::string>{""} : negativePrompts;
        uncond = encodePrompts(model, broadcastPrompts(negative, batch), options.clipSkip);
    }
    PromptSamplingResult result = denoiseLatents(model.unet, model.scheduler, cond, uncond,
                                                 initialLatents, options, progress);
    const auto device = model.vae->parameters().front().device();
    model.vae->eval();
    result.images = model.vae->decodeToImages(result.latents.to(device)).to(torch::kCPU);
    return result;
}

} // namespace dpsapf::core
