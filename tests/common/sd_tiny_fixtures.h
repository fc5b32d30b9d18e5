// SPDX-License-Identifier: GPL-3.0-or-later
// Access to the vendored upstream reference fixtures (tests/data/sd-tiny) for torch tests.
// Include it before any Qt header (stack.md G1).
#pragma once

#include "io/torch_tensors.h"

#include <filesystem>
#include <stdexcept>

namespace dpsapf::test {

inline const std::filesystem::path kSdTinyFixtures = DPSAPF_TEST_DATA_DIR "/sd-tiny";

// A fixture .npy as a tensor; throws (failing the test) when the file cannot be read.
inline torch::Tensor loadFixtureNpy(const std::filesystem::path &path)
{
    auto tensor = core::loadNpyTensor(path);
    if (!tensor) {
        throw std::runtime_error(tensor.error().message);
    }
    return tensor.value();
}

} // namespace dpsapf::test
