// SPDX-License-Identifier: GPL-3.0-or-later
// Pluggable FID feature backbones (method.md §10.1). Two kinds:
//  - the bundled GlyphNet (resources/models/fid-glyphnet): gray, bilinear resize to 32 x 32,
//    [-1, 1], 128-d features; the offline default;
//  - a user-supplied TorchScript file, e.g. the StyleGAN/clean-fid `inception-2015-12-05.pt`
//    (Inception-v3 pool3, 2048-d) with pytorch-fid preprocessing: gray repeated to 3 channels,
//    bilinear resize to 299 x 299 (align_corners false, no antialias), values in the range the
//    file expects (0..255 for the StyleGAN file; forward(x, return_features=True) is used when the
//    module's forward has that argument).
// Every backbone reports an id, the SHA-256 of its weights file and its resizer, which are stored
// next to every FID value.
#pragma once

#include "dpsapf/core/expected.h"

#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace dpsapf::core {

struct BackboneInfo {
    std::string id;            // "glyphnet-v1", "torchscript:inception-2015-12-05.pt"
    std::string weightsSha256; // of the weights file
    std::string resizer;       // the preprocessing, in words
    std::int64_t dimension = 0;
    std::int64_t inputSize = 0;
    std::filesystem::path file;
};

// Value range a TorchScript backbone expects after the resize.
enum class BackboneInputRange { Bytes, Unit, Symmetric }; // [0, 255], [0, 1], [-1, 1]

class FeatureBackbone
{
public:
    virtual ~FeatureBackbone() = default;
    [[nodiscard]] virtual const BackboneInfo &info() const = 0;
    // uint8 images [N, C, H, W] (C = 1 or 3) -> float32 features [N, dimension], in batches.
    [[nodiscard]] virtual Expected<torch::Tensor> features(const torch::Tensor &images) = 0;
};

// The folder of the bundled backbone: $DPSAPF_MODELS_DIR/fid-glyphnet, the installed
// share/dpsapf-studio/models/fid-glyphnet, or the source tree's resources/models/fid-glyphnet.
[[nodiscard]] Expected<std::filesystem::path> bundledBackboneDir();

// An empty path loads the bundled backbone (a folder with backbone.json is also accepted);
// anything else must be a TorchScript file (the error names the file otherwise).
[[nodiscard]] Expected<std::unique_ptr<FeatureBackbone>>
loadFeatureBackbone(const std::filesystem::path &path = {},
                    BackboneInputRange range = BackboneInputRange::Bytes);

// Bilinear resize (align_corners false, no antialias) of uint8 [N, C, H, W] to float [N, C', S, S]
// in [0, 1], with C' = `channels` (gray -> repeated RGB, RGB -> BT.601 gray).
[[nodiscard]] torch::Tensor resizeForBackbone(const torch::Tensor &images, std::int64_t channels,
                                              std::int64_t size);

} // namespace dpsapf::core
