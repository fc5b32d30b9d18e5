// SPDX-License-Identifier: GPL-3.0-or-later
// Deciding what a public-model path is (sd-format.md §1.3).
#include "model/sd/model_detection.h"

#include "dpsapf/core/safetensors.h"
#include "io/key_mapping.h"
#include "io/lenient_json.h"
#include "util/string_affixes.h"

#include <algorithm>
#include <cctype>

namespace dpsapf::core {

namespace fs = std::filesystem;

namespace {

std::string lowerExtension(const fs::path &path)
{
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension;
}

Expected<DetectedModel> detectFolder(const fs::path &folder)
{
    std::error_code error;
    DetectedModel detected;
    detected.path = folder;
    if (fs::is_regular_file(folder / "dpsapf_model.json", error)) {
        detected.layout = ModelLayout::BundledPixel;
        detected.description = "DP-SAPF Studio pixel-space model folder";
        return detected;
    }
    if (!fs::is_regular_file(folder / "model_index.json", error)) {
        if (fs::is_regular_file(folder / "config.json", error)) {
            return makeError(ErrorCode::Format,
                             folder.string() +
                                 ": a single diffusers component; give the pipeline folder above "
                                 "it (the one with model_index.json)");
        }
        return makeError(ErrorCode::Format,
                         folder.string() +
                             ": not a model folder (no model_index.json of a diffusers pipeline "
                             "and no dpsapf_model.json)");
    }
    for (const std::string &component : requiredPipelineComponents()) {
        if (!fs::is_directory(folder / component, error)) {
            return makeError(ErrorCode::Io, (folder / component).string() +
                                                ": missing (a Stable Diffusion pipeline folder "
                                                "needs unet/, vae/, text_encoder/, tokenizer/ "
                                                "and scheduler/)");
        }
    }
    detected.layout = ModelLayout::DiffusersPipeline;
    // SD2 UNets use linear proj_in/proj_out; the loader parses the whole config properly.
    detected.family = SdFamily::Sd1;
    const fs::path unetConfig = folder / "unet" / "config.json";
    if (Expected<nlohmann::json> config = readLenientJson(unetConfig); config) {
        const auto linear = config->find("use_linear_projection");
        if (config->is_object() && linear != config->end() && linear->is_boolean() &&
            linear->get<bool>()) {
            detected.family = SdFamily::Sd2;
        }
    } else {
        return config.error();
    }
    detected.description = std::string("diffusers Stable Diffusion pipeline folder (") +
                           (detected.family == SdFamily::Sd2 ? "SD 2.x" : "SD 1.x") + " layout)";
    return detected;
}

Expected<DetectedModel> detectSafetensorsFile(const fs::path &file)
{
    Expected<SafetensorsHeader> header = readSafetensorsHeader(file);
    if (!header) {
        return header.error();
    }
    bool unet = false, openClip = false, clip = false, sdxl = false, loraKeys = false;
    std::int64_t inputChannels = 0, crossAttentionWidth = 0;
    bool linearProjection = false;
    const std::string unetPrefix = kCompvisUNetPrefix;
    for (const SafetensorsEntry &entry : header->entries) {
        const std::string &name = entry.name;
        if (startsWith(name, unetPrefix)) {
            unet = true;
            const std::string rest = name.substr(unetPrefix.size());
            if (rest == "input_blocks.0.0.weight" && entry.shape.size() == 4) {
                inputChannels = entry.shape[1];
            } else if (rest == "input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight" &&
                       entry.shape.size() == 2) {
                crossAttentionWidth = entry.shape[1];
            } else if (rest == "input_blocks.1.1.proj_in.weight") {
                linearProjection = entry.shape.size() == 2;
            }
        }
        openClip = openClip || startsWith(name, kOpenClipPrefix);
        clip = clip || startsWith(name, kCompvisClipPrefix);
        sdxl = sdxl || startsWith(name, "conditioner.embedders.");
        loraKeys = loraKeys || startsWith(name, "lora_unet_") || startsWith(name, "lora_te_") ||
                   name.find(".lora_A.") != std::string::npos ||
                   name.find(".lora.down.") != std::string::npos ||
                   name.find(".lora_down.") != std::string::npos;
    }
    const std::string where = file.string() + ": ";
    if (sdxl) {
        return makeError(ErrorCode::Format,
                         where + "an SDXL checkpoint (conditioner.embedders.*); only Stable "
                                 "Diffusion 1.x and 2.x are supported");
    }
    if (!unet) {
        if (loraKeys) {
            return makeError(ErrorCode::Format,
                             where + "a LoRA file, not a model; give it as a LoRA (--lora) on "
                                     "top of its base model");
        }
        return makeError(ErrorCode::Format,
                         where + "no model.diffusion_model.* tensors: not an original Stable "
                                 "Diffusion checkpoint");
    }
    if (inputChannels != 4) {
        return makeError(ErrorCode::Format,
                         where + "the UNet takes " + std::to_string(inputChannels) +
                             " input channels (an inpainting or other special model); only "
                             "4-channel text-to-image models are supported");
    }
    DetectedModel detected;
    detected.layout = ModelLayout::SingleFile;
    detected.path = file;
    // The text tower's format is the primary signal; widths confirm it for full-size models.
    detected.family = openClip || (!clip && (crossAttentionWidth == 1024 || linearProjection))
                          ? SdFamily::Sd2
                          : SdFamily::Sd1;
    if (!openClip && !clip) {
        return makeError(ErrorCode::Format, where + "no text encoder tensors (" +
                                                std::string(kCompvisClipPrefix) + "* or " +
                                                kOpenClipPrefix + "*)");
    }
    detected.description = std::string("original single-file Stable Diffusion checkpoint (") +
                           (detected.family == SdFamily::Sd2 ? "SD 2.x" : "SD 1.x") + ")";
    return detected;
}

} // namespace

std::string sdFamilyName(SdFamily family)
{
    return family == SdFamily::Sd2 ? "sd2" : "sd1";
}

const std::vector<std::string> &requiredPipelineComponents()
{
    static const std::vector<std::string> components{"unet", "vae", "text_encoder", "tokenizer",
                                                     "scheduler"};
    return components;
}

Expected<DetectedModel> detectModel(const fs::path &path)
{
    std::error_code error;
    if (fs::is_directory(path, error)) {
        return detectFolder(path);
    }
    if (!fs::exists(path, error)) {
        return makeError(ErrorCode::Io, path.string() + ": no such file or folder");
    }
    const std::string extension = lowerExtension(path);
    if (extension == ".ckpt" || extension == ".bin" || extension == ".pt" || extension == ".pth" ||
        extension == ".pkl") {
        return makeError(ErrorCode::Format,
                         path.string() +
                             ": a pickle file; these are never loaded because unpickling can run "
                             "arbitrary code. Convert it to .safetensors first");
    }
    if (extension != ".safetensors") {
        return makeError(ErrorCode::Format,
                         path.string() + ": unknown model file type (expected a .safetensors "
                                         "checkpoint or a model folder)");
    }
    return detectSafetensorsFile(path);
}

} // namespace dpsapf::core
