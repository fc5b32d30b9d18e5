// SPDX-License-Identifier: GPL-3.0-or-later
// The bundled GlyphNet backbone and TorchScript backbones for FID.
#include "eval/feature_backbone.h"

#include "dpsapf/core/bundled_model.h"

#include "eval/glyph_net.h"
#include "io/lenient_json.h"
#include "io/torch_tensors.h"
#include "util/sha256.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <cstdlib>
#include <fstream>
#include <vector>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;

constexpr const char *kBackboneFolder = "fid-glyphnet";
constexpr std::int64_t kBatch = 256;

std::string firstLine(const std::string &text)
{
    const auto end = text.find('\n');
    return end == std::string::npos ? text : text.substr(0, end);
}

Expected<torch::Tensor> checkImages(const torch::Tensor &images)
{
    if (!images.defined() || images.dim() != 4 || images.scalar_type() != torch::kUInt8 ||
        (images.size(1) != 1 && images.size(1) != 3) || images.size(2) < 1 || images.size(3) < 1) {
        return makeError(ErrorCode::InvalidArgument,
                         "backbone features need uint8 images [N, 1 or 3, H, W]");
    }
    return images;
}

class GlyphNetBackbone final : public FeatureBackbone
{
public:
    GlyphNetBackbone(GlyphNet net, BackboneInfo info)
        : m_net(std::move(net))
        , m_info(std::move(info))
    {
        m_net->eval();
    }

    [[nodiscard]] const BackboneInfo &info() const override { return m_info; }

    Expected<torch::Tensor> features(const torch::Tensor &images) override
    {
        if (auto checked = checkImages(images); !checked) {
            return checked.error();
        }
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> parts;
        for (std::int64_t first = 0; first < images.size(0); first += kBatch) {
            const torch::Tensor batch = images.slice(0, first, first + kBatch);
            const torch::Tensor x = resizeForBackbone(batch, 1, m_info.inputSize) * 2.0 - 1.0;
            parts.push_back(m_net->features(x));
        }
        if (parts.empty()) {
            return torch::empty({0, m_info.dimension});
        }
        return torch::cat(parts);
    }

private:
    GlyphNet m_net;
    BackboneInfo m_info;
};

class TorchScriptBackbone final : public FeatureBackbone
{
public:
    TorchScriptBackbone(torch::jit::Module module, BackboneInfo info, BackboneInputRange range,
                        bool returnFeatures)
        : m_module(std::move(module))
        , m_info(std::move(info))
        , m_range(range)
        , m_returnFeatures(returnFeatures)
    {
        m_module.eval();
    }

    [[nodiscard]] const BackboneInfo &info() const override { return m_info; }

    Expected<torch::Tensor> features(const torch::Tensor &images) override
    {
        if (auto checked = checkImages(images); !checked) {
            return checked.error();
        }
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> parts;
        const std::int64_t batchSize = m_info.inputSize > 64 ? 32 : kBatch;
        try {
            for (std::int64_t first = 0; first < images.size(0); first += batchSize) {
                torch::Tensor x = resizeForBackbone(images.slice(0, first, first + batchSize), 3,
                                                    m_info.inputSize);
                if (m_range == BackboneInputRange::Bytes) {
                    x = x * 255.0;
                } else if (m_range == BackboneInputRange::Symmetric) {
                    x = x * 2.0 - 1.0;
                }
                torch::jit::Kwargs kwargs;
                if (m_returnFeatures) {
                    kwargs.emplace("return_features", true);
                }
                const torch::jit::IValue output = m_module.forward({x}, kwargs);
                if (!output.isTensor()) {
                    return makeError(ErrorCode::Format,
                                     m_info.file.string() + ": forward did not return a tensor");
                }
                const torch::Tensor features =
                    output.toTensor().to(torch::kCPU, torch::kFloat32).flatten(1);
                if (features.size(0) != x.size(0)) {
                    return makeError(ErrorCode::Format,
                                     m_info.file.string() + ": forward returned " +
                                         std::to_string(features.size(0)) + " rows for " +
                                         std::to_string(x.size(0)) + " images");
                }
                parts.push_back(features);
            }
        } catch (const c10::Error &error) {
            return makeError(ErrorCode::Format, m_info.file.string() + ": forward failed: " +
                                                    firstLine(error.what_without_backtrace()));
        }
        if (parts.empty()) {
            return torch::empty({0, m_info.dimension});
        }
        torch::Tensor all = torch::cat(parts);
        m_info.dimension = all.size(1);
        return all;
    }

private:
    torch::jit::Module m_module;
    BackboneInfo m_info;
    BackboneInputRange m_range;
    bool m_returnFeatures = false;
};

