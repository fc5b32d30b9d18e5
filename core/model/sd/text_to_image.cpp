// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt-conditioned sampling: prompt embeddings, the guided denoising loop, the VAE decode.
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
    PromptSamplingResult result;
    static_cast<DenoisingResult &>(result) =
        denoise(model.unet, model.scheduler, cond, uncond, initialLatents, options, progress);
    const auto device = model.vae->parameters().front().device();
    model.vae->eval();
    result.images = model.vae->decodeToImages(result.latents.to(device)).to(torch::kCPU);
    return result;
}

} // namespace dpsapf::core
