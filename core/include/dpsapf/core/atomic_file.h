// SPDX-License-Identifier: GPL-3.0-or-later
// Atomic file replacement: write "<path>.tmp", flush it to disk, then rename over <path>. A failed
// write (disk full, permissions) leaves the previous file untouched.
#pragma once

#include "dpsapf/core/expected.h"

#include <filesystem>
#include <string_view>

namespace dpsapf::core {

[[nodiscard]] Expected<bool> writeFileAtomically(const std::filesystem::path &path,
                                                 std::string_view contents);

// Reads a whole file; the error names the path and the reason.
[[nodiscard]] Expected<std::string> readWholeFile(const std::filesystem::path &path);

} // namespace dpsapf::core
