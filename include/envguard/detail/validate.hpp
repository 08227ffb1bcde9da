// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The rules for names and values, in one place so that every entry point (get, set, guards, overlays,
// snapshots) accepts and refuses exactly the same input with exactly the same words.
#pragma once

#include "../config.hpp"
#include "../error.hpp"

#include <string_view>

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

// A broken rule: which error value and the sentence that explains it. rule == nullptr means "valid".
struct rule_violation {
    errc code;
    const char* rule;
    explicit operator bool() const noexcept { return rule != nullptr; }
};

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
    return {errc::invalid_name, nullptr};
}

inline rule_violation check_value(std::string_view value) noexcept {
    if (value.find('\0') != std::string_view::npos)
        return {errc::invalid_value, "a value must not contain a NUL character"};
    return {errc::invalid_value, nullptr};
}

// Checks a name (and, when given, a value) and throws the EnvError that names both the variable and
// the rule. Called before anything is changed, so bad input never changes the environment.
inline void require_valid(std::string_view action, std::string_view name) {
    if (auto bad = check_name(name)) throw make_env_error(bad.code, action, name, bad.rule);
}
inline void require_valid(std::string_view action, std::string_view name, std::string_view value) {
    require_valid(action, name);
    if (auto bad = check_value(value)) throw make_env_error(bad.code, action, name, bad.rule);
}

// The same checks for the std::error_code overloads; returns true when valid.
inline bool valid_or_report(std::string_view name, std::error_code& ec) noexcept {
    if (auto bad = check_name(name)) {
        ec = make_error_code(bad.code);
        return false;
    }
    return true;
}
inline bool valid_or_report(std::string_view name, std::string_view value,
                            std::error_code& ec) noexcept {
    if (!valid_or_report(name, ec)) return false;
    if (auto bad = check_value(value)) {
        ec = make_error_code(bad.code);
        return false;
    }
    return true;
}

} // namespace detail
ENVGUARD_NAMESPACE_END
