// SPDX-License-Identifier: GPL-3.0-or-later
// Original single-file Stable Diffusion checkpoints (CompVis / A1111 layout, sd-format.md §8):
// the tensors are split by component prefix, renamed with io/key_mapping, and loaded into the
// diffusers-named modules. Component configs come from files beside the checkpoint when present,
// otherwise from the weights plus the SD1/SD2 defaults.
#include "model/sd/stable_diffusion.h"

#include "io/key_mapping.h"
#include "io/lenient_json.h"
#include "io/torch_tensors.h"
#include "model/common/state_dict.h"
#include "util/string_affixes.h"

#include <torch/torch.h>

#include <set>

namespace dpsapf::core {

namespace fs = std::filesystem;

namespace {

struct SplitCheckpoint {
    TensorMap unet, vae, text;
};

Error unmappedKey(const fs::path &file, const std::string &key)
{
    return makeError(ErrorCode::Format,
                     file.string() + ": tensor " + key +
                         " has no counterpart in the diffusers layout (unsupported checkpoint "
                         "variant)");
}

std::int64_t vaeLevels(const TensorMap &tensors)
{
    std::set<std::string> levels;
    const std::string prefix = std::string(kCompvisVaePrefix) + "encoder.down.";
    for (const auto &[name, tensor] : tensors) {
        if (startsWith(name, prefix)) {
            const std::string rest = name.substr(prefix.size());
            levels.insert(rest.substr(0, rest.find('.')));
        }
    }
    return static_cast<std::int64_t>(levels.size());
}

// Renames every tensor of the three components; EMA copies and unknown prefixes are skipped.
Expected<SplitCheckpoint> splitCheckpoint(const fs::path &file, TensorMap &tensors, SdFamily family,
                                          std::int64_t keptTextLayers)
{
    SplitCheckpoint split;
    const std::int64_t levels = vaeLevels(tensors);
    for (auto &[name, tensor] : tensors) {
        if (startsWith(name, kCompvisUNetPrefix)) {
            const auto renamed = unetKeyFromCompvis(name.substr(std::strlen(kCompvisUNetPrefix)));
            if (!renamed) {
                return unmappedKey(file, name);
            }
            split.unet[*renamed] = std::move(tensor);
        } else if (startsWith(name, kCompvisVaePrefix)) {
            const auto renamed =
                vaeKeyFromCompvis(name.substr(std::strlen(kCompvisVaePrefix)), levels);
            if (!renamed) {
                return unmappedKey(file, name);
            }
            split.vae[*renamed] = std::move(tensor);
        } else if (family == SdFamily::Sd1 && startsWith(name, kCompvisClipPrefix)) {
            const auto renamed = clipKeyFromCompvis(name.substr(std::strlen(kCompvisClipPrefix)));
            if (!renamed) {
                return unmappedKey(file, name);
            }
            if (renamed->find("position_ids") == std::string::npos) {
                split.text[*renamed] = std::move(tensor);
            }
        } else if (family == SdFamily::Sd2 && startsWith(name, kOpenClipPrefix)) {
            const auto targets = openClipKeyToTransformers(
                name.substr(std::strlen(kOpenClipPrefix)), keptTextLayers);
            if (!targets) {
                return unmappedKey(file, name);
            }
            for (const OpenClipTarget &target : *targets) {
                split.text[target.name] =
                    target.chunk < 0 ? tensor : tensor.chunk(3, 0)[target.chunk].contiguous();
            }
        }
    }
    return split;
}

// A component config beside the checkpoint (e.g. vae/config.json), or null when absent.
Expected<nlohmann::json> besideConfig(const fs::path &file, const std::string &relative)
{
    const fs::path path = file.parent_path() / relative;
    std::error_code error;
    if (!fs::is_regular_file(path, error)) {
        return nlohmann::json();
    }
    return readLenientJson(path);
}

Expected<UNetConfig> unetConfigFor(const fs::path &file, const TensorMap &tensors, SdFamily family)
{
    Expected<nlohmann::json> json = besideConfig(file, "unet/config.json");
    if (!json) {
        return json.error();
    }
    if (!json->is_null()) {
        return UNetConfig::fromConfigJson(json.value());
    }
    std::map<std::string, std::vector<std::int64_t>> shapes;
    for (const auto &[name, tensor] : tensors) {
        shapes[name] = tensor.sizes().vec();
    }
    Expected<UNetConfig> config = UNetConfig::detectFromWeights(shapes, UNetConfig{});
    if (!config) {
        return config;
    }
    UNetConfig result = config.value();
    if (family == SdFamily::Sd2) { // SD2 heads are 64 wide at every level
        for (std::size_t level = 0; level < result.blockOutChannels.size(); ++level) {
            result.attentionHeads[level] =
                std::max<std::int64_t>(1, result.blockOutChannels[level] / 64);
        }
        result.upcastAttention = true;
    }
    return result;
}

Expected<VaeConfig> vaeConfigFor(const fs::path &file, const TensorMap &tensors)
{
    Expected<nlohmann::json> json = besideConfig(file, "vae/config.json");
    if (!json) {
        return json.error();
    }
    if (!json->is_null()) {
        return VaeConfig::fromConfigJson(json.value(),
                                         (file.parent_path() / "vae/config.json").string());
    }
    VaeConfig config;
    config.blockOutChannels.clear();
    for (int level = 0;; ++level) {
        const auto found = tensors.find("encoder.down_blocks." + std::to_string(level) +
                                        ".resnets.0.conv1.weight");
        if (found == tensors.end()) {
            break;
        }
        config.blockOutChannels.push_back(found->second.size(0));
    }
    config.layersPerBlock = 0;
    while (tensors.count("encoder.down_blocks.0.resnets." + std::to_string(config.layersPerBlock) +
                         ".conv1.weight") > 0) {
        ++config.layersPerBlock;
    }
    if (const auto quant = tensors.find("quant_conv.weight"); quant != tensors.end()) {
        config.latentChannels = quant->second.size(0) / 2;
    }
    return config;
}

Expected<ClipTextConfig> textConfigFor(const fs::path &file, const TensorMap &tensors,
                                       SdFamily family)
{
    Expected<nlohmann::json> json = besideConfig(file, "text_encoder/config.json");
    if (!json) {
        return json.error();
    }
    if (!json->is_null()) {
        Expected<ClipTextConfig> config = ClipTextConfig::fromConfigJson(json.value());
        if (!config) {
            return makeError(config.error().code,
                             (file.parent_path() / "text_encoder/config.json").string() + ": " +
                                 config.error().message);
        }
        return config;
    }
    // SD1: OpenAI CLIP ViT-L/14 text tower (quick GELU); SD2: OpenCLIP ViT-H/14 (exact GELU).
    ClipTextConfig config;
    config.hiddenAct = family == SdFamily::Sd2 ? ClipActivation::Gelu : ClipActivation::QuickGelu;
    const auto embedding = tensors.find("text_model.embeddings.token_embedding.weight");
    const auto fc1 = tensors.find("text_model.encoder.layers.0.mlp.fc1.weight");
    if (embedding == tensors.end() || fc1 == tensors.end()) {
        return makeError(ErrorCode::Format,
                         file.string() + ": the text encoder's token embedding or first layer is "
                                         "missing");
    }
    config.vocabSize = embedding->second.size(0);
    config.hiddenSize = embedding->second.size(1);
    config.intermediateSize = fc1->second.size(0);
    config.numAttentionHeads = std::max<std::int64_t>(1, config.hiddenSize / 64);
    config.numHiddenLayers = 0;
    while (tensors.count("text_model.encoder.layers." + std::to_string(config.numHiddenLayers) +
                         ".layer_norm1.weight") > 0) {
        ++config.numHiddenLayers;
    }
    return config;
}

} // namespace

Expected<StableDiffusionModel> loadSingleFileCheckpoint(const DetectedModel &detected)
{
    const fs::path &file = detected.path;
    const fs::path tokenizerFolder = file.parent_path() / "tokenizer";
    std::error_code error;
    if (!fs::is_regular_file(tokenizerFolder / "vocab.json", error)) {
        return makeError(ErrorCode::Io, file.string() +
                                            ": single-file checkpoints carry no tokenizer; put the "
                                            "CLIP tokenizer files (vocab.json, merges.txt) in " +
                                            tokenizerFolder.string());
    }
    StableDiffusionModel model;
    model.detected = detected;
    Expected<ClipTokenizer> tokenizer = ClipTokenizer::load(tokenizerFolder);
    if (!tokenizer) {
        return tokenizer.error();
    }
    model.tokenizer = std::make_shared<const ClipTokenizer>(std::move(tokenizer.value()));

    Expected<TensorMap> tensors = loadSafetensorsTensors(file);
    if (!tensors) {
        return tensors.error();
    }
    model.storedDtype = "F32";
    for (const auto &[name, tensor] : tensors.value()) {
        if (startsWith(name, kCompvisUNetPrefix)) {
            model.storedDtype = tensor.scalar_type() == torch::kHalf       ? "F16"
                                : tensor.scalar_type() == torch::kBFloat16 ? "BF16"
                                                                           : "F32";
            break;
        }
    }
    // SD2 keeps 23 of OpenCLIP-H's 24 layers (the penultimate layer's output feeds the UNet).
    Expected<nlohmann::json> textJson = besideConfig(file, "text_encoder/config.json");
    std::int64_t keptLayers = 23;
    if (textJson && textJson->is_object() && textJson->contains("num_hidden_layers")) {
        keptLayers = textJson->at("num_hidden_layers").get<std::int64_t>();
    }
    Expected<SplitCheckpoint> split =
        splitCheckpoint(file, tensors.value(), detected.family, keptLayers);
    tensors.value().clear();
    if (!split) {
        return split.error();
    }

    Expected<UNetConfig> unetConfig = unetConfigFor(file, split->unet, detected.family);
    if (!unetConfig) {
        return makeError(unetConfig.error().code,
                         file.string() + ": " + unetConfig.error().message);
    }
    model.unet = UNet(unetConfig.value());
    const std::string source = file.string();
    if (auto loaded = loadStateDict(*model.unet, split->unet, LoadOptions{false, false, source});
        !loaded) {
        return loaded.error();
    }
    model.unet->eval();

    Expected<VaeConfig> vaeConfig = vaeConfigFor(file, split->vae);
    if (!vaeConfig) {
        return vaeConfig.error();
    }
    Expected<AutoencoderKL> vae = buildVae(vaeConfig.value(), split->vae, source);
    if (!vae) {
        return vae.error();
    }
    model.vae = vae.value();

    Expected<ClipTextConfig> textConfig = textConfigFor(file, split->text, detected.family);
    if (!textConfig) {
        return textConfig.error();
    }
    if (auto valid = textConfig->validate(); !valid) {
        return makeError(valid.error().code, source + ": text encoder: " + valid.error().message);
    }
    model.textEncoder = ClipTextModel(textConfig.value());
    if (auto loaded = loadClipTextWeights(model.textEncoder, split->text, source); !loaded) {
        return loaded.error();
    }
    model.textEncoder->eval();

    Expected<nlohmann::json> schedulerJson = besideConfig(file, "scheduler/scheduler_config.json");
    if (!schedulerJson) {
        return schedulerJson.error();
    }
    if (!schedulerJson->is_null()) {
        Expected<SchedulerConfig> scheduler = SchedulerConfig::fromJson(schedulerJson.value());
        if (!scheduler) {
            return makeError(ErrorCode::Format, (file.parent_path() / "scheduler").string() + ": " +
                                                    scheduler.error().message);
        }
        model.scheduler = scheduler.value();
    } else {
        // The settings of SD's own scheduler_config.json (PNDM, leading spacing, offset 1).
        model.scheduler = SchedulerConfig{};
        model.scheduler.timestepSpacing = TimestepSpacing::Leading;
    }
    return model;
}

} // namespace dpsapf::core
