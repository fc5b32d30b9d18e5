// SPDX-License-Identifier: GPL-3.0-or-later
// A small Expected<T> (C++17 has no std::expected): a value or an Error with a code and an
// English message that names the offending file, field or flag.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace dpsapf::core {

enum class ErrorCode {
    None,
    InvalidArgument,  // a value outside its domain (q not in (0, 1], delta <= 0, ...)
    Unreachable,      // a target cannot be met (e.g. the privacy budget is too low)
    NumericalFailure, // an algorithm could not produce a trustworthy number
    Io,               // reading or writing a file failed
    Format,           // a file exists but its content is malformed
    Cancelled,        // the user stopped the work before it finished
};

struct Error {
    ErrorCode code = ErrorCode::None;
    std::string message;
};

template <typename T>
class Expected
{
public:
    Expected(T value) // NOLINT(google-explicit-constructor): implicit success, as std::expected
        : m_state(std::move(value))
    {}
    Expected(Error error) // NOLINT(google-explicit-constructor)
        : m_state(std::move(error))
    {}

    [[nodiscard]] bool hasValue() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return hasValue(); }
    [[nodiscard]] const T &value() const & { return std::get<T>(m_state); }
    [[nodiscard]] T &value() & { return std::get<T>(m_state); }
    [[nodiscard]] T &&value() && { return std::get<T>(std::move(m_state)); }
    [[nodiscard]] const Error &error() const { return std::get<Error>(m_state); }
    const T &operator*() const & { return value(); }
    const T *operator->() const { return &value(); }

private:
    std::variant<T, Error> m_state;
};

[[nodiscard]] inline Error makeError(ErrorCode code, std::string message)
{
    return Error{code, std::move(message)};
}

} // namespace dpsapf::core
