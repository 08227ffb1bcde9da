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

namespace detail {

inline void print_restore_failure(const EnvError& error) noexcept {
    std::fputs(error.what(), stderr);
    std::fputs(" (while restoring the environment)\n", stderr);
}

inline std::atomic<restore_failure_handler>& restore_failure_handler_slot() noexcept {
    static std::atomic<restore_failure_handler> slot{&print_restore_failure};
    return slot;
}

// Reports a restore failure from a noexcept path. Building the EnvError allocates; if even that
// fails, a fixed line still reaches stderr (without exceptions, allocation failure ends the program).
inline void report_restore_failure(std::error_code ec, int os_error, const std::string& name,
                                   const std::optional<std::string>& value) noexcept {
    ENVGUARD_TRY {
        const EnvError error = write_error(ec, os_error, name, value);
        restore_failure_handler_slot().load()(error);
    }
    ENVGUARD_CATCH_ALL {
        std::fputs("envguard: could not restore an environment variable (out of memory)\n",
                   stderr);
    }
}

} // namespace detail

/// Replaces the function called when a destructor cannot restore a variable; returns the previous
/// one. The default prints the error's message as one line on stderr. nullptr restores the default.
inline restore_failure_handler set_restore_failure_handler(restore_failure_handler handler) noexcept {
    if (handler == nullptr) handler = &detail::print_restore_failure;
    return detail::restore_failure_handler_slot().exchange(handler);
}

ENVGUARD_NAMESPACE_END
