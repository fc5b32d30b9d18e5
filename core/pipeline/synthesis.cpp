// SPDX-License-Identifier: GPL-3.0-or-later
// Seeded class-conditional synthesis and tensor <-> image conversion.
#include "pipeline/synthesis.h"

#include "sample/sampler.h"
#include "train/class_sampling.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

namespace dpsapf::core {

torch::Tensor synthesize(UNet &unet, Conditioner &conditioner, const PublicModel &model,
                         const std::vector<std::int64_t> &labels,
                         const std::vector<std::uint64_t> &seeds, const GenerateSettings &settings,
                         const std::function<void(std::int64_t)> &progress)
{
    const std::int64_t channels = unet->config().inChannels;
    const std::int64_t side = model.unetSampleSize();
    const auto count = static_cast<std::int64_t>(labels.size());
    torch::Tensor noise = torch::empty({count, channels, side, side});
    for (std::int64_t i = 0; i < count; ++i) {
        auto generator =
            at::make_generator<at::CPUGeneratorImpl>(seeds[static_cast<std::size_t>(i)]);
        noise[i].copy_(torch::randn({channels, side, side}, generator,
                                    torch::TensorOptions().dtype(torch::kFloat32)));
    }
    ClassSamplingOptions options;
    options.sampler = parseSampler(settings.sampler).value_or(SamplerKind::DpmSolverPP2M);
    options.steps = settings.steps;
    options.guidanceScale = settings.guidanceScale;
    options.chunk = settings.batchSize;
    const torch::Tensor samples =
        sampleClassesFromNoise(unet, conditioner, model.scheduler,
                               torch::tensor(labels, torch::kInt64), noise, options, progress);
    return ((fromUNetSpace(model, samples).clamp(-1.0, 1.0) + 1.0) * 127.5)
        .round()
        .to(torch::kUInt8)
        .contiguous();
}

std::vector<Image> imagesFromTensor(const torch::Tensor &images)
{
    const torch::Tensor hwc = images.to(torch::kCPU).permute({0, 2, 3, 1}).contiguous();
    std::vector<Image> out;
    const auto pixels = static_cast<std::size_t>(hwc[0].numel());
    const std::uint8_t *data = hwc.data_ptr<std::uint8_t>();
    for (std::int64_t i = 0; i < hwc.size(0); ++i) {
        Image image;
        image.height = static_cast<std::int32_t>(hwc.size(1));
        image.width = static_cast<std::int32_t>(hwc.size(2));
        image.channels = static_cast<std::int32_t>(hwc.size(3));
        image.pixels.assign(data + static_cast<std::size_t>(i) * pixels,
                            data + static_cast<std::size_t>(i + 1) * pixels);
        out.push_back(std::move(image));
    }
    return out;
}

torch::Tensor tensorFromImages(const std::vector<Image> &images)
{
    if (images.empty()) {
        return torch::empty({0, 1, 0, 0}, torch::kUInt8);
    }
    const Image &first = images.front();
    torch::Tensor out = torch::empty(
        {static_cast<std::int64_t>(images.size()), first.height, first.width, first.channels},
        torch::kUInt8);
    std::uint8_t *data = out.data_ptr<std::uint8_t>();
    for (std::size_t i = 0; i < images.size(); ++i) {
        std::copy(images[i].pixels.begin(), images[i].pixels.end(), data + i * first.byteCount());
    }
    return out.permute({0, 3, 1, 2}).contiguous();
}

} // namespace dpsapf::core
