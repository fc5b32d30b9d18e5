// SPDX-License-Identifier: GPL-3.0-or-later
// JSON as Python writes it: diffusers/transformers configs may contain the non-standard tokens
// NaN, Infinity and -Infinity (e.g. "lambda_min_clipped": -Infinity). They are read as null.
#pragma once

#include "dpsapf/core/expected.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace dpsapf::core {

[[nodiscard]] Expected<nlohmann::json> parseLenientJson(const std::string &text,
                                                        const std::string &source);
[[nodiscard]] Expected<nlohmann::json> readLenientJson(const std::filesystem::path &path);

} // namespace dpsapf::core
