// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf generate --public-model …`: load, optionally apply a LoRA file, sample, write outputs.
#include "dpsapf/core/text_to_image.h"

#include "data/image_codec.h"
#include "dpsapf/core/atomic_file.h"
#include "io/torch_tensors.h"
#include "model/sd/text_to_image.h"
#include "pipeline/lora_files.h"
#include "pipeline/synthesis.h"
#include "util/compute_device.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>

namespace dpsapf::core {

namespace fs = std::filesystem;

namespace {

Error flagError(const std::string &flag, const std::string &message)
{
    return makeError(ErrorCode::InvalidArgument, flag + ": " + message);
}

Expected<torch::Tensor> initialLatents(const TextToImageSettings &settings,
                                       const StableDiffusionModel &model)
{
    const std::int64_t channels = model.unet->config().inChannels;
    const std::int64_t scale = model.vaeScale();
    if (!settings.initialLatents.empty()) {
        Expected<torch::Tensor> loaded = loadNpyTensor(settings.initialLatents);
        if (!loaded) {
            return loaded.error();
        }
        const torch::Tensor latents = loaded.value().to(torch::kFloat32);
        if (latents.dim() != 4 || latents.size(1) != channels) {
            return flagError("--initial-latents", settings.initialLatents +
                                                      ": expected float32 [B, " +
                                                      std::to_string(channels) + ", h, w]");
        }
        return latents;
    }
    const std::int64_t height = settings.height > 0 ? settings.height : model.nativeResolution();
    const std::int64_t width = settings.width > 0 ? settings.width : model.nativeResolution();
    if (height % scale != 0 || width % scale != 0) {
        return flagError("--height/--width",
                         "must be multiples of the VAE's scale " + std::to_string(scale));
    }
    torch::Generator generator = at::make_generator<at::CPUGeneratorImpl>(settings.seed);
    return torch::randn({settings.images, channels, height / scale, width / scale}, generator,
                        torch::TensorOptions().dtype(torch::kFloat32));
}

Expected<bool> writeOutputs(const TextToImageSettings &settings, const PromptSamplingResult &result,
                            const nlohmann::json &record, TextToImageSummary &summary)
{
    if (!settings.saveNpy.empty()) {
        if (auto saved =
                saveNpyTensor(settings.saveNpy, result.images.permute({0, 2, 3, 1}).contiguous());
            !saved) {
            return saved.error();
        }
        summary.files.push_back(settings.saveNpy);
    }
    if (!settings.saveLatents.empty()) {
        if (auto saved = saveNpyTensor(settings.saveLatents, result.stepLatents.contiguous());
            !saved) {
            return saved.error();
        }
        summary.files.push_back(settings.saveLatents);
    }
    if (!settings.outDir.empty()) {
        const fs::path out(settings.outDir);
        std::error_code error;
        fs::create_directories(out, error);
        if (error) {
            return makeError(ErrorCode::Io, out.string() + ": " + error.message());
        }
        const std::vector<Image> images =
            imagesFromTensor((result.images * 255.0).round().clamp(0, 255).to(torch::kUInt8));
        for (std::size_t i = 0; i < images.size(); ++i) {
            char name[32];
            std::snprintf(name, sizeof name, "image_%04zu.png", i);
            if (auto written = writePng(out / name, images[i]); !written) {
                return written.error();
            }
            summary.files.push_back((out / name).string());
        }
        if (auto written = writeFileAtomically(out / "generation.json", record.dump(2) + "\n");
            !written) {
            return written.error();
        }
        summary.files.push_back((out / "generation.json").string());
    }
    return true;
}

} // namespace

Expected<bool> TextToImageSettings::validate() const
{
    if (publicModel.empty()) {
        return flagError("--public-model", "required (a pipeline folder or a .safetensors file)");
    }
    if (steps < 1 || steps > 1000) {
        return flagError("--steps", "must be in [1, 1000]");
    }
    if (!(guidance >= 0.0) || guidance > 100.0) {
        return flagError("--guidance", "must be in [0, 100]");
    }
    if (!parseSampler(scheduler)) {
        return flagError("--scheduler", "must be ddim, dpmpp-2m or dpmpp-2m-karras");
    }
    if (height < 0 || width < 0 || height > 4096 || width > 4096) {
        return flagError("--height/--width", "must be in [0, 4096] (0 = the model's size)");
    }
    if (images < 1 || images > 1024) {
        return flagError("--images", "must be in [1, 1024]");
    }
    if (clipSkip < 0 || clipSkip > 1) {
        return flagError("--clip-skip", "must be 0 or 1");
    }
    if (!(loraScale >= -10.0 && loraScale <= 10.0)) {
        return flagError("--lora-scale", "must be in [-10, 10]");
    }
    if (outDir.empty() && saveNpy.empty() && saveLatents.empty()) {
        return flagError("--out", "give --out, --save-npy or --save-latents (nothing would be "
                                  "written)");
    }
    if (!predictionType.empty() && predictionType != "epsilon" &&
        predictionType != "v_prediction") {
        return flagError("--prediction-type", "must be epsilon or v_prediction");
    }
    if (device != "cpu" && device != "cuda" && device != "auto") {
        return flagError("--device", "must be cpu, cuda or auto");
    }
    return true;
}

Expected<TextToImageSummary>
runTextToImage(const TextToImageSettings &settings,
               const std::function<void(std::int64_t, std::int64_t)> &progress)
{
    if (auto valid = settings.validate(); !valid) {
        return valid.error();
    }
    const auto start = std::chrono::steady_clock::now();
    Expected<torch::Device> device = resolveComputeDevice(settings.device, "--device");
    if (!device) {
        return device.error();
    }
    Expected<StableDiffusionModel> model = loadStableDiffusion(fs::path(settings.publicModel));
    if (!model) {
        return model.error();
    }
    if (!settings.predictionType.empty()) {
        model.value().scheduler.predictionType = settings.predictionType == "epsilon"
                                                     ? PredictionType::Epsilon
                                                     : PredictionType::VPrediction;
    }
    if (!settings.lora.empty()) {
        std::vector<std::string> modules;
        for (const auto &[name, projection] : model->unet->attentionProjections()) {
            modules.push_back(name);
        }
        Expected<std::vector<LoraAdapter>> adapters = readLoraFile(settings.lora, modules);
        if (!adapters) {
            return adapters.error();
        }
        if (auto applied = applyLora(model.value().unet, adapters.value(), settings.loraScale);
            !applied) {
            return applied.error();
        }
    }
    Expected<torch::Tensor> latents = initialLatents(settings, model.value());
    if (!latents) {
        return latents.error();
    }
    const std::int64_t unetMultiple = std::int64_t(1) << (model->unet->config().levels() - 1);
    if (latents->size(2) % unetMultiple != 0 || latents->size(3) % unetMultiple != 0) {
        return flagError("--height/--width", "the latent side must be a multiple of " +
                                                 std::to_string(unetMultiple) + " (images of " +
                                                 std::to_string(unetMultiple * model->vaeScale()) +
                                                 " px steps)");
    }
    moveStableDiffusion(model.value(), device.value());
    PromptSamplingOptions options;
    options.sampler = parseSampler(settings.scheduler).value();
    options.steps = settings.steps;
    options.guidanceScale = settings.guidance;
    options.clipSkip = settings.clipSkip;
    options.keepStepLatents = !settings.saveLatents.empty();
    const std::vector<std::string> negative =
        settings.negativePrompt.empty() ? std::vector<std::string>{}
                                        : std::vector<std::string>{settings.negativePrompt};
    const PromptSamplingResult result =
        sampleFromPrompts(model.value(), {settings.prompt}, negative, latents.value(), options,
                          [&](std::int64_t done) {
                              if (progress) {
                                  progress(done, settings.steps);
                              }
                          });

    TextToImageSummary summary;
    summary.model = model->detected.description + ": " + settings.publicModel;
    summary.device = device->is_cuda() ? "cuda" : "cpu";
    const std::optional<TimestepSpacing> spacing = model->scheduler.timestepSpacing;
    summary.scheduler =
        settings.scheduler +
        (spacing ? ", " + timestepSpacingName(*spacing) + " spacing" : std::string());
    summary.timesteps = result.timesteps;
    summary.images = result.images.size(0);
    summary.height = result.images.size(2);
    summary.width = result.images.size(3);
    const nlohmann::json record{
        {"public_model", settings.publicModel},
        {"family", sdFamilyName(model->detected.family)},
        {"prompt", settings.prompt},
        {"negative_prompt", settings.negativePrompt},
        {"scheduler", settings.scheduler},
        {"timesteps", result.timesteps},
        {"steps", settings.steps},
        {"guidance", settings.guidance},
        {"seed",
         settings.initialLatents.empty() ? nlohmann::json(settings.seed) : nlohmann::json()},
        {"initial_latents", settings.initialLatents},
        {"lora", settings.lora},
        {"lora_scale", settings.loraScale},
        {"clip_skip", settings.clipSkip},
        {"prediction_type",
         model->scheduler.predictionType == PredictionType::Epsilon ? "epsilon" : "v_prediction"},
        {"height", summary.height},
        {"width", summary.width},
        {"device", summary.device},
    };
    if (auto written = writeOutputs(settings, result, record, summary); !written) {
        return written.error();
    }
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

} // namespace dpsapf::core
