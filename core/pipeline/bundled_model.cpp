// SPDX-License-Identifier: GPL-3.0-or-later
// Lookup of the bundled public model.
#include "dpsapf/core/bundled_model.h"

#include <cstdlib>
#include <string>
#include <vector>

namespace dpsapf::core {

namespace fs = std::filesystem;

Expected<fs::path> findBundledFolder(const std::string &name, const std::string &marker)
{
    std::vector<fs::path> roots;
    if (const char *env = std::getenv("DPSAPF_MODELS_DIR"); env != nullptr && *env != '\0') {
        roots.emplace_back(env);
    }
    std::error_code error;
    const fs::path executable = fs::read_symlink("/proc/self/exe", error);
    if (!error) {
        roots.push_back(executable.parent_path().parent_path() / "share" / "dpsapf-studio" /
                        "models");
    }
#ifdef DPSAPF_SOURCE_MODELS_DIR
    roots.emplace_back(DPSAPF_SOURCE_MODELS_DIR);
#endif
    std::string searched;
    for (const auto &root : roots) {
        const fs::path candidate = root / name;
        if (fs::is_regular_file(candidate / marker, error)) {
            return candidate;
        }
        searched += (searched.empty() ? "" : ", ") + candidate.string();
    }
    return makeError(ErrorCode::Io, name + " was not found (looked in " + searched + ")");
}

Expected<fs::path> bundledModelDir()
{
    Expected<fs::path> found = findBundledFolder(kBundledModelName, "dpsapf_model.json");
    if (!found) {
        return makeError(found.error().code, "the bundled model " + found.error().message +
                                                 "; set DPSAPF_MODELS_DIR or public_model");
    }
    return found;
}

} // namespace dpsapf::core
