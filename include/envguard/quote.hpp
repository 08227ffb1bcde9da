// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// quote_value: how envguard shows a name or a value in text (error messages, printed recipes, the
// coverage check's findings). One function, so that every message quotes the same way.
#pragma once

#include "config.hpp"

#include <cstddef>
#include <string>
#include <string_view>

ENVGUARD_NAMESPACE_BEGIN

/// TEXT in double quotes, with `"`, `\` and control bytes escaped (`\"`, `\\`, `\0`, `\n`, `\t`,
/// `\xNN`), so that a NUL or a newline in bad input cannot cut a message short or forge another
/// line, and an empty value shows as `""`. Other bytes (UTF-8 included) are copied as they are.
/// With MAX_SHOWN, only the first MAX_SHOWN bytes are shown, followed by `... (N bytes)`.
///
///     envguard::quote_value("a\"b")          // "a\"b" (with the quotes)
///     envguard::quote_value("")              // ""
///     envguard::quote_value("abcdef", 3)     // "abc"... (6 bytes)
ENVGUARD_DECL std::string quote_value(std::string_view text,
                                      std::size_t max_shown = std::string_view::npos);

namespace detail {
// How many bytes of a name an error message shows.
inline constexpr std::size_t message_name_shown = 200;
} // namespace detail

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
ENVGUARD_NAMESPACE_BEGIN

ENVGUARD_DECL std::string quote_value(std::string_view text, std::size_t max_shown) {
    std::string out;
    out.reserve((text.size() < max_shown ? text.size() : max_shown) + 32);
    out += '"';
    std::size_t shown = 0;
    for (char c : text) {
        if (shown == max_shown) break;
        ++shown;
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\0') {
            out += "\\0";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (byte < 0x20 || byte == 0x7f) {
            static const char digits[] = "0123456789abcdef";
            out += "\\x";
            out += digits[byte >> 4];
            out += digits[byte & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
    if (shown < text.size()) {
        out += "... (";
        out += std::to_string(text.size());
        out += " bytes)";
    }
    return out;
}

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
