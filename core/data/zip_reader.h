// SPDX-License-Identifier: GPL-3.0-or-later
// Read-only access to zip archives (.npz, StyleGAN-style image zips) through libzip: member
// names and whole-member reads, stored or deflated, with CRC checks and errors naming the member.
#pragma once

#include "dpsapf/core/expected.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

struct zip; // libzip's zip_t

namespace dpsapf::core {

class ZipReader
{
public:
    [[nodiscard]] static Expected<ZipReader> open(const std::filesystem::path &path);

    [[nodiscard]] const std::filesystem::path &path() const { return m_path; }
    // Member names in archive order (directories included, ending in '/').
    [[nodiscard]] const std::vector<std::string> &memberNames() const { return m_names; }
    [[nodiscard]] bool contains(const std::string &name) const;
    // The whole uncompressed member; errors read "<archive>/<member>: reason".
    [[nodiscard]] Expected<std::string> read(const std::string &name) const;

private:
    struct Closer {
        void operator()(zip *archive) const;
    };
    ZipReader() = default;

    std::unique_ptr<zip, Closer> m_archive;
    std::filesystem::path m_path;
    std::vector<std::string> m_names;
};

} // namespace dpsapf::core
