// SPDX-License-Identifier: GPL-3.0-or-later
// Atomic file replacement (temp file + fsync + rename) and whole-file reads with clear errors.
#include "dpsapf/core/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace dpsapf::core {
namespace {

Error ioError(const std::filesystem::path &path, const std::string &what)
{
    return makeError(ErrorCode::Io, path.string() + ": " + what + ": " + std::strerror(errno));
}

} // namespace

Expected<bool> writeFileAtomically(const std::filesystem::path &path, std::string_view contents)
{
    const std::filesystem::path temporary = path.string() + ".tmp";
    const int descriptor =
        ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (descriptor < 0) {
        return ioError(temporary, "cannot create");
    }
    std::size_t written = 0;
    while (written < contents.size()) {
        const ssize_t chunk =
            ::write(descriptor, contents.data() + written, contents.size() - written);
        if (chunk < 0) {
            if (errno == EINTR) {
                continue;
            }
            Error error = ioError(temporary, "cannot write");
            ::close(descriptor);
            ::unlink(temporary.c_str());
            return error;
        }
        written += static_cast<std::size_t>(chunk);
    }
    if (::fsync(descriptor) != 0) {
        Error error = ioError(temporary, "cannot flush");
        ::close(descriptor);
        ::unlink(temporary.c_str());
        return error;
    }
    if (::close(descriptor) != 0) {
        Error error = ioError(temporary, "cannot close");
        ::unlink(temporary.c_str());
        return error;
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        Error error = ioError(path, "cannot replace");
        ::unlink(temporary.c_str());
        return error;
    }
    return true;
}

Expected<std::string> readWholeFile(const std::filesystem::path &path)
{
    std::FILE *file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        return ioError(path, "cannot open");
    }
    std::string contents;
    char buffer[1 << 16];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
        contents.append(buffer, got);
    }
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) {
        return ioError(path, "cannot read");
    }
    return contents;
}

} // namespace dpsapf::core
