// SPDX-License-Identifier: GPL-3.0-or-later
// libzip wrapper: opens read-only, lists members once, reads members whole.
#include "data/zip_reader.h"

#include <zip.h>

#include <algorithm>

namespace dpsapf::core {
namespace {

constexpr zip_uint64_t kMaxMemberBytes = zip_uint64_t{1} << 36U; // 64 GiB: refuse absurd sizes

} // namespace

void ZipReader::Closer::operator()(zip *archive) const
{
    zip_discard(archive);
}

Expected<ZipReader> ZipReader::open(const std::filesystem::path &path)
{
    int code = 0;
    zip_t *archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
    if (archive == nullptr) {
        zip_error_t error;
        zip_error_init_with_code(&error, code);
        const std::string reason = zip_error_strerror(&error);
        zip_error_fini(&error);
        return makeError(code == ZIP_ER_NOENT || code == ZIP_ER_OPEN ? ErrorCode::Io
                                                                     : ErrorCode::Format,
                         path.string() + ": cannot open as a zip archive: " + reason);
    }
    ZipReader reader;
    reader.m_archive.reset(archive);
    reader.m_path = path;
    const zip_int64_t count = zip_get_num_entries(archive, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        const char *name = zip_get_name(archive, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_GUESS);
        reader.m_names.emplace_back(name != nullptr ? name : "");
    }
    return reader;
}

bool ZipReader::contains(const std::string &name) const
{
    return std::find(m_names.begin(), m_names.end(), name) != m_names.end();
}

Expected<std::string> ZipReader::read(const std::string &name) const
{
    const std::string source = m_path.string() + "/" + name;
    const zip_int64_t index = zip_name_locate(m_archive.get(), name.c_str(), 0);
    if (index < 0) {
        return makeError(ErrorCode::Format, source + ": no such member in the archive");
    }
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(m_archive.get(), static_cast<zip_uint64_t>(index), 0, &stat) != 0 ||
        (stat.valid & ZIP_STAT_SIZE) == 0) {
        return makeError(ErrorCode::Format, source + ": cannot read the member's size");
    }
    if (stat.size > kMaxMemberBytes) {
        return makeError(ErrorCode::Format, source + ": member of " + std::to_string(stat.size) +
                                                " bytes is too large");
    }
    zip_file_t *file = zip_fopen_index(m_archive.get(), static_cast<zip_uint64_t>(index), 0);
    if (file == nullptr) {
        return makeError(ErrorCode::Format,
                         source + ": cannot open the member: " + zip_strerror(m_archive.get()));
    }
    std::string contents(static_cast<std::size_t>(stat.size), '\0');
    zip_uint64_t done = 0;
    while (done < stat.size) {
        const zip_int64_t got = zip_fread(file, contents.data() + done, stat.size - done);
        if (got < 0) {
            const std::string reason = zip_file_strerror(file);
            zip_fclose(file);
            return makeError(ErrorCode::Format, source + ": cannot read the member: " + reason);
        }
        if (got == 0) {
            break;
        }
        done += static_cast<zip_uint64_t>(got);
    }
    // One more read reaches the end of the stream, where libzip verifies the CRC.
    char probe = 0;
    const zip_int64_t extra = done == stat.size ? zip_fread(file, &probe, 1) : 0;
    const std::string reason = extra < 0 ? zip_file_strerror(file) : std::string();
    zip_fclose(file);
    if (done != stat.size || extra != 0) {
        return makeError(ErrorCode::Format,
                         source + ": member is damaged" +
                             (extra < 0 ? ": " + reason
                                        : " (read " + std::to_string(done) + " of " +
                                              std::to_string(stat.size) + " bytes)"));
    }
    return contents;
}

} // namespace dpsapf::core
