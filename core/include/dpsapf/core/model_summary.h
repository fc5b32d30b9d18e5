// SPDX-License-Identifier: GPL-3.0-or-later
// What a public model is, for the GUI's model view and the privacy preview: image size, class
// names, parameter counts and the DP-SAPF candidate matrices (the attention projections) with
// their shapes. Torch-free API.
#pragma once

#include "dpsapf/core/expected.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::core {

struct AttentionMatrixInfo {
    std::string key;          // "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q"
    std::int64_t rows = 0;    // out features
    std::int64_t columns = 0; // in features
};

struct ModelComponent {
    std::string name; // "unet", "vae", "text_encoder", "tokenizer", "conditioner"
    std::string kind; // e.g. "UNet2DConditionModel", "CLIP BPE (1000 tokens)"
    std::int64_t parameters = 0;
};

struct ModelSummary {
    std::filesystem::path folder; // folder or single file
    std::string name;             // folder name, e.g. "sapf-tiny"
    std::string family;           // "pixel-space class-conditional UNet (SD 1.5 topology)"
    std::string layout; // how it is stored (bundled folder, diffusers pipeline, single file)
    std::string storedDtype = "F32"; // UNet weights on disk
    bool latent = false;             // a Stable Diffusion (latent-space) model
    std::vector<ModelComponent> components;
    std::int64_t imageSize = 0; // training resolution (latent models: the default one)
    std::int64_t imageChannels = 0;
    std::int64_t pixelUnshuffle = 1;
    std::int64_t totalParameters = 0;
    double forwardGmacPerImage = 0.0;     // analytic UNet forward cost at the training resolution
    std::int64_t attentionParameters = 0; // weights of the candidate matrices
    std::vector<std::string> transformerBlocks; // UNet order
    std::vector<AttentionMatrixInfo> attentionMatrices;
    std::vector<std::string> classNames; // public classes of the conditioner
};

// Loads the model (empty = the bundled model; a Stable Diffusion pipeline folder or single file)
// and describes it. Errors name the file.
[[nodiscard]] Expected<ModelSummary> summarizePublicModel(const std::filesystem::path &folder);

// LoRA parameters r (rows + columns) summed over the k matrices with the fewest and with the most
// such parameters: the range DP-SAPF's trainable count falls in before the probe has chosen.
struct LoraParameterRange {
    std::int64_t fewest = 0;
    std::int64_t most = 0;
    std::int64_t all = 0; // every candidate (DP-LoRA)
};
[[nodiscard]] LoraParameterRange
loraParameterRange(const std::vector<AttentionMatrixInfo> &matrices, std::int64_t rank,
                   std::int64_t k);

} // namespace dpsapf::core
