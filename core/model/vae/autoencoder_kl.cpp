// SPDX-License-Identifier: GPL-3.0-or-later
// The SD VAE: configuration from config.json, encode/decode, legacy attention names, loading.
#include "model/vae/autoencoder_kl.h"

#include "io/key_mapping.h"
#include "io/lenient_json.h"
#include "model/common/state_dict.h"
#include "util/string_affixes.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <array>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <system_error>
#include <utility>

namespace dpsapf::core {
namespace {

constexpr std::int64_t kMaxBlocks =
    8; // a 128x downsampling VAE; keeps 2^(blocks-1) far from overflow

Error configError(const std::string &key, const std::string &reason)
{
    return makeError(ErrorCode::InvalidArgument, "VAE config: '" + key + "' " + reason);
}

// Reads config.json keys with errors that name the file and the key. A reader stops at the first
// problem; `error` then holds it and later reads do nothing.
class ConfigReader
{
public:
    ConfigReader(const nlohmann::json &json, std::string source)
        : m_json(json)
        , m_source(std::move(source))
    {}

    [[nodiscard]] const std::optional<Error> &error() const { return m_error; }

    // Absent (or null, which Python writes for None) keeps `value` unless the key is required.
    void integer(const char *key, std::int64_t &value, bool required = false)
    {
        const nlohmann::json *item = find(key, required);
        if (item == nullptr) {
            return;
        }
        if (!item->is_number_integer()) {
            fail(ErrorCode::Format, key, "must be an integer");
            return;
        }
        value = item->get<std::int64_t>();
    }

    void number(const char *key, double &value)
    {
        const nlohmann::json *item = find(key, false);
        if (item == nullptr) {
            return;
        }
        if (!item->is_number()) {
            fail(ErrorCode::Format, key, "must be a number");
            return;
        }
        value = item->get<double>();
    }

    void boolean(const char *key, bool &value)
    {
        const nlohmann::json *item = find(key, false);
        if (item == nullptr) {
            return;
        }
        if (!item->is_boolean()) {
            fail(ErrorCode::Format, key, "must be true or false");
            return;
        }
        value = item->get<bool>();
    }

    void integerList(const char *key, std::vector<std::int64_t> &values, bool required)
    {
        const nlohmann::json *item = find(key, required);
        if (item == nullptr) {
            return;
        }
        if (!item->is_array() || item->empty()) {
            fail(ErrorCode::Format, key, "must be a non-empty list of integers");
            return;
        }
        values.clear();
        for (const auto &entry : *item) {
            if (!entry.is_number_integer()) {
                fail(ErrorCode::Format, key, "must be a non-empty list of integers");
                return;
            }
            values.push_back(entry.get<std::int64_t>());
        }
    }

    // The value, when present, must be one of `accepted` (strings).
    void oneOf(const char *key, std::initializer_list<const char *> accepted)
    {
        const nlohmann::json *item = find(key, false);
        if (item == nullptr) {
            return;
        }
        for (const char *allowed : accepted) {
            if (item->is_string() && item->get<std::string>() == allowed) {
                return;
            }
        }
        fail(ErrorCode::InvalidArgument, key,
             "is " + item->dump() + "; supported: " + joined(accepted));
    }

    // When present: a list with one `type` entry per block.
    void blockTypes(const char *key, const char *type, std::size_t blocks)
    {
        const nlohmann::json *item = find(key, false);
        if (item == nullptr) {
            return;
        }
        if (!item->is_array() || item->size() != blocks) {
            fail(ErrorCode::InvalidArgument, key,
                 "must list one block per block_out_channels entry (" + std::to_string(blocks) +
                     ")");
            return;
        }
        for (const auto &entry : *item) {
            if (!entry.is_string() || entry.get<std::string>() != type) {
                fail(ErrorCode::InvalidArgument, key,
                     "has " + entry.dump() + "; only " + type + " is supported");
                return;
            }
        }
    }

    // Keys whose only supported value is null/absent (or `allowed`, when given).
    void unsupportedUnless(const char *key, const std::optional<nlohmann::json> &allowed,
                           const std::string &why)
    {
        const nlohmann::json *item = find(key, false);
        if (item != nullptr && (!allowed || *item != *allowed)) {
            fail(ErrorCode::InvalidArgument, key,
                 "= " + item->dump() + " is not supported (" + why + ")");
        }
    }

private:
    const nlohmann::json *find(const char *key, bool required)
    {
        if (m_error) {
            return nullptr;
        }
        const auto found = m_json.find(key);
        if (found == m_json.end() || found->is_null()) {
            if (required) {
                fail(ErrorCode::Format, key, "is missing");
            }
            return nullptr;
        }
        return &*found;
    }

    void fail(ErrorCode code, const char *key, const std::string &reason)
    {
        m_error = makeError(code, m_source + ": '" + key + "' " + reason);
    }

