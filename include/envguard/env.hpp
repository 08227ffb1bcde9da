// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// Checked, locked access to one variable at a time, in three states: std::nullopt is unset, "" is set
// to the empty string, anything else is a value. Every function validates its input before it touches
// anything, so a bad name or value changes nothing. Each throwing function has an overload taking
// std::error_code& that never throws.
//
// Both forms share one core that reports every failure as a value (detail::env_failure): the
// std::error_code overloads hand its code on, the throwing ones build their EnvError from it. Nothing
// on the error_code path throws or builds an exception, so those overloads, and this header, work
// without exceptions (-fno-exceptions), where the throwing overloads are left out.
#pragma once

#include "config.hpp"
#include "detail/platform.hpp"
#include "error.hpp"
#include "lock.hpp"
#include "names.hpp"

#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

ENVGUARD_NAMESPACE_BEGIN

namespace detail {
struct env_failure; // how a core operation failed (defined with the bodies)
} // namespace detail

#if ENVGUARD_HAS_EXCEPTIONS
/// The value of NAME: std::nullopt when unset, "" when set to the empty string.
/// Throws EnvError (errc::invalid_name) for a name that no variable can have.
ENVGUARD_DECL std::optional<std::string> get(std::string_view name);
/// True when NAME is set, to any value including "".
ENVGUARD_DECL bool is_set(std::string_view name);
/// Sets NAME to VALUE. An empty VALUE sets the variable to the empty string (it does not unset it),
/// and is read back to prove it: a platform that deleted it instead is errc::empty_became_unset.
ENVGUARD_DECL void set(std::string_view name, std::string_view value);
/// Removes NAME. Removing a variable that is not set is not an error.
ENVGUARD_DECL void unset(std::string_view name);
/// The three-state setter: a value (possibly "") sets, std::nullopt unsets. The inverse of get().
ENVGUARD_DECL void assign(std::string_view name, const std::optional<std::string>& value);
#endif

/// As get(name); on error returns std::nullopt and sets ec (ec is cleared on success).
ENVGUARD_DECL std::optional<std::string> get(std::string_view name, std::error_code& ec) noexcept;
/// As is_set(name); on error returns false and sets ec.
ENVGUARD_DECL bool is_set(std::string_view name, std::error_code& ec) noexcept;
/// As set(name, value); on error changes nothing and sets ec.
ENVGUARD_DECL void set(std::string_view name, std::string_view value, std::error_code& ec) noexcept;
/// As unset(name); on error changes nothing and sets ec.
ENVGUARD_DECL void unset(std::string_view name, std::error_code& ec) noexcept;
/// As assign(name, value); on error changes nothing and sets ec.
ENVGUARD_DECL void assign(std::string_view name, const std::optional<std::string>& value,
                          std::error_code& ec) noexcept;

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
#    include "detail/validate.hpp"
ENVGUARD_NAMESPACE_BEGIN


