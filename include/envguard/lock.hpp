// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The process-wide lock that every envguard access to the environment takes. setenv/unsetenv are not
// thread-safe against each other or against getenv, so envguard serializes its own calls. It cannot
// protect against code that calls getenv/setenv directly: see "Threads" in the README.
#pragma once

#include "config.hpp"

#include <mutex>

ENVGUARD_NAMESPACE_BEGIN

namespace detail {
// Recursive, because a guard holding the lock for its whole life (envguard::exclusive) still calls
// envguard functions that take it again.
inline std::recursive_mutex& env_mutex() noexcept {
    static std::recursive_mutex mutex;
    return mutex;
}
} // namespace detail

/// Tag: construct a ScopedEnv with `envguard::exclusive` to hold EnvLock from construction until the
/// guard has restored everything, so that no other thread's envguard calls interleave with its changes.
struct exclusive_t {
    explicit exclusive_t() = default;
};
inline constexpr exclusive_t exclusive{};

/// Holds the process-wide envguard lock for its lifetime. Hold one to make several envguard calls
/// atomic with respect to other threads that use envguard. Recursive: a thread may nest them.
class EnvLock {
public:
    EnvLock() : lock_(detail::env_mutex()) {}
    EnvLock(const EnvLock&) = delete;
    EnvLock& operator=(const EnvLock&) = delete;

private:
    std::unique_lock<std::recursive_mutex> lock_;
};

ENVGUARD_NAMESPACE_END
