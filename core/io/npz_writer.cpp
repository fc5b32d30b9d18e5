// SPDX-License-Identifier: GPL-3.0-or-later
// Stored (uncompressed) zip archives through libzip.
#include "io/npz_writer.h"

#include <zip.h>

namespace dpsapf::core {

namespace fs = std::filesystem;

Expected<bool> writeStoredZip(const fs::path &path,
                              const std::vector<std::pair<std::string, std::string>> &members)
{
    const fs::path temporary = path.string() + ".tmp";
    int errorCode = 0;
    zip_t *archive = zip_open(temporary.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &errorCode);
    if (archive == nullptr) {
        zip_error_t error;
        zip_error_init_with_code(&error, errorCode);
        const std::string reason = zip_error_strerror(&error);
        zip_error_fini(&error);
        return makeError(ErrorCode::Io, temporary.string() + ": cannot create (" + reason + ")");
    }
    const auto fail = [&](const std::string &what) -> Expected<bool> {
        const std::string reason = zip_strerror(archive);
        zip_discard(archive);
        std::error_code ignored;
        fs::remove(temporary, ignored);
        return makeError(ErrorCode::Io, path.string() + ": " + what + " (" + reason + ")");
    };
    for (const auto &[name, bytes] : members) {
        zip_source_t *source = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
        if (source == nullptr) {
            return fail("cannot add " + name);
        }
        const zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(source);
            return fail("cannot add " + name);
        }
        if (zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) !=
            0) {
            return fail("cannot store " + name);
        }
    }
    if (zip_close(archive) != 0) {
        return fail("cannot write");
    }
    std::error_code error;
    fs::rename(temporary, path, error);
    if (error) {
        return makeError(ErrorCode::Io,
                         path.string() + ": cannot replace (" + error.message() + ")");
    }
    return true;
}

} // namespace dpsapf::core
