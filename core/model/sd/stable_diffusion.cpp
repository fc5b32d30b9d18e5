// SPDX-License-Identifier: GPL-3.0-or-later
// Loading a Stable Diffusion pipeline folder; prompt encoding; device placement.
#include "model/sd/stable_diffusion.h"

#include "dpsapf/core/safetensors.h"
#include "io/lenient_json.h"

#include <torch/torch.h>

namespace dpsapf::core {

namespace fs = std::filesystem;

namespace {

Expected<SchedulerConfig> loadSchedulerConfig(const fs::path &file)
{
    Expected<nlohmann::json> json = readLenientJson(file);
    if (!json) {
        return json.error();
    }
    Expected<SchedulerConfig> config = SchedulerConfig::fromJson(json.value());
    if (!config) {
        return makeError(ErrorCode::Format, file.string() + ": " + config.error().message);
    }
    return config;
}

// The dtype most of a safetensors file's floating-point tensors are stored in.
std::string storedFloatDtype(const fs::path &file)
{
    Expected<SafetensorsHeader> header = readSafetensorsHeader(file);
    if (!header) {
        return "unknown";
    }
    std::map<std::string, std::size_t> counts;
    for (const SafetensorsEntry &entry : header->entries) {
        if (entry.dtype == TensorDType::F32 || entry.dtype == TensorDType::F16 ||
            entry.dtype == TensorDType::BF16) {
            ++counts[dtypeName(entry.dtype)];
        }
    }
    std::string best = "unknown";
    std::size_t most = 0;
    for (const auto &[name, count] : counts) {
        if (count > most) {
            best = name;
            most = count;
        }
    }
    return best;
}

Expected<StableDiffusionModel> loadPipelineFolder(const DetectedModel &detected)
{
    const fs::path &folder = detected.path;
    StableDiffusionModel model;
    model.detected = detected;
    Expected<UNet> unet = loadUNetFolder(folder / "unet");
    if (!unet) {
        return unet.error();
    }
    model.unet = unet.value();
    model.storedDtype = storedFloatDtype(folder / "unet" / "diffusion_pytorch_model.safetensors");
    Expected<AutoencoderKL> vae = loadVaeFolder(folder / "vae");
    if (!vae) {
        return vae.error();
    }
    model.vae = vae.value();
    Expected<ClipTextModel> text = loadClipTextModelFolder(folder / "text_encoder");
    if (!text) {
        return text.error();
    }
    model.textEncoder = text.value();
    Expected<ClipTokenizer> tokenizer = ClipTokenizer::load(folder / "tokenizer");
    if (!tokenizer) {
        return tokenizer.error();
    }
    model.tokenizer = std::make_shared<const ClipTokenizer>(std::move(tokenizer.value()));
    Expected<SchedulerConfig> scheduler =
        loadSchedulerConfig(folder / "scheduler" / "scheduler_config.json");
    if (!scheduler) {
        return scheduler.error();
    }
    model.scheduler = scheduler.value();
    return model;
}

} // namespace

Expected<StableDiffusionModel> loadStableDiffusion(const DetectedModel &detected)
{
    Expected<StableDiffusionModel> model =
        detected.layout == ModelLayout::SingleFile ? loadSingleFileCheckpoint(detected)
        : detected.layout == ModelLayout::DiffusersPipeline
            ? loadPipelineFolder(detected)
            : Expected<StableDiffusionModel>(makeError(
                  ErrorCode::Format, detected.path.string() + ": not a Stable Diffusion model"));
    if (!model) {
        return model;
    }
    // The three networks must agree on widths; a mismatch means mixed-up components.
    const std::int64_t contextWidth = model->unet->config().crossAttentionDim;
    if (model->textEncoder->config().hiddenSize != contextWidth) {
        return makeError(ErrorCode::Format,
                         detected.path.string() + ": the text encoder is " +
                             std::to_string(model->textEncoder->config().hiddenSize) +
                             " wide but the UNet's cross_attention_dim is " +
                             std::to_string(contextWidth));
    }
    if (model->vae->latentChannels() != model->unet->config().inChannels) {
        return makeError(ErrorCode::Format, detected.path.string() + ": the VAE has " +
                                                std::to_string(model->vae->latentChannels()) +
                                                " latent channels but the UNet takes " +
                                                std::to_string(model->unet->config().inChannels));
    }
    return model;
}

Expected<StableDiffusionModel> loadStableDiffusion(const fs::path &path)
{
    Expected<DetectedModel> detected = detectModel(path);
    if (!detected) {
        return detected.error();
    }
    return loadStableDiffusion(detected.value());
}

torch::Tensor encodePrompts(StableDiffusionModel &model, const std::vector<std::string> &prompts,
                            int clipSkip)
{
    torch::NoGradGuard noGrad;
    const std::size_t length = model.tokenizer->config().modelMaxLength;
    std::vector<std::int64_t> ids;
    ids.reserve(prompts.size() * length);
    for (const std::string &prompt : prompts) {
        const std::vector<std::int64_t> row = model.tokenizer->encodePadded(prompt, length);
        ids.insert(ids.end(), row.begin(), row.end());
    }
    const auto device = model.textEncoder->parameters().front().device();
    const torch::Tensor tokens =
        torch::tensor(ids, torch::TensorOptions().dtype(torch::kInt64))
            .view({static_cast<std::int64_t>(prompts.size()), static_cast<std::int64_t>(length)})
            .to(device);
    return encodePrompt(model.textEncoder, tokens, clipSkip);
}

void moveStableDiffusion(StableDiffusionModel &model, const torch::Device &device)
{
    model.unet->to(device);
    model.vae->to(device);
    model.textEncoder->to(device);
}

} // namespace dpsapf::core