    static std::string joined(std::initializer_list<const char *> names)
    {
        std::string text;
        for (const char *name : names) {
            text += (text.empty() ? "\"" : ", \"") + std::string(name) + "\"";
        }
        return text;
    }

    const nlohmann::json &m_json;
    std::string m_source;
    std::optional<Error> m_error;
};

} // namespace

VaeTowerShape VaeConfig::towerShape() const
{
    return VaeTowerShape{blockOutChannels, layersPerBlock, normNumGroups, midBlockAddAttention};
}

Expected<bool> VaeConfig::validate() const
{
    if (inChannels < 1) {
        return configError("in_channels", "must be >= 1");
    }
    if (outChannels < 1) {
        return configError("out_channels", "must be >= 1");
    }
    if (latentChannels < 1) {
        return configError("latent_channels", "must be >= 1");
    }
    if (blockOutChannels.empty() || blocks() > kMaxBlocks) {
        return configError("block_out_channels",
                           "must have 1 to " + std::to_string(kMaxBlocks) + " entries");
    }
    if (layersPerBlock < 1) {
        return configError("layers_per_block", "must be >= 1");
    }
    if (normNumGroups < 1) {
        return configError("norm_num_groups", "must be >= 1");
    }
    for (const std::int64_t channels : blockOutChannels) {
        if (channels < 1 || channels % normNumGroups != 0) {
            return configError("block_out_channels",
                               "entry " + std::to_string(channels) +
                                   " must be a positive multiple of norm_num_groups " +
                                   std::to_string(normNumGroups));
        }
    }
    if (!std::isfinite(scalingFactor) || !(scalingFactor > 0.0)) {
        return configError("scaling_factor", "must be a positive number");
    }
    if (!std::isfinite(shiftFactor)) {
        return configError("shift_factor", "must be a finite number");
    }
    return true;
}

Expected<VaeConfig> VaeConfig::fromConfigJson(const nlohmann::json &json, const std::string &source)
{
    if (!json.is_object()) {
        return makeError(ErrorCode::Format, source + ": not a JSON object");
    }
    VaeConfig config;
    ConfigReader read(json, source);
    read.oneOf("_class_name", {"AutoencoderKL"});
    read.integerList("block_out_channels", config.blockOutChannels, true);
    read.integer("layers_per_block", config.layersPerBlock, true);
    read.integer("in_channels", config.inChannels);
    read.integer("out_channels", config.outChannels);
    read.integer("latent_channels", config.latentChannels);
    read.integer("norm_num_groups", config.normNumGroups);
    read.oneOf("act_fn", {"silu", "swish"}); // diffusers maps both names to nn.SiLU
    read.blockTypes("down_block_types", "DownEncoderBlock2D", config.blockOutChannels.size());
    read.blockTypes("up_block_types", "UpDecoderBlock2D", config.blockOutChannels.size());
    read.boolean("mid_block_add_attention", config.midBlockAddAttention);
    read.number("scaling_factor", config.scalingFactor);
    read.number("shift_factor", config.shiftFactor); // null (SD 1.x/2.x) means no shift
    read.unsupportedUnless("latents_mean", std::nullopt, "per-channel latent statistics");
    read.unsupportedUnless("latents_std", std::nullopt, "per-channel latent statistics");
    read.unsupportedUnless("use_quant_conv", nlohmann::json(true), "the SD VAE has quant_conv");
    read.unsupportedUnless("use_post_quant_conv", nlohmann::json(true),
                           "the SD VAE has post_quant_conv");
    // force_upcast only tells fp16 pipelines to run the VAE in fp32; this one always is fp32.
    if (read.error()) {
        return *read.error();
    }
    if (auto valid = config.validate(); !valid) {
        return makeError(valid.error().code, source + ": " + valid.error().message);
    }
    return config;
}

torch::Tensor VaePosterior::sample(const torch::Tensor &noise) const
{
    TORCH_CHECK(noise.sizes() == mean.sizes(), "VaePosterior::sample: noise shape ", noise.sizes(),
                " differs from the posterior's ", mean.sizes());
    return mean + std * noise;
}

AutoencoderKLImpl::AutoencoderKLImpl(VaeConfig config)
    : m_config(std::move(config))
{
    const VaeTowerShape shape = m_config.towerShape();
    // The encoder predicts mean and log-variance, so it and quant_conv are twice the latent width.
    const std::int64_t momentChannels = 2 * m_config.latentChannels;
    m_encoder = register_module("encoder", VaeEncoder(m_config.inChannels, momentChannels, shape));
    m_decoder = register_module("decoder",
                                VaeDecoder(m_config.latentChannels, m_config.outChannels, shape));
    m_quantConv = register_module("quant_conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(
                                                    momentChannels, momentChannels, 1)));
    m_postQuantConv = register_module(
        "post_quant_conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(m_config.latentChannels,
                                                                      m_config.latentChannels, 1)));
}

