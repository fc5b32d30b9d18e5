// SPDX-License-Identifier: GPL-3.0-or-later
// SHA-256 (FIPS 180-4) of a byte string or a file, as 64 lowercase hex digits: the weights hash
// stored with every FID value and in model cards.
#pragma once

#include "dpsapf/core/expected.h"

#include <filesystem>
#include <string>

namespace dpsapf::core {

[[nodiscard]] std::string sha256Hex(const std::string &bytes);
[[nodiscard]] Expected<std::string> sha256File(const std::filesystem::path &path);

} // namespace dpsapf::core
