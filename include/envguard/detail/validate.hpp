// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The rules for names and values, in one place so that every entry point (get, set, guards, overlays,
// snapshots) accepts and refuses exactly the same input with exactly the same words.
#pragma once

#include "../config.hpp"
#include "../error.hpp"

#include <cstddef>
#include <string_view>

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

// A broken rule: which error value and the sentence that explains it. rule == nullptr means "valid".
struct rule_violation {
    errc code;
    const char* rule;
    explicit operator bool() const noexcept { return rule != nullptr; }
};

// The number of UTF-16 code units TEXT becomes, or -1 when TEXT is not valid UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF are invalid). Windows stores names and values as UTF-16,
// so this is where "not valid UTF-8" and "too long" are decided, before anything is converted.
inline long long utf16_length(std::string_view text) noexcept {
    long long units = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        unsigned long code = 0;
        if (byte < 0x80) {
            code = byte;
        } else if ((byte & 0xE0) == 0xC0) {
            extra = 1;
            code = byte & 0x1F;
        } else if ((byte & 0xF0) == 0xE0) {
            extra = 2;
            code = byte & 0x0F;
        } else if ((byte & 0xF8) == 0xF0) {
            extra = 3;
            code = byte & 0x07;
        } else {
            return -1;
        }
        if (i + extra >= text.size()) return -1; // truncated sequence
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return -1;
            code = (code << 6) | (next & 0x3F);
        }
        static const unsigned long minimum[] = {0, 0x80, 0x800, 0x10000};
        if (code < minimum[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return -1;
        units += code >= 0x10000 ? 2 : 1;
        i += extra + 1;
    }
    return units;
}

// The longest value Windows keeps whole, in UTF-16 code units: 32,767 including the terminating NUL
// (a 32,767-unit value comes back one unit short under wine).
inline constexpr long long max_windows_value_units = 32766;

inline rule_violation check_name(std::string_view name) noexcept {
    if (name.empty()) return {errc::invalid_name, "a variable name must not be empty"};
    // A leading '=' is its own rule: on Windows such names (=C:) are the hidden per-drive current
    // directories, which a program must pass on but never set.
    if (name.front() == '=')
        return {errc::invalid_name, "a variable name must not start with '='"};
    for (char c : name) {
        if (c == '=') return {errc::invalid_name, "a variable name must not contain '='"};
        if (c == '\0')
            return {errc::invalid_name, "a variable name must not contain a NUL character"};
    }
#if ENVGUARD_WINDOWS
    const long long units = utf16_length(name);
    if (units < 0) return {errc::invalid_name, "a variable name must be valid UTF-8"};
    // Longer names are accepted by SetEnvironmentVariableW and then missing from the block that
    // children get (seen under wine): refuse them rather than lose them.
    if (units > max_windows_value_units)
        return {errc::invalid_name, "a variable name must not be longer than 32,766 UTF-16 characters"};
#endif
    return {errc::invalid_name, nullptr};
}

inline rule_violation check_value(std::string_view value) noexcept {
    if (value.find('\0') != std::string_view::npos)
        return {errc::invalid_value, "a value must not contain a NUL character"};
#if ENVGUARD_WINDOWS
    const long long units = utf16_length(value);
    if (units < 0) return {errc::invalid_value, "a value must be valid UTF-8"};
    if (units > max_windows_value_units)
        return {errc::value_too_long, "a value must not be longer than 32,766 UTF-16 characters"};
#endif
    return {errc::invalid_value, nullptr};
}

// A name and, for a change that sets, its value: the first rule they break. Never throws and never
// allocates: the non-throwing core (env.hpp) reports bad.code, the throwing wrappers build their
// message from bad.rule, so both forms refuse exactly the same input.
inline rule_violation check_name_and_value(std::string_view name, std::string_view value) noexcept {
    if (auto bad = check_name(name)) return bad;
    return check_value(value);
}

#if ENVGUARD_HAS_EXCEPTIONS
// Checks a name (and, when given, a value) and throws the EnvError that names both the variable and
// the rule. Called before anything is changed, so bad input never changes the environment.
inline void require_valid(std::string_view action, std::string_view name) {
    if (auto bad = check_name(name)) throw make_env_error(bad.code, action, name, bad.rule);
}
inline void require_valid(std::string_view action, std::string_view name, std::string_view value) {
    require_valid(action, name);
    if (auto bad = check_value(value)) throw make_env_error(bad.code, action, name, bad.rule);
}
#endif

} // namespace detail
ENVGUARD_NAMESPACE_END
