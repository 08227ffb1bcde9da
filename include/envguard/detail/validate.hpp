// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The library's use of the rules for names and values. The rules themselves and their words are public
// (names.hpp: check_name, check_value, check_path_entry), so that every entry point (get, set, guards,
// overlays, snapshots) and every program that checks input ahead of time accepts and refuses exactly
// the same input with exactly the same words.
#pragma once

#include "../config.hpp"
#include "../error.hpp"
#include "../names.hpp"

#include <string_view>

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

using rule_violation = RuleViolation;
using envguard::check_name;
using envguard::check_value;

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