Expected<std::unique_ptr<FeatureBackbone>> loadGlyphNet(const fs::path &folder)
{
    const fs::path descriptionFile = folder / "backbone.json";
    Expected<nlohmann::json> description = readLenientJson(descriptionFile);
    if (!description) {
        return description.error();
    }
    GlyphNetConfig config;
    BackboneInfo info;
    fs::path weights;
    std::string expectedHash;
    try {
        info.id = description->at("id").get<std::string>();
        config.inputSize = description->at("input_size").get<std::int64_t>();
        config.featureDimension = description->at("feature_dimension").get<std::int64_t>();
        config.classes = description->at("classes").get<std::int64_t>();
        weights = folder / description->at("weights").get<std::string>();
        expectedHash = description->value("weights_sha256", std::string());
    } catch (const nlohmann::json::exception &error) {
        return makeError(ErrorCode::Format, descriptionFile.string() + ": " + error.what());
    }
    Expected<std::string> hash = sha256File(weights);
    if (!hash) {
        return hash.error();
    }
    if (!expectedHash.empty() && expectedHash != hash.value()) {
        return makeError(ErrorCode::Format, weights.string() + ": SHA-256 " + hash.value() +
                                                " differs from backbone.json (" + expectedHash +
                                                ")");
    }
    Expected<TensorMap> tensors = loadSafetensorsTensors(weights);
    if (!tensors) {
        return tensors.error();
    }
    GlyphNet net(config);
    torch::NoGradGuard noGrad;
    for (auto &item : net->named_parameters()) {
        const auto found = tensors->find(item.key());
        if (found == tensors->end() || found->second.sizes() != item.value().sizes()) {
            return makeError(ErrorCode::Format,
                             weights.string() + ": missing or misshaped tensor " + item.key());
        }
        item.value().copy_(found->second.to(torch::kFloat32));
    }
    info.weightsSha256 = hash.value();
    info.inputSize = config.inputSize;
    info.dimension = config.featureDimension;
    info.file = weights;
    info.resizer = "gray (BT.601), bilinear to " + std::to_string(config.inputSize) + "x" +
                   std::to_string(config.inputSize) +
                   " (align_corners false, no antialias), [-1, 1]";
    return std::unique_ptr<FeatureBackbone>(std::make_unique<GlyphNetBackbone>(net, info));
}

Expected<std::unique_ptr<FeatureBackbone>> loadTorchScript(const fs::path &file,
                                                           BackboneInputRange range)
{
    std::error_code error;
    if (!fs::is_regular_file(file, error)) {
        return makeError(ErrorCode::Io, file.string() + ": no such backbone file");
    }
    torch::jit::Module module;
    try {
        module = torch::jit::load(file.string(), torch::kCPU);
    } catch (const c10::Error &failure) {
        return makeError(ErrorCode::Format, file.string() +
                                                ": not a TorchScript file (torch::jit::load: " +
                                                firstLine(failure.what_without_backtrace()) + ")");
    } catch (const std::exception &failure) {
        return makeError(ErrorCode::Format, file.string() +
                                                ": not a TorchScript file (torch::jit::load: " +
                                                firstLine(failure.what()) + ")");
    }
    bool returnFeatures = false;
    try {
        for (const auto &argument :
             module.get_method("forward").function().getSchema().arguments()) {
            returnFeatures = returnFeatures || argument.name() == "return_features";
        }
    } catch (const c10::Error &failure) {
        return makeError(ErrorCode::Format,
                         file.string() + ": the TorchScript module has no forward");
    }
    Expected<std::string> hash = sha256File(file);
    if (!hash) {
        return hash.error();
    }
    BackboneInfo info;
    info.id = "torchscript:" + file.filename().string();
    info.weightsSha256 = hash.value();
    info.inputSize = 299;
    info.file = file;
    const char *rangeText = range == BackboneInputRange::Bytes  ? "[0, 255]"
                            : range == BackboneInputRange::Unit ? "[0, 1]"
                                                                : "[-1, 1]";
    info.resizer = std::string("gray repeated to RGB, bilinear to 299x299 (align_corners false, no "
                               "antialias), ") +
                   rangeText + (returnFeatures ? ", forward(x, return_features=True)" : "");
    auto backbone =
        std::make_unique<TorchScriptBackbone>(std::move(module), info, range, returnFeatures);
    // One probe image fixes the feature dimension and proves that forward works.
    Expected<torch::Tensor> probe = backbone->features(torch::zeros({1, 1, 8, 8}, torch::kUInt8));
    if (!probe) {
        return probe.error();
    }
    return std::unique_ptr<FeatureBackbone>(std::move(backbone));
}

} // namespace

torch::Tensor resizeForBackbone(const torch::Tensor &images, std::int64_t channels,
                                std::int64_t size)
{
    torch::Tensor x = images.to(torch::kFloat32) / 255.0;
    if (x.size(1) == 3 && channels == 1) {
        x = x.select(1, 0).unsqueeze(1) * 0.299 + x.select(1, 1).unsqueeze(1) * 0.587 +
            x.select(1, 2).unsqueeze(1) * 0.114;
    } else if (x.size(1) == 1 && channels == 3) {
        x = x.repeat({1, 3, 1, 1});
    }
    if (x.size(2) != size || x.size(3) != size) {
        x = torch::nn::functional::interpolate(x, torch::nn::functional::InterpolateFuncOptions()
                                                      .size(std::vector<std::int64_t>{size, size})
                                                      .mode(torch::kBilinear)
                                                      .align_corners(false));
    }
    return x.contiguous();
}

Expected<fs::path> bundledBackboneDir()
{
    Expected<fs::path> found = findBundledFolder(kBackboneFolder, "backbone.json");
    if (!found) {
        return makeError(found.error().code, "the bundled FID backbone " + found.error().message +
                                                 "; set DPSAPF_MODELS_DIR or --backbone");
    }
    return found;
}

Expected<std::unique_ptr<FeatureBackbone>> loadFeatureBackbone(const fs::path &path,
                                                               BackboneInputRange range)
{
    if (path.empty()) {
        Expected<fs::path> folder = bundledBackboneDir();
        if (!folder) {
            return folder.error();
        }
        return loadGlyphNet(folder.value());
    }
    std::error_code error;
    if (fs::is_directory(path, error)) {
        if (!fs::is_regular_file(path / "backbone.json", error)) {
            return makeError(ErrorCode::Io,
                             path.string() + ": a backbone folder needs backbone.json");
        }
        return loadGlyphNet(path);
    }
    return loadTorchScript(path, range);
}

} // namespace dpsapf::core
