// SPDX-License-Identifier: GPL-3.0-or-later
// Prefix and suffix tests on tensor names and paths (C++17 has no starts_with/ends_with).
#pragma once

#include <string>

namespace dpsapf::core {

[[nodiscard]] inline bool startsWith(const std::string &text, const std::string &prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

[[nodiscard]] inline bool endsWith(const std::string &text, const std::string &suffix)
{
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace dpsapf::core
