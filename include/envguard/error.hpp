// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// One exception type, EnvError, and one error category. Every error names the variable and the rule
// that was broken, because "invalid argument" from setenv tells a user nothing about which of twenty
// variables in a recipe was wrong.
#pragma once

#include "config.hpp"
#include "quote.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

ENVGUARD_NAMESPACE_BEGIN

/// Error values of the envguard category. The numeric values are stable: they may be stored or logged.
enum class errc {
    invalid_name = 1,       ///< empty name, or a name containing '=' or NUL
    invalid_value = 2,      ///< a value containing NUL (or, for path lists, an entry the list cannot hold)
    value_too_long = 3,     ///< longer than the platform can store (Windows: 32,767 UTF-16 units)
    empty_became_unset = 4, ///< the platform deleted a variable that was set to the empty string
    os_error = 5,           ///< the operating system refused a read or write; see EnvError::os_code()
    command_not_found = 6,  ///< run/exec: the program is not on the child's PATH (or does not exist)
    command_not_executable = 7, ///< run/exec: the program exists but cannot be executed
};

/// The category of every envguard error code.
ENVGUARD_DECL const std::error_category& envguard_category() noexcept;

/// An envguard error code: VALUE in envguard_category().
ENVGUARD_DECL std::error_code make_error_code(errc value) noexcept;

/// Thrown by every throwing envguard function. what() is one complete sentence, for example
/// `envguard: cannot set "A=B": a variable name must not contain '='`.
class EnvError : public std::system_error {
public:
    /// CODE is an errc (run/exec too: errc::command_not_found, command_not_executable or os_error);
    /// NAME the variable or program; MESSAGE the whole sentence what() returns; OS_CODE the
    /// errno / GetLastError value the OS reported, if it did (see os_code()).
    EnvError(std::error_code code, std::string name, std::string message,
             std::error_code os_code = {})
        : std::system_error(code), name_(std::move(name)), message_(std::move(message)),
          os_code_(os_code) {}

    /// The variable the failed operation was about (for run/exec: the program).
    const std::string& name() const noexcept { return name_; }
    /// The errno / GetLastError value the OS reported, in std::system_category(): set for
    /// errc::os_error and for run/exec's command_not_executable; otherwise empty.
    std::error_code os_code() const noexcept { return os_code_; }
    /// The whole message, one line: what was attempted, on which name, and which rule refused it.
    const char* what() const noexcept override { return message_.c_str(); }

private:
    std::string name_;
    std::string message_;
    std::error_code os_code_;
};

namespace detail {
// "cannot <action> "<name>": <rule>": the one wording of a refusal (RuleViolation::message too).
ENVGUARD_DECL std::string refusal(std::string_view action, std::string_view name, std::string_view rule);
// EnvError whose message is "envguard: " + refusal(action, name, rule).
ENVGUARD_DECL EnvError make_env_error(errc code, std::string_view action, std::string_view name,
                                      std::string_view rule, std::error_code os_code = {});
} // namespace detail

ENVGUARD_NAMESPACE_END

namespace std {
template <>
struct is_error_code_enum<envguard::errc> : true_type {};
} // namespace std

#if ENVGUARD_BODIES
ENVGUARD_NAMESPACE_BEGIN
namespace detail {
class envguard_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "envguard"; }
    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
        case errc::invalid_name: return "invalid environment variable name";
        case errc::invalid_value: return "invalid environment variable value";
        case errc::value_too_long: return "environment variable value too long";
        case errc::empty_became_unset: return "the platform deleted a variable set to the empty string";
        case errc::os_error: return "the operating system refused the environment change";
        case errc::command_not_found: return "command not found";
        case errc::command_not_executable: return "command found but not executable";
        }
        return "unknown envguard error";
    }
};
} // namespace detail

ENVGUARD_DECL const std::error_category& envguard_category() noexcept {
    static const detail::envguard_category_impl category;
    return category;
}

ENVGUARD_DECL std::error_code make_error_code(errc value) noexcept {
    return {static_cast<int>(value), envguard_category()};
}

namespace detail {

// "envguard: cannot <action> "<name>": <rule>"
ENVGUARD_DECL std::string refusal(std::string_view action, std::string_view name, std::string_view rule) {
    std::string message = "cannot ";
    message += action;
    message += ' ';
    message += envguard::quote_value(name, message_name_shown);
    message += ": ";
    message += rule;
    return message;
}

ENVGUARD_DECL EnvError make_env_error(errc code, std::string_view action, std::string_view name,
                                      std::string_view rule, std::error_code os_code) {
    return EnvError(make_error_code(code), std::string(name), "envguard: " + refusal(action, name, rule),
                    os_code);
}

} // namespace detail
ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