namespace detail {

// The raw operations, with the lock already held and the input already validated. Each returns an
// error code instead of throwing, so that guards can use them on their noexcept paths.
inline std::error_code os_error_code(int os_error) noexcept {
    return {os_error, std::system_category()};
}

inline std::error_code raw_read(const std::string& name, std::optional<std::string>& out) noexcept {
    ENVGUARD_TRY {
        std::string value;
        if (platform().read(name, value))
            out = std::move(value);
        else
            out.reset();
        return {};
    }
    ENVGUARD_CATCH_ALL { // std::bad_alloc, the only thing the seam's read may throw
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
                                  envguard::quote_value(name, message_name_shown) + ": " + ec.message());
}

// How a core operation failed, as a value: the error code the std::error_code overloads report, and
// what the throwing overloads need for the same EnvError as always: the rule that bad input broke
// (then code is envguard's invalid_name/invalid_value/value_too_long), or the OS's error number.
struct env_failure {
    std::error_code code;
    const char* rule = nullptr;
    int os_error = 0;
    explicit operator bool() const noexcept { return static_cast<bool>(code); }
};

inline env_failure bad_input(rule_violation bad) noexcept {
    return {make_error_code(bad.code), bad.rule, 0};
}

// The core of get(): validates, then reads under the lock. Reports envguard's failures as a value;
// may throw only what the standard library throws on the way (std::bad_alloc for the key or the
// value, std::system_error from the mutex), which without exceptions ends the program instead.
inline env_failure read_core(std::string_view name, std::optional<std::string>& out) {
    out.reset();
    if (auto bad = check_name(name)) return bad_input(bad);
    const std::string key(name);
    EnvLock lock;
    std::string value;
    if (platform().read(key, value)) out = std::move(value);
    return {};
}

// The core of set/unset/assign: validates everything before it touches anything, writes, and on a
// failed write leaves the variable as it found it. Throws as read_core may, never after the write.
inline env_failure assign_core(std::string_view name, const std::optional<std::string>& value) {
    if (auto bad = value ? check_name_and_value(name, *value) : check_name(name)) return bad_input(bad);
    const std::string key(name);
    EnvLock lock;
    // Only an empty value needs its previous state: it is what a failed read-back must put back.
    std::optional<std::string> before;
    if (value && value->empty()) {
        std::string old;
        if (platform().read(key, old)) before = std::move(old);
    }
    env_failure failure;
    failure.code = raw_write(key, value, failure.os_error);
    if (failure.code == errc::empty_became_unset) {
        int ignored = 0;
        (void)raw_write(key, before, ignored);
    }
    return failure;
}

// Runs a core operation for an error_code overload: its failure becomes EC, and so does whatever
// the standard library threw on the way, so that the overload keeps its noexcept promise.
template <class Core>
inline void run_core(std::error_code& ec, Core&& core) noexcept {
#if ENVGUARD_HAS_EXCEPTIONS
    try {
        ec = core().code;
    } catch (const std::system_error& error) { // the mutex
        ec = error.code();
    } catch (...) { // std::bad_alloc
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
#else
    ec = core().code;
#endif
}

#if ENVGUARD_HAS_EXCEPTIONS
// The EnvError for a failure of the core, worded as the throwing API has always worded it.
[[noreturn]] inline void throw_failure(const env_failure& failure, std::string_view action,
                                       std::string_view name,
                                       const std::optional<std::string>& value) {
    if (failure.rule != nullptr)
        throw make_env_error(static_cast<errc>(failure.code.value()), action, name, failure.rule);
    throw write_error(failure.code, failure.os_error, std::string(name), value);
}
#endif

} // namespace detail

#if ENVGUARD_HAS_EXCEPTIONS
/// The value of NAME: std::nullopt when unset, "" when set to the empty string.
/// Throws EnvError (errc::invalid_name) for a name that no variable can have.
ENVGUARD_DECL std::optional<std::string> get(std::string_view name) {
    std::optional<std::string> value;
    if (auto failure = detail::read_core(name, value))
        detail::throw_failure(failure, "read", name, std::nullopt);
    return value;
}
#endif

/// As get(name); on error returns std::nullopt and sets ec (ec is cleared on success).
ENVGUARD_DECL std::optional<std::string> get(std::string_view name, std::error_code& ec) noexcept {
    std::optional<std::string> value;
    detail::run_core(ec, [&] { return detail::read_core(name, value); });
    if (ec) value.reset();
    return value;
}

#if ENVGUARD_HAS_EXCEPTIONS
/// True when NAME is set, to any value including "".
ENVGUARD_DECL bool is_set(std::string_view name) { return get(name).has_value(); }
#endif

ENVGUARD_DECL bool is_set(std::string_view name, std::error_code& ec) noexcept {
    return get(name, ec).has_value();
}

namespace detail {
#if ENVGUARD_HAS_EXCEPTIONS
inline void assign_checked(std::string_view name, const std::optional<std::string>& value) {
    if (auto failure = assign_core(name, value))
        throw_failure(failure, value ? "set" : "unset", name, value);
}
#endif

inline void assign_checked(std::string_view name, const std::optional<std::string>& value,
                           std::error_code& ec) noexcept {
    run_core(ec, [&] { return assign_core(name, value); });
}
} // namespace detail

#if ENVGUARD_HAS_EXCEPTIONS
/// Sets NAME to VALUE. An empty VALUE sets the variable to the empty string (it does not unset it),
/// and is read back to prove it: a platform that deleted it instead is errc::empty_became_unset.
ENVGUARD_DECL void set(std::string_view name, std::string_view value) {
    detail::assign_checked(name, std::optional<std::string>(std::in_place, value));
}
#endif

ENVGUARD_DECL void set(std::string_view name, std::string_view value, std::error_code& ec) noexcept {
    // The value is copied inside the core, where an allocation failure becomes EC.
    detail::run_core(ec, [&] {
        return detail::assign_core(name, std::optional<std::string>(std::in_place, value));
    });
}

#if ENVGUARD_HAS_EXCEPTIONS
/// Removes NAME. Removing a variable that is not set is not an error.
ENVGUARD_DECL void unset(std::string_view name) { detail::assign_checked(name, std::nullopt); }
#endif

ENVGUARD_DECL void unset(std::string_view name, std::error_code& ec) noexcept {
    detail::assign_checked(name, std::nullopt, ec);
}

#if ENVGUARD_HAS_EXCEPTIONS
/// The three-state setter: a value (possibly "") sets, std::nullopt unsets. The inverse of get().
ENVGUARD_DECL void assign(std::string_view name, const std::optional<std::string>& value) {
    detail::assign_checked(name, value);
}
#endif

ENVGUARD_DECL void assign(std::string_view name, const std::optional<std::string>& value,
                   std::error_code& ec) noexcept {
    detail::assign_checked(name, value, ec);
}

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