VaePosterior AutoencoderKLImpl::encode(const torch::Tensor &images)
{
    TORCH_CHECK(images.dim() == 4 && images.size(1) == m_config.inChannels,
                "AutoencoderKL::encode: expected images [B, ", m_config.inChannels, ", H, W], got ",
                images.sizes());
    const torch::Tensor moments = m_quantConv(m_encoder(images));
    const std::vector<torch::Tensor> halves = moments.chunk(2, 1);
    VaePosterior posterior;
    posterior.mean = halves[0];
    // The clamp keeps exp() finite for saturated encoder outputs, as diffusers does.
    posterior.logvar = halves[1].clamp(-30.0, 20.0);
    posterior.std = torch::exp(0.5 * posterior.logvar);
    return posterior;
}

torch::Tensor AutoencoderKLImpl::decode(const torch::Tensor &latents)
{
    TORCH_CHECK(latents.dim() == 4 && latents.size(1) == m_config.latentChannels,
                "AutoencoderKL::decode: expected latents [B, ", m_config.latentChannels,
                ", h, w], got ", latents.sizes());
    return m_decoder(m_postQuantConv(latents));
}

torch::Tensor AutoencoderKLImpl::encodeToLatents(const torch::Tensor &images,
                                                 const torch::Tensor &noise)
{
    return (encode(images).sample(noise) - m_config.shiftFactor) * m_config.scalingFactor;
}

torch::Tensor AutoencoderKLImpl::decodeToImages(const torch::Tensor &scaledLatents)
{
    const torch::Tensor decoded =
        decode(scaledLatents / m_config.scalingFactor + m_config.shiftFactor);
    return (decoded / 2 + 0.5).clamp(0.0, 1.0);
}

TensorMap renameLegacyVaeAttentionKeys(const TensorMap &tensors)
{
    TensorMap renamed;
    for (const auto &[name, stored] : tensors) {
        // A legacy key whose new name is also present stays: loading reports it as unexpected.
        const std::string candidate = vaeKeyFromLegacyAttention(name);
        const std::string newName =
            candidate != name && tensors.count(candidate) == 0 ? candidate : name;
        torch::Tensor tensor = stored;
        // 1x1-convolution weights of the attention projections become Linear weights.
        const bool projection =
            newName.find("attentions.") != std::string::npos &&
            (endsWith(newName, ".to_q.weight") || endsWith(newName, ".to_k.weight") ||
             endsWith(newName, ".to_v.weight") || endsWith(newName, ".to_out.0.weight"));
        if (projection && tensor.dim() == 4 && tensor.size(2) == 1 && tensor.size(3) == 1) {
            tensor = tensor.reshape({tensor.size(0), tensor.size(1)});
        }
        renamed.emplace(newName, std::move(tensor));
    }
    return renamed;
}

Expected<AutoencoderKL> buildVae(const VaeConfig &config, const TensorMap &tensors,
                                 const std::string &source)
{
    if (auto valid = config.validate(); !valid) {
        return valid.error();
    }
    AutoencoderKL vae(config);
    // The map holds tensor handles, so the copy shares the weights' storage.
    if (auto loaded = loadStateDict(*vae, renameLegacyVaeAttentionKeys(tensors),
                                    LoadOptions{false, false, source});
        !loaded) {
        return loaded.error();
    }
    vae->eval();
    return vae;
}

Expected<AutoencoderKL> loadVaeFolder(const std::filesystem::path &folder)
{
    const auto configPath = folder / "config.json";
    const Expected<nlohmann::json> json = readLenientJson(configPath);
    if (!json) {
        return json.error();
    }
    const Expected<VaeConfig> config = VaeConfig::fromConfigJson(json.value(), configPath.string());
    if (!config) {
        return config.error();
    }
    // Hub repositories sometimes ship only the half-precision variant; loading converts to fp32.
    std::filesystem::path weightsPath = folder / "diffusion_pytorch_model.safetensors";
    std::error_code ignored;
    if (!std::filesystem::exists(weightsPath, ignored)) {
        const auto halfPath = folder / "diffusion_pytorch_model.fp16.safetensors";
        if (!std::filesystem::exists(halfPath, ignored)) {
            return makeError(ErrorCode::Io,
                             weightsPath.string() +
                                 ": not found (nor diffusion_pytorch_model.fp16.safetensors)");
        }
        weightsPath = halfPath;
    }
    const Expected<TensorMap> weights = loadSafetensorsTensors(weightsPath);
    if (!weights) {
        return weights.error();
    }
    return buildVae(config.value(), weights.value(), weightsPath.string());
}

} // namespace dpsapf::core
