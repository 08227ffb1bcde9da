// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// What a guard's destructor does with a variable it could not restore: it must not throw, and a lost
// variable must not pass in silence either. Shared by every guard (ScopedEnv, SnapshotGuard,
// NothrowScopedEnv), and free of exceptions, so that it works under -fno-exceptions too.
#pragma once

#include "config.hpp"
#include "env.hpp"
#include "error.hpp"

#include <atomic>
#include <cstdio>
#include <optional>
#include <string>
#include <system_error>

ENVGUARD_NAMESPACE_BEGIN

/// Called by a destructor (ScopedEnv, SnapshotGuard, NothrowScopedEnv) when it could not restore a
/// variable: a destructor must not throw, and a lost variable must not pass in silence either.
using restore_failure_handler = void (*)(const EnvError& error) noexcept;

/// Replaces the function called when a destructor cannot restore a variable; returns the previous
/// one. The default prints the error's message as one line on stderr. nullptr restores the default.
ENVGUARD_DECL restore_failure_handler set_restore_failure_handler(restore_failure_handler handler) noexcept;

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
ENVGUARD_NAMESPACE_BEGIN
namespace detail {

inline void print_restore_failure(const EnvError& error) noexcept {
    std::fputs(error.what(), stderr);
    std::fputs(" (while restoring the environment)\n", stderr);
}

inline std::atomic<restore_failure_handler>& restore_failure_handler_slot() noexcept {
    static std::atomic<restore_failure_handler> slot{&print_restore_failure};
    return slot;
}

inline std::atomic<const EnvError*>& out_of_memory_error_slot() noexcept {
    static std::atomic<const EnvError*> slot{nullptr};
    return slot;
}

// The error a restore reports when it failed and there was no memory left to describe the variable
// (errc: std::errc::not_enough_memory, no name). Made once, in advance, by every guard's constructor
// (which may allocate), so that reporting it from a destructor allocates nothing.
inline void prepare_out_of_memory_report() {
    if (out_of_memory_error_slot().load(std::memory_order_acquire) != nullptr) return;
    static const EnvError error(std::make_error_code(std::errc::not_enough_memory), std::string(),
                                "envguard: cannot restore the environment: out of memory (every "
                                "variable that could be restored without allocating was)");
    out_of_memory_error_slot().store(&error, std::memory_order_release);
}

// Sends the prepared out-of-memory error to the handler; a fixed line on stderr if none was made.
inline void report_out_of_memory() noexcept {
    if (const EnvError* error = out_of_memory_error_slot().load(std::memory_order_acquire))
        restore_failure_handler_slot().load()(*error);
    else
        std::fputs("envguard: could not restore an environment variable (out of memory)\n", stderr);
}

// Reports a restore failure from a noexcept path. Building the EnvError allocates; if even that
// fails, the prepared out-of-memory error goes to the handler instead (without exceptions,
// allocation failure ends the program).
inline void report_restore_failure(std::error_code ec, int os_error, const std::string& name,
                                   const std::optional<std::string>& value) noexcept {
    ENVGUARD_TRY {
        const EnvError error = write_error(ec, os_error, name, value);
        restore_failure_handler_slot().load()(error);
    }
    ENVGUARD_CATCH_ALL { report_out_of_memory(); }
}

} // namespace detail

/// Replaces the function called when a destructor cannot restore a variable; returns the previous
/// one. The default prints the error's message as one line on stderr. nullptr restores the default.
ENVGUARD_DECL restore_failure_handler set_restore_failure_handler(restore_failure_handler handler) noexcept {
    if (handler == nullptr) handler = &detail::print_restore_failure;
    return detail::restore_failure_handler_slot().exchange(handler);
}

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
