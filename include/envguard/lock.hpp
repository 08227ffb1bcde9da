// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The process-wide lock that every envguard access to the environment takes. setenv/unsetenv are not
// thread-safe against each other or against getenv, so envguard serializes its own calls. It cannot
// protect against code that calls getenv/setenv directly: see "Threads" in the README.
#pragma once

#include "config.hpp"

#include <atomic>
#include <cstddef>
#include <mutex>
#include <new>
#include <thread>

#if !ENVGUARD_WINDOWS
#    include <pthread.h> // pthread_atfork
#endif

ENVGUARD_NAMESPACE_BEGIN

namespace detail {

// The process-wide lock: recursive, because a guard holding the lock for its whole life
// (envguard::exclusive) still calls envguard functions that take it again. Not std::recursive_mutex,
// because a child made by fork() must be able to use it (see after_fork_in_child): glibc's recursive
// mutex records its owner by kernel thread id, which a child does not share with its parent, so a
// child forked while its parent held the lock (inside ScopedEnv(envguard::exclusive, ...)) could
// neither release nor take it again and hung. Here the owner is the std::thread::id (pthread_self),
// which the child's one thread keeps.
class env_mutex_type {
public:
    env_mutex_type() noexcept = default;
    env_mutex_type(const env_mutex_type&) = delete;
    env_mutex_type& operator=(const env_mutex_type&) = delete;

    void lock() {
        const std::thread::id self = std::this_thread::get_id();
        if (owner_.load(std::memory_order_relaxed) == self) { // only this thread stores SELF
            ++depth_;
            return;
        }
        mutex_.lock();
        owner_.store(self, std::memory_order_relaxed);
        depth_ = 1;
    }
    bool try_lock() {
        const std::thread::id self = std::this_thread::get_id();
        if (owner_.load(std::memory_order_relaxed) == self) {
            ++depth_;
            return true;
        }
        if (!mutex_.try_lock()) return false;
        owner_.store(self, std::memory_order_relaxed);
        depth_ = 1;
        return true;
    }
    void unlock() noexcept {
        if (--depth_ != 0) return;
        owner_.store(std::thread::id(), std::memory_order_relaxed);
        mutex_.unlock();
    }

    // Runs in the child of fork(), which has one thread: a copy of the one that called fork. Whatever
    // other threads held means nothing there, so the lock is free, unless the forking thread held
    // it: then the child holds it just as deeply, and the guards that took it release it as usual.
    void after_fork_in_child() noexcept {
        const bool held_by_forking_thread =
            owner_.load(std::memory_order_relaxed) == std::this_thread::get_id();
        ::new (static_cast<void*>(&mutex_)) std::mutex(); // the inherited state is meaningless here
        if (held_by_forking_thread) {
            mutex_.lock(); // free after the line above: cannot block
        } else {
            owner_.store(std::thread::id(), std::memory_order_relaxed);
            depth_ = 0;
        }
    }

private:
    std::mutex mutex_;
    std::atomic<std::thread::id> owner_{};
    std::size_t depth_ = 0; // read and written only by the owner
};

// The one envguard mutex of the program (a function-local static: one object, however many
// translation units include this header).
ENVGUARD_DECL env_mutex_type& env_mutex() noexcept;

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
    EnvLock();
    EnvLock(const EnvLock&) = delete;
    EnvLock& operator=(const EnvLock&) = delete;

private:
    std::unique_lock<detail::env_mutex_type> lock_;
};

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
ENVGUARD_NAMESPACE_BEGIN
namespace detail {
#if !ENVGUARD_WINDOWS
inline void env_mutex_after_fork_in_child() noexcept;
#endif

ENVGUARD_DECL env_mutex_type& env_mutex() noexcept {
    static env_mutex_type mutex;
#if !ENVGUARD_WINDOWS
    // Registered once, the first time envguard locks: before that no child can inherit it held.
    static const int registered = ::pthread_atfork(nullptr, nullptr, &env_mutex_after_fork_in_child);
    (void)registered;
#endif
    return mutex;
}

#if !ENVGUARD_WINDOWS
inline void env_mutex_after_fork_in_child() noexcept { env_mutex().after_fork_in_child(); }
#endif

} // namespace detail

ENVGUARD_DECL EnvLock::EnvLock() : lock_(detail::env_mutex()) {}
ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
