// SPDX-License-Identifier: GPL-3.0-or-later
// Writing an uncompressed .npz (numpy.savez): a zip of stored "<name>.npy" members, written to
// "<path>.tmp" and renamed, so a failed write leaves an existing file intact.
#pragma once

#include "dpsapf/core/expected.h"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace dpsapf::core {

// members: (member name, e.g. "x.npy"; the serialised .npy bytes), in archive order.
[[nodiscard]] Expected<bool>
writeStoredZip(const std::filesystem::path &path,
               const std::vector<std::pair<std::string, std::string>> &members);

} // namespace dpsapf::core
