// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// NothrowScopedEnv: ScopedEnv's guarantee (every variable it changed comes back exactly, in three
// states, when it ends) for code that reports errors through std::error_code, including code built
// with -fno-exceptions, where ScopedEnv (whose constructors throw) is not available.
#pragma once

#include "config.hpp"
#include "detail/guard_core.hpp"
#include "env.hpp"
#include "error.hpp"
#include "lock.hpp"
#include "restore_failure.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

ENVGUARD_NAMESPACE_BEGIN

/// A guard whose changes report through std::error_code and never throw. Starts empty; each
/// successful set/set_empty/unset/assign remembers the name's original state the first time it
/// touches it, and the destructor restores all of them in reverse order (failures go to the
/// restore-failure handler, as for ScopedEnv). A failed call changes nothing and is not remembered:
///
///     envguard::NothrowScopedEnv env;
///     std::error_code ec;
///     env.set_empty("RUSTC_WRAPPER", ec);            // set to empty, NOT unset
///     if (!ec) env.unset("CARGO_TARGET_DIR", ec);
///     if (ec) return ec;                              // RUSTC_WRAPPER comes back here already
///
/// Nesting follows ScopedEnv's rule: destroy guards on the same name in reverse order of creation.
class [[nodiscard]] NothrowScopedEnv {
public:
    NothrowScopedEnv() noexcept = default;

    /// Holds EnvLock from now until the guard has restored (or released) its changes, as
    /// ScopedEnv(envguard::exclusive) does. Destroy it on the thread that created it.
    explicit NothrowScopedEnv(exclusive_t);

    /// Takes over OTHER's changes (and lock): OTHER restores nothing when destroyed.
    NothrowScopedEnv(NothrowScopedEnv&& other) noexcept = default;
    // As for ScopedEnv: move-assignment would have to restore first, copying would restore twice.
    NothrowScopedEnv& operator=(NothrowScopedEnv&&) = delete;
    NothrowScopedEnv(const NothrowScopedEnv&) = delete;
    NothrowScopedEnv& operator=(const NothrowScopedEnv&) = delete;

    /// Restores every name it changed, in reverse order. A name that cannot be restored goes to the
    /// restore-failure handler, and every other name is still restored.
    ~NothrowScopedEnv();

    /// Sets NAME to VALUE ("" sets the empty string, read back to prove it was not deleted).
    /// On error sets EC (errc::invalid_name, invalid_value, value_too_long, os_error,
    /// empty_became_unset, or std::errc::not_enough_memory) and changes nothing; EC is cleared
    /// on success.
    void set(std::string_view name, std::string_view value, std::error_code& ec) noexcept;
    /// Sets NAME to the empty string: set, not unset.
    void set_empty(std::string_view name, std::error_code& ec) noexcept { set(name, {}, ec); }
    /// Removes NAME.
    void unset(std::string_view name, std::error_code& ec) noexcept;
    /// The three-state form: a value sets, std::nullopt unsets.
    void assign(std::string_view name, const std::optional<std::string>& value,
                std::error_code& ec) noexcept;

    /// Restores now, in reverse order, and makes the guard inactive. Tries every name; each one
    /// that could not be restored goes to the restore-failure handler (which names it), and EC is
    /// the error of the first such name (cleared when all were restored).
    void restore(std::error_code& ec) noexcept;

    /// Keeps the changes: the guard forgets them and restores nothing.
    void release() noexcept;

    /// True while the guard has changes it will undo.
    bool active() const noexcept { return !core_.empty(); }

    /// How many names it will restore.
    std::size_t size() const noexcept { return core_.saved().size(); }

private:
    // The core of every change: validates first, writes, and remembers the original only after a
    // successful write. Everything that can allocate happens before the write, so that an
    // allocation failure (an error code with exceptions, the end of the program without) never
    // leaves a change the guard does not know about.
    detail::env_failure change(std::string_view name, const std::optional<std::string>& value);

    detail::guard_core core_; // the names, their originals, the restore (and the exclusive lock)
};

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
#    include "detail/names.hpp"
#    include "detail/platform.hpp"
#    include "detail/validate.hpp"
ENVGUARD_NAMESPACE_BEGIN

ENVGUARD_DECL NothrowScopedEnv::NothrowScopedEnv(exclusive_t) : core_(exclusive) {}

ENVGUARD_DECL NothrowScopedEnv::~NothrowScopedEnv() { core_.restore_reporting<detail::plain_strings>(nullptr); }

ENVGUARD_DECL void NothrowScopedEnv::set(std::string_view name, std::string_view value, std::error_code& ec) noexcept {
    detail::run_core(ec, [&] {
        return change(name, std::optional<std::string>(std::in_place, value));
    });
}

ENVGUARD_DECL void NothrowScopedEnv::unset(std::string_view name, std::error_code& ec) noexcept {
    detail::run_core(ec, [&] { return change(name, std::nullopt); });
}

ENVGUARD_DECL void NothrowScopedEnv::assign(std::string_view name, const std::optional<std::string>& value,
            std::error_code& ec) noexcept {
    detail::run_core(ec, [&] { return change(name, value); });
}

ENVGUARD_DECL void NothrowScopedEnv::release() noexcept { core_.release<detail::plain_strings>(); }

ENVGUARD_DECL void NothrowScopedEnv::restore(std::error_code& ec) noexcept {
    ec.clear();
    core_.restore_reporting<detail::plain_strings>(&ec);
}

ENVGUARD_DECL detail::env_failure NothrowScopedEnv::change(std::string_view name, const std::optional<std::string>& value) {
    if (auto bad = value ? detail::check_name_and_value(name, *value) : detail::check_name(name))
        return detail::bad_input(bad);
    EnvLock lock;
    std::string key(name);
    std::optional<std::string> before;
    {
        std::string old;
        if (detail::platform().read(key, old)) before = std::move(old);
    }
    // A set variable is remembered under the OS's spelling (Windows: "Path", whatever the
    // caller wrote), so that a restore after an unset brings that spelling back.
    if (before) key = detail::platform().spelling(key);
    const bool first_touch = core_.find(key) == detail::guard_core::npos;
    if (first_touch) core_.reserve(1); // no allocation after the write
    detail::env_failure failure;
    failure.code = detail::raw_write(key, value, failure.os_error);
    if (failure) {
        if (failure.code == errc::empty_became_unset) { // put back what was there
            int ignored = 0;
            (void)detail::raw_write(key, before, ignored);
        }
        return failure;
    }
    if (first_touch) core_.remember(std::move(key), std::move(before));
    return failure;
}

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
