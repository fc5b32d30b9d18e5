// SPDX-License-Identifier: GPL-3.0-or-later
// JSON with Python's NaN / Infinity / -Infinity tokens, mapped to null.
#include "io/lenient_json.h"

#include "dpsapf/core/atomic_file.h"

namespace dpsapf::core {

Expected<nlohmann::json> parseLenientJson(const std::string &text, const std::string &source)
{
    std::string cleaned;
    cleaned.reserve(text.size());
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            cleaned.push_back(c);
            if (c == '\\' && i + 1 < text.size()) {
                cleaned.push_back(text[++i]);
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        if (c == '"') {
            inString = true;
            cleaned.push_back(c);
            continue;
        }
        bool replaced = false;
        for (const std::string token : {"-Infinity", "Infinity", "NaN"}) {
            if (text.compare(i, token.size(), token) == 0) {
                cleaned += "null";
                i += token.size() - 1;
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            cleaned.push_back(c);
        }
    }
    nlohmann::json json = nlohmann::json::parse(cleaned, nullptr, false);
    if (json.is_discarded()) {
        return makeError(ErrorCode::Format, source + ": not valid JSON");
    }
    return json;
}

Expected<nlohmann::json> readLenientJson(const std::filesystem::path &path)
{
    const Expected<std::string> text = readWholeFile(path);
    if (!text) {
        return text.error();
    }
    return parseLenientJson(text.value(), path.string());
}

} // namespace dpsapf::core
