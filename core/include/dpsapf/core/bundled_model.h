// SPDX-License-Identifier: GPL-3.0-or-later
// Where the bundled public model (sapf-tiny) lives, found without any network: the folder named by
// $DPSAPF_MODELS_DIR, the installed share/dpsapf-studio/models beside the executable's prefix, or
// the source tree's resources/models (development builds).
#pragma once

#include "dpsapf/core/expected.h"

#include <filesystem>
#include <string>

namespace dpsapf::core {

inline constexpr const char *kBundledModelName = "sapf-tiny";

// The first of $DPSAPF_MODELS_DIR, <prefix>/share/dpsapf-studio/models and the source tree's
// resources/models that holds <name>/<marker>; the error lists where it looked.
[[nodiscard]] Expected<std::filesystem::path> findBundledFolder(const std::string &name,
                                                                const std::string &marker);

// The first candidate folder that holds sapf-tiny/dpsapf_model.json; the error lists where it
// looked.
[[nodiscard]] Expected<std::filesystem::path> bundledModelDir();

} // namespace dpsapf::core
