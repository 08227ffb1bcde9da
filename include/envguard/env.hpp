// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// Checked, locked access to one variable at a time, in three states: std::nullopt is unset, "" is set
// to the empty string, anything else is a value. Every function validates its input before it touches
// anything, so a bad name or value changes nothing. Each throwing function has an overload taking
// std::error_code& that never throws.
#pragma once

#include "config.hpp"
#include "detail/platform.hpp"
#include "detail/validate.hpp"
#include "error.hpp"
#include "lock.hpp"

#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

ENVGUARD_NAMESPACE_BEGIN

namespace detail {

// The raw operations, with the lock already held and the input already validated. Each returns an
// error code instead of throwing, so that guards can use them on their noexcept paths.
inline std::error_code os_error_code(int os_error) noexcept {
    return {os_error, std::system_category()};
}

inline std::error_code raw_read(const std::string& name, std::optional<std::string>& out) noexcept {
    try {
        std::string value;
        if (platform().read(name, value))
            out = std::move(value);
        else
            out.reset();
        return {};
    } catch (const std::bad_alloc&) {
        return std::make_error_code(std::errc::not_enough_memory);
    }
}

// Writes VALUE (nullopt: removes). After writing "", reads the variable back: a platform that turned
// the empty value into "unset" must not go unnoticed. On that failure the variable is put back to
// BEFORE, so the failed call changed nothing.
inline std::error_code raw_write(const std::string& name, const std::optional<std::string>& value,
                                 int& os_error) noexcept {
    os_error = value ? platform().write(name, *value) : platform().remove(name);
    if (os_error != 0) return make_error_code(errc::os_error);
    if (value && value->empty()) {
        std::optional<std::string> back;
        if (auto ec = raw_read(name, back)) return ec;
        if (!back) return make_error_code(errc::empty_became_unset);
    }
    return {};
}

// The sentence for an error code from raw_write, for messages.
inline EnvError write_error(std::error_code ec, int os_error, const std::string& name,
                            const std::optional<std::string>& value) {
    const char* action = value ? "set" : "unset";
    if (ec == errc::empty_became_unset)
        return make_env_error(errc::empty_became_unset, "set", name,
                              "the platform deleted the variable instead of setting it to the empty "
                              "string (empty became unset)");
    if (ec == errc::os_error) {
        std::string rule = "the operating system refused: " + os_error_code(os_error).message();
        return make_env_error(errc::os_error, action, name, rule, os_error_code(os_error));
    }
    return EnvError(ec, name, "envguard: cannot " + std::string(action) + " " +
                                  quote_for_message(name) + ": " + ec.message());
}

} // namespace detail

/// The value of NAME: std::nullopt when unset, "" when set to the empty string.
/// Throws EnvError (errc::invalid_name) for a name that no variable can have.
inline std::optional<std::string> get(std::string_view name) {
    detail::require_valid("read", name);
    const std::string key(name);
    EnvLock lock;
    std::optional<std::string> value;
    if (auto ec = detail::raw_read(key, value)) throw std::bad_alloc();
    return value;
}

/// As get(name); on error returns std::nullopt and sets ec (ec is cleared on success).
inline std::optional<std::string> get(std::string_view name, std::error_code& ec) noexcept {
    ec.clear();
    if (!detail::valid_or_report(name, ec)) return std::nullopt;
    try {
        const std::string key(name);
        EnvLock lock;
        std::optional<std::string> value;
        ec = detail::raw_read(key, value);
        return value;
    } catch (...) { // std::bad_alloc for the key, std::system_error from the mutex
        ec = std::make_error_code(std::errc::not_enough_memory);
        return std::nullopt;
    }
}

/// True when NAME is set, to any value including "".
inline bool is_set(std::string_view name) { return get(name).has_value(); }

inline bool is_set(std::string_view name, std::error_code& ec) noexcept {
    return get(name, ec).has_value();
}

namespace detail {
inline void assign_checked(std::string_view name, const std::optional<std::string>& value) {
    if (value)
        require_valid("set", name, *value);
    else
        require_valid("unset", name);
    const std::string key(name);
    EnvLock lock;
    // Only an empty value needs its previous state: it is what a failed read-back must put back.
    std::optional<std::string> before;
    if (value && value->empty()) {
        if (auto ec = raw_read(key, before)) throw std::bad_alloc();
    }
    int os_error = 0;
    if (auto ec = raw_write(key, value, os_error)) {
        if (ec == errc::empty_became_unset) {
            int ignored = 0;
            (void)raw_write(key, before, ignored);
        }
        throw write_error(ec, os_error, key, value);
    }
}

inline void assign_checked(std::string_view name, const std::optional<std::string>& value,
                           std::error_code& ec) noexcept {
    ec.clear();
    try {
        assign_checked(name, value);
    } catch (const EnvError& error) {
        ec = error.code();
    } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
}
} // namespace detail

/// Sets NAME to VALUE. An empty VALUE sets the variable to the empty string (it does not unset it),
/// and is read back to prove it: a platform that deleted it instead is errc::empty_became_unset.
inline void set(std::string_view name, std::string_view value) {
    detail::assign_checked(name, std::optional<std::string>(std::in_place, value));
}

inline void set(std::string_view name, std::string_view value, std::error_code& ec) noexcept {
    try {
        detail::assign_checked(name, std::optional<std::string>(std::in_place, value), ec);
    } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
}

/// Removes NAME. Removing a variable that is not set is not an error.
inline void unset(std::string_view name) { detail::assign_checked(name, std::nullopt); }

inline void unset(std::string_view name, std::error_code& ec) noexcept {
    detail::assign_checked(name, std::nullopt, ec);
}

/// The three-state setter: a value (possibly "") sets, std::nullopt unsets. The inverse of get().
inline void assign(std::string_view name, const std::optional<std::string>& value) {
    detail::assign_checked(name, value);
}

inline void assign(std::string_view name, const std::optional<std::string>& value,
                   std::error_code& ec) noexcept {
    detail::assign_checked(name, value, ec);
}

ENVGUARD_NAMESPACE_END
