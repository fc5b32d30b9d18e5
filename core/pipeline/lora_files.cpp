// SPDX-License-Identifier: GPL-3.0-or-later
// LoRA export and import in PEFT, older diffusers and kohya key styles.
#include "pipeline/lora_files.h"

#include "io/torch_tensors.h"
#include "util/string_affixes.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <map>

namespace dpsapf::core {
namespace {

std::string kohyaName(const std::string &module)
{
    std::string name = "lora_unet_" + module;
    for (std::size_t i = 10; i < name.size(); ++i) {
        if (name[i] == '.') {
            name[i] = '_';
        }
    }
    return name;
}

torch::Tensor contiguousFloat(const torch::Tensor &tensor)
{
    return tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
}

} // namespace

Expected<bool> writePeftLora(const std::filesystem::path &path,
                             const std::vector<LoraAdapter> &adapters)
{
    TensorMap tensors;
    for (const auto &adapter : adapters) {
        tensors.emplace("unet." + adapter.module + ".lora_A.weight", contiguousFloat(adapter.a));
        tensors.emplace("unet." + adapter.module + ".lora_B.weight",
                        contiguousFloat(adapter.b * adapter.scale));
    }
    return saveSafetensorsTensors(path, tensors, {{"format", "pt"}});
}

Expected<bool> writeKohyaLora(const std::filesystem::path &path,
                              const std::vector<LoraAdapter> &adapters, double alpha,
                              bool stableDiffusion2)
{
    if (!(alpha > 0.0)) {
        return makeError(ErrorCode::InvalidArgument, "kohya LoRA: alpha must be > 0");
    }
    TensorMap tensors;
    std::int64_t rank = 0;
    for (const auto &adapter : adapters) {
        const std::string name = kohyaName(adapter.module);
        const auto r = adapter.a.size(0);
        rank = std::max<std::int64_t>(rank, r);
        // kohya applies (alpha / r) * up * down; fold the rest of the scale into up.
        const double fold = adapter.scale * static_cast<double>(r) / alpha;
        tensors.emplace(name + ".lora_down.weight", contiguousFloat(adapter.a));
        tensors.emplace(name + ".lora_up.weight", contiguousFloat(adapter.b * fold));
        tensors.emplace(name + ".alpha", torch::tensor(static_cast<float>(alpha)));
    }
    const std::map<std::string, std::string> metadata{
        {"ss_network_module", "networks.lora"},
        {"ss_network_dim", std::to_string(rank)},
        {"ss_network_alpha", fmt::format("{}", alpha)},
        {"ss_v2", stableDiffusion2 ? "True" : "False"},
        {"ss_base_model_version", stableDiffusion2 ? "sd_v2" : "sd_v1"},
        {"modelspec.sai_model_spec", "1.0.1"},
        {"modelspec.architecture",
         stableDiffusion2 ? "stable-diffusion-v2-512/lora" : "stable-diffusion-v1/lora"},
        {"modelspec.implementation", "diffusers"},
        {"modelspec.prediction_type", "epsilon"}};
    return saveSafetensorsTensors(path, tensors, metadata);
}

Expected<std::vector<LoraAdapter>> readLoraFile(const std::filesystem::path &path,
                                                const std::vector<std::string> &knownModules)
{
    Expected<TensorMap> tensors = loadSafetensorsTensors(path);
    if (!tensors) {
        return tensors.error();
    }
    std::map<std::string, std::string> byKohyaName;
    for (const auto &module : knownModules) {
        byKohyaName.emplace(kohyaName(module), module);
    }
    struct Parts {
        torch::Tensor a, b, alpha;
    };
    std::map<std::string, Parts> modules;
    for (const auto &[key, tensor] : tensors.value()) {
        std::string module;
        char part = 0;
        const auto take = [&](const std::string &prefix, const std::string &suffix, char which) {
            if (key.rfind(prefix, 0) == 0 && endsWith(key, suffix) &&
                key.size() > prefix.size() + suffix.size()) {
                module = key.substr(prefix.size(), key.size() - prefix.size() - suffix.size());
                part = which;
                return true;
            }
            return false;
        };
        if (take("unet.", ".lora_A.weight", 'a') || take("unet.", ".lora_B.weight", 'b') ||
            take("unet.", ".lora.down.weight", 'a') || take("unet.", ".lora.up.weight", 'b')) {
            // PEFT / older diffusers: module is the diffusers path
        } else if (take("lora_unet_", ".lora_down.weight", 'a') ||
                   take("lora_unet_", ".lora_up.weight", 'b') ||
                   take("lora_unet_", ".alpha", 'l')) {
            const auto found = byKohyaName.find("lora_unet_" + module);
            if (found == byKohyaName.end()) {
                return makeError(ErrorCode::Format,
                                 path.string() + ": '" + key + "' names no attention matrix");
            }
            module = found->second;
        } else {
            return makeError(ErrorCode::Format,
                             path.string() + ": '" + key + "' is not a UNet LoRA key");
        }
        Parts &parts = modules[module];
        (part == 'a' ? parts.a : part == 'b' ? parts.b : parts.alpha) = tensor;
    }
    std::vector<LoraAdapter> adapters;
    for (const auto &[module, parts] : modules) {
        if (!parts.a.defined() || !parts.b.defined() || parts.a.dim() != 2 || parts.b.dim() != 2 ||
            parts.a.size(0) != parts.b.size(1)) {
            return makeError(ErrorCode::Format, path.string() + ": module '" + module +
                                                    "' lacks a matching down/up (A/B) pair");
        }
        LoraAdapter adapter{module, parts.a.to(torch::kFloat32), parts.b.to(torch::kFloat32), 1.0};
        if (parts.alpha.defined()) {
            adapter.scale = parts.alpha.to(torch::kFloat64).item<double>() /
                            static_cast<double>(parts.a.size(0));
        }
        adapters.push_back(std::move(adapter));
    }
    return adapters;
}

Expected<bool> applyLora(UNet &unet, const std::vector<LoraAdapter> &adapters, double strength)
{
    std::map<std::string, Projection> projections;
    for (auto &[name, projection] : unet->attentionProjections()) {
        projections.emplace(name, projection);
    }
    for (const auto &adapter : adapters) {
        const auto found = projections.find(adapter.module);
        if (found == projections.end()) {
            return makeError(ErrorCode::InvalidArgument,
                             "LoRA module '" + adapter.module + "' is not an attention projection");
        }
        Projection &projection = found->second;
        const auto rank = adapter.a.size(0);
        if (adapter.a.size(1) != projection->weight.size(1) ||
            adapter.b.size(0) != projection->weight.size(0)) {
            return makeError(ErrorCode::InvalidArgument,
                             "LoRA module '" + adapter.module + "': A/B do not fit the weight " +
                                 fmt::format("[{}, {}]", projection->weight.size(0),
                                             projection->weight.size(1)));
        }
        projection->attachLora(rank, static_cast<double>(rank), torch::Generator());
        torch::NoGradGuard noGrad;
        projection->loraA().copy_(adapter.a.to(projection->weight.options()));
        projection->loraB().copy_(adapter.b.to(projection->weight.options()));
        projection->setLoraScale(adapter.scale * strength);
    }
    return true;
}

} // namespace dpsapf::core
