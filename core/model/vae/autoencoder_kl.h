// SPDX-License-Identifier: GPL-3.0-or-later
// The Stable Diffusion VAE (diffusers AutoencoderKL semantics; Kingma & Welling 2014, Rombach et
// al. 2022, sd-format.md §5): images in [-1, 1] -> diagonal Gaussian posterior over latents, and
// latents -> images. Parameter paths equal the diffusers keys, so checkpoints load without
// renaming.
#pragma once

#include "dpsapf/core/expected.h"
#include "io/torch_tensors.h"
#include "model/vae/vae_blocks.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::core {

// The defaults are the SD 1.5 / SD 2.x VAE (both share it).
struct VaeConfig {
    std::int64_t inChannels = 3;
    std::int64_t outChannels = 3;
    std::vector<std::int64_t> blockOutChannels{128, 256, 512, 512};
    std::int64_t layersPerBlock = 2; // encoder resnets per block; the decoder has one more
    std::int64_t latentChannels = 4;
    std::int64_t normNumGroups = 32;
    bool midBlockAddAttention = true;
    // Latent statistics used by encodeToLatents / decodeToImages (not by encode / decode):
    // scaled = (z - shiftFactor) * scalingFactor. SD 1.x/2.x have no shift (0).
    double scalingFactor = 0.18215;
    double shiftFactor = 0.0;

    [[nodiscard]] std::int64_t blocks() const
    {
        return static_cast<std::int64_t>(blockOutChannels.size());
    }
    // Pixels per latent side: one stride-2 downsample in every block but the last.
    [[nodiscard]] std::int64_t downsampleFactor() const
    {
        return std::int64_t(1) << (blocks() - 1);
    }
    [[nodiscard]] VaeTowerShape towerShape() const;
    // Checks every field; the message names the config.json key.
    [[nodiscard]] Expected<bool> validate() const;

    // From a diffusers vae/config.json object. block_out_channels and layers_per_block are required
    // (diffusers' class defaults, (64,) and 1, are not a Stable Diffusion VAE); the other keys
    // default as in diffusers. Unsupported values (act_fn other than silu, other block types,
    // latents_mean/latents_std, no quant convs) are refused. force_upcast, sample_size and unknown
    // keys are ignored. Messages start with `source` and name the key.
    [[nodiscard]] static Expected<VaeConfig>
    fromConfigJson(const nlohmann::json &json, const std::string &source = "config.json");
};

// The diagonal Gaussian q(z | x) (diffusers DiagonalGaussianDistribution), all [B, latent, h, w].
struct VaePosterior {
    torch::Tensor mean;
    torch::Tensor logvar; // clamped to [-30, 20]
    torch::Tensor std;    // exp(logvar / 2)

    // mean + std * noise, with noise ~ N(0, I) of the same shape (the caller owns the generator).
    [[nodiscard]] torch::Tensor sample(const torch::Tensor &noise) const;
};

class AutoencoderKLImpl : public torch::nn::Module
{
public:
    explicit AutoencoderKLImpl(VaeConfig config); // config must be valid

    // images [B, inChannels, H, W] in [-1, 1] -> encoder -> quant_conv -> (mean, logvar) chunks.
    VaePosterior encode(const torch::Tensor &images);
    // Un-scaled latents [B, latentChannels, h, w] -> post_quant_conv -> decoder; no clamp.
    torch::Tensor decode(const torch::Tensor &latents);

    // What a diffusion model is trained on: (posterior.sample(noise) - shift) * scaling_factor.
    torch::Tensor encodeToLatents(const torch::Tensor &images, const torch::Tensor &noise);
    // Inverse of encodeToLatents followed by the [-1, 1] -> [0, 1] image mapping, clamped.
    torch::Tensor decodeToImages(const torch::Tensor &scaledLatents);

    [[nodiscard]] std::int64_t downsampleFactor() const { return m_config.downsampleFactor(); }
    [[nodiscard]] std::int64_t latentChannels() const { return m_config.latentChannels; }
    [[nodiscard]] double scalingFactor() const { return m_config.scalingFactor; }
    [[nodiscard]] const VaeConfig &config() const { return m_config; }

private:
    VaeConfig m_config;
    VaeEncoder m_encoder{nullptr};
    VaeDecoder m_decoder{nullptr};
    torch::nn::Conv2d m_quantConv{nullptr}, m_postQuantConv{nullptr};
};
TORCH_MODULE(AutoencoderKL);

// Legacy VAE tensors in diffusers naming, made loadable (diffusers does the same on load):
// - attention keys of old SD 1.x VAE files,
// `…attentions.N.{query,key,value,proj_attn}.{weight,bias}`
//   -> `…attentions.N.{to_q,to_k,to_v,to_out.0}.…`;
// - attention projection weights stored as 1x1 convolutions [C, C, 1, 1] (the original LDM layout)
//   -> Linear weights [C, C].
// Every other tensor is passed through. A legacy key whose new name is also present is left as it
// is, so loading then reports it as unexpected instead of silently picking one of the two.
// Self-contained so that it can move into core/io/key_mapping with the other renames.
[[nodiscard]] TensorMap renameLegacyVaeAttentionKeys(const TensorMap &tensors);

// A VAE with `tensors` (diffusers names, legacy attention names accepted; any float dtype,
// converted to float32) loaded into it, in eval mode. `source` names the file in messages.
[[nodiscard]] Expected<AutoencoderKL> buildVae(const VaeConfig &config, const TensorMap &tensors,
                                               const std::string &source);

// A diffusers VAE folder: config.json + diffusion_pytorch_model.safetensors (or, when that is
// absent, diffusion_pytorch_model.fp16.safetensors).
[[nodiscard]] Expected<AutoencoderKL> loadVaeFolder(const std::filesystem::path &folder);

} // namespace dpsapf::core
