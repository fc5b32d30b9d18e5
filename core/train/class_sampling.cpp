// SPDX-License-Identifier: GPL-3.0-or-later
// Class-conditional sampling with classifier-free guidance.
#include "train/class_sampling.h"

#include "sample/guided_denoising.h"

#include <torch/torch.h>

#include <algorithm>

namespace dpsapf::core {

namespace {

// One chunk: always guided, so that w = 0 samples unconditionally and w = 1 conditionally.
torch::Tensor denoiseChunk(UNet &unet, Conditioner &conditioner, const SchedulerConfig &scheduler,
                           const torch::Tensor &labels, const torch::Tensor &sample,
                           const ClassSamplingOptions &options)
{
    DenoisingOptions denoising;
    denoising.sampler = options.sampler;
    denoising.steps = options.steps;
    denoising.guidanceScale = options.guidanceScale;
    return denoise(unet, scheduler, conditioner.context(labels),
                   conditioner.nullContext(labels.size(0)), sample, denoising)
        .latents;
}

} // namespace

torch::Tensor sampleClasses(UNet &unet, Conditioner &conditioner, const SchedulerConfig &scheduler,
                            const torch::Tensor &labels, const ClassSamplingOptions &options,
                            torch::Generator generator)
{
    torch::NoGradGuard noGrad;
    const UNetConfig &config = unet->config();
    const auto device = unet->parameters().front().device();
    std::vector<torch::Tensor> outputs;
    const std::int64_t total = labels.size(0);
    for (std::int64_t start = 0; start < total; start += options.chunk) {
        const std::int64_t count = std::min(options.chunk, total - start);
        const torch::Tensor sample =
            torch::randn({count, config.inChannels, config.sampleSize, config.sampleSize},
                         generator, torch::TensorOptions().dtype(torch::kFloat32))
                .to(device);
        outputs.push_back(denoiseChunk(unet, conditioner, scheduler,
                                       labels.slice(0, start, start + count).to(device), sample,
                                       options));
    }
    return outputs.empty()
               ? torch::empty({0, config.inChannels, config.sampleSize, config.sampleSize})
               : torch::cat(outputs, 0);
}

torch::Tensor sampleClassesFromNoise(UNet &unet, Conditioner &conditioner,
                                     const SchedulerConfig &scheduler, const torch::Tensor &labels,
                                     const torch::Tensor &noise,
                                     const ClassSamplingOptions &options,
                                     const std::function<void(std::int64_t)> &progress)
{
    torch::NoGradGuard noGrad;
    const auto device = unet->parameters().front().device();
    std::vector<torch::Tensor> outputs;
    const std::int64_t total = labels.size(0);
    for (std::int64_t start = 0; start < total; start += options.chunk) {
        const std::int64_t end = std::min(total, start + options.chunk);
        outputs.push_back(denoiseChunk(unet, conditioner, scheduler,
                                       labels.slice(0, start, end).to(device),
                                       noise.slice(0, start, end).to(device), options));
        if (progress) {
            progress(end);
        }
    }
    return outputs.empty() ? torch::empty_like(noise) : torch::cat(outputs, 0);
}

std::vector<Image> tensorToGrayImages(const torch::Tensor &images)
{
    const torch::Tensor bytes = ((images.detach().to(torch::kCPU).clamp(-1.0, 1.0) + 1.0) * 127.5)
                                    .round()
                                    .to(torch::kUInt8)
                                    .contiguous();
    std::vector<Image> out;
    const std::int64_t count = bytes.size(0);
    const auto height = static_cast<std::int32_t>(bytes.size(2));
    const auto width = static_cast<std::int32_t>(bytes.size(3));
    const std::size_t pixels = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    const std::uint8_t *data = bytes.data_ptr<std::uint8_t>();
    for (std::int64_t i = 0; i < count; ++i) {
        Image image;
        image.width = width;
        image.height = height;
        image.channels = 1;
        image.pixels.assign(data + static_cast<std::size_t>(i) * pixels,
                            data + static_cast<std::size_t>(i + 1) * pixels);
        out.push_back(std::move(image));
    }
    return out;
}

} // namespace dpsapf::core
