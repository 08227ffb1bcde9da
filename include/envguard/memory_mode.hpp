// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// MemoryMode: who owns the "NAME=VALUE" strings the guards place in the environment, and the
// process-wide switch between the two modes (set_memory_mode, memory_mode).
#pragma once

#include "config.hpp"
#include "detail/needs_exceptions.hpp"

#if ENVGUARD_HAS_EXCEPTIONS // else: not available (detail/needs_exceptions.hpp)
ENVGUARD_NAMESPACE_BEGIN

/// Who owns the "NAME=VALUE" strings a ScopedEnv (or EnvOverlay::apply) places in the environment.
///
/// - `keep` (the default): glibc's own rule. Values are written with setenv, whose strings live until
///   the process ends, so every pointer getenv ever returned stays valid. A restore puts back the
///   original string itself (the very pointer that was in environ), allocating nothing. The cost:
///   glibc keeps every distinct value it was given, so a million cycles with distinct values grow
///   the process by tens of megabytes (see BENCHMARKS.md), with or without envguard.
/// - `reclaim`: envguard allocates the strings it places (putenv of its own buffers) and frees each
///   one, under EnvLock, once no environ entry points to it and no guard keeps it as an original to
///   put back. Growth stays flat. **Trade-off: a pointer returned by getenv for a value a guard
///   set is invalid once the guard restores** (copy the value, e.g. with envguard::get, if it must
///   outlive the guard). Values of other code are untouched: a setenv by other code replaces
///   envguard's string (which is then freed at the next restore) and is never freed by envguard.
///
/// The mode is process-wide and applies to writes made after it is set; strings placed in reclaim
/// mode are still reclaimed after switching back. Windows: no effect (the C runtime and the OS keep
/// copies of their own and free the ones they replace, so there is nothing to reclaim).
enum class MemoryMode {
    keep,    ///< default: strings are never freed; getenv pointers stay valid
    reclaim, ///< envguard frees the strings it placed once nothing refers to them
};

/// Sets the process-wide MemoryMode for the values guards write from now on; returns the previous
/// mode. See MemoryMode for the trade-off. Thread-safe.
ENVGUARD_DECL MemoryMode set_memory_mode(MemoryMode mode) noexcept;

/// The current MemoryMode (MemoryMode::keep unless set_memory_mode changed it).
ENVGUARD_DECL MemoryMode memory_mode() noexcept;

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
#    include <atomic>
ENVGUARD_NAMESPACE_BEGIN

namespace detail {

// The process-wide mode; ScopedEnv's writes read it (scoped_env.hpp).
inline std::atomic<MemoryMode>& memory_mode_slot() noexcept {
    static std::atomic<MemoryMode> slot{MemoryMode::keep};
    return slot;
}

} // namespace detail

ENVGUARD_DECL MemoryMode set_memory_mode(MemoryMode mode) noexcept {
    return detail::memory_mode_slot().exchange(mode);
}

ENVGUARD_DECL MemoryMode memory_mode() noexcept { return detail::memory_mode_slot().load(); }

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
#endif // ENVGUARD_HAS_EXCEPTIONS
