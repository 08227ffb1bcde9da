// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// ScopedEnv: change variables now, get every one of them back exactly when the guard ends, also
// during stack unwinding. "Exactly" means in three states: a variable that was unset is unset again,
// one that was "" is "" again, a value comes back byte for byte.
#pragma once

#include "config.hpp"
#include "detail/needs_exceptions.hpp"
#include "detail/names.hpp"
#include "detail/platform.hpp"
#include "detail/validate.hpp"
#include "env.hpp"
#include "error.hpp"
#include "lock.hpp"
#include "restore_failure.hpp"

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if ENVGUARD_HAS_EXCEPTIONS // else: not available (detail/needs_exceptions.hpp)
ENVGUARD_NAMESPACE_BEGIN

/// One requested change: a value (possibly "") sets NAME, std::nullopt unsets it.
/// `{"RUSTC_WRAPPER", ""}` sets to empty; `{"CARGO_TARGET_DIR", std::nullopt}` unsets.
struct EnvChange {
    std::string name;
    std::optional<std::string> value;
};

/// A name a guard touched and the state it found it in before its first change.
struct SavedVariable {
    std::string name;
    std::optional<std::string> original;
};

namespace detail {

// A change with the state it replaces: what rollback and restore write back.
struct planned_change {
    std::string name;
    std::optional<std::string> before;
    std::optional<std::string> after;
};

// Applies PLAN in order, all or nothing: when a write fails, the changes already applied are undone
// in reverse order (failures of that undo go to the restore-failure handler, since only one error
// can be thrown) and then the error for the failing variable is thrown. The caller holds EnvLock.
inline void apply_plan(const std::vector<planned_change>& plan) {
    for (std::size_t i = 0; i < plan.size(); ++i) {
        int os_error = 0;
        if (auto ec = raw_write(plan[i].name, plan[i].after, os_error)) {
            for (std::size_t j = i + 1; j-- > 0;) { // j == i undoes a deleted empty value, too
                int undo_error = 0;
                if (auto undo = raw_write(plan[j].name, plan[j].before, undo_error))
                    report_restore_failure(undo, undo_error, plan[j].name, plan[j].before);
            }
            throw write_error(ec, os_error, plan[i].name, plan[i].after);
        }
    }
}

inline std::optional<std::string> read_or_throw(const std::string& name) {
    std::optional<std::string> value;
    if (raw_read(name, value)) throw std::bad_alloc();
    return value;
}

// Tag for the constructor that adopts an already-validated plan (EnvOverlay::apply).
struct adopt_plan_t {
    explicit adopt_plan_t() = default;
};

} // namespace detail

/// The RAII guard. Applies changes now, remembers each name's original state the first time it
/// touches it, and restores all of them, in reverse order, when it is destroyed.
///
///     envguard::ScopedEnv env{{"RUSTC_WRAPPER", ""},              // set to empty, NOT unset
///                             {"CARGO_INCREMENTAL", "1"},
///                             {"CARGO_TARGET_DIR", std::nullopt}}; // unset
///
/// Nesting: guards on the same name restore correctly when destroyed in reverse order of creation
/// (the normal case for scopes). Destroyed out of order, each guard still writes back what it found,
/// so the name ends as the *last-destroyed* guard found it, which is not the original. Use
/// SnapshotGuard where guards cannot be kept nested.
class [[nodiscard]] ScopedEnv {
public:
    /// A guard with no changes yet; add them with set(), set_empty(), unset().
    ScopedEnv() noexcept = default;

    /// Holds EnvLock from now until the guard has restored (or released) its changes, so other
    /// threads' envguard calls cannot interleave. Destroy it on the thread that created it.
    explicit ScopedEnv(exclusive_t) : lock_(detail::env_mutex()) {}

    /// Applies all CHANGES, all or nothing: every name and value is validated before anything is
    /// written, and if a write fails the ones before it are undone before EnvError is thrown.
    /// A name given twice ends with its last value.
    ScopedEnv(std::initializer_list<EnvChange> changes) { apply_all(changes.begin(), changes.end()); }
    explicit ScopedEnv(const std::vector<EnvChange>& changes) {
        apply_all(changes.begin(), changes.end());
    }
    ScopedEnv(exclusive_t, std::initializer_list<EnvChange> changes) : lock_(detail::env_mutex()) {
        apply_all(changes.begin(), changes.end());
    }
    ScopedEnv(exclusive_t, const std::vector<EnvChange>& changes) : lock_(detail::env_mutex()) {
        apply_all(changes.begin(), changes.end());
    }

    /// One variable: `ScopedEnv env("RUSTC_WRAPPER", "")`.
    ScopedEnv(std::string_view name, std::optional<std::string> value) {
        assign(name, std::move(value));
    }

    /// Applies a plan whose names are validated and distinct (used by EnvOverlay::apply).
    ScopedEnv(detail::adopt_plan_t, std::vector<detail::planned_change> plan) {
        adopt(std::move(plan));
    }
    ScopedEnv(detail::adopt_plan_t, exclusive_t, std::vector<detail::planned_change> plan)
        : lock_(detail::env_mutex()) {
        adopt(std::move(plan));
    }

    ScopedEnv(ScopedEnv&& other) noexcept
        : saved_(std::move(other.saved_)), lock_(std::move(other.lock_)) {
        other.saved_.clear();
    }
    // Move-assignment would have to restore *this first, which can fail in an operator that
    // callers expect not to: not provided. Copying would restore twice: not provided.
    ScopedEnv& operator=(ScopedEnv&&) = delete;
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

    /// Restores every name it changed, in reverse order. Never throws: a name that cannot be
    /// restored goes to the restore-failure handler, and every other name is still restored.
    ~ScopedEnv() {
        if (!saved_.empty()) restore_each(/*report_to_handler=*/true);
    }

    /// Sets NAME to VALUE ("" sets the empty string, read back to prove it was not deleted).
    ScopedEnv& set(std::string_view name, std::string_view value) {
        return assign(name, std::optional<std::string>(std::in_place, value));
    }
    /// Sets NAME to the empty string: set, not unset.
    ScopedEnv& set_empty(std::string_view name) { return assign(name, std::string()); }
    /// Removes NAME.
    ScopedEnv& unset(std::string_view name) { return assign(name, std::nullopt); }
    /// The three-state form: a value sets, std::nullopt unsets.
    ScopedEnv& assign(std::string_view name, std::optional<std::string> value) {
        validate(name, value);
        EnvLock lock;
        std::vector<detail::planned_change> plan;
        plan.push_back({std::string(name), detail::read_or_throw(std::string(name)),
                        std::move(value)});
        if (plan[0].before) plan[0].name = detail::platform().spelling(plan[0].name); // see adopt()
        const bool first_touch = find_saved(name) == nullptr;
        if (first_touch) saved_.reserve(saved_.size() + 1); // no allocation after the write
        detail::apply_plan(plan);
        if (first_touch) saved_.push_back({std::move(plan[0].name), std::move(plan[0].before)});
        return *this;
    }

    /// Restores now, in reverse order, and makes the guard inactive. Tries every name; if any
    /// could not be restored, throws EnvError for the first such name afterwards.
    void restore() { restore_each(/*report_to_handler=*/false); }

    /// Keeps the changes: the guard forgets them and restores nothing.
    void release() noexcept {
        saved_.clear();
        if (lock_.owns_lock()) lock_.unlock();
    }

    /// True while the guard has changes it will undo.
    bool active() const noexcept { return !saved_.empty(); }

    /// The names it changed, each with its original state, in order of first change.
    const std::vector<SavedVariable>& saved() const noexcept { return saved_; }

private:
    static void validate(std::string_view name, const std::optional<std::string>& value) {
        if (value)
            detail::require_valid("set", name, *value);
        else
            detail::require_valid("unset", name);
    }

    const SavedVariable* find_saved(std::string_view name) const noexcept {
        for (const auto& entry : saved_)
            if (detail::same_name(entry.name, name)) return &entry;
        return nullptr;
    }

    template <class Iterator>
    void apply_all(Iterator first, Iterator last) {
        for (auto it = first; it != last; ++it) validate(it->name, it->value);
        EnvLock lock;
        std::vector<detail::planned_change> plan;
        for (auto it = first; it != last; ++it) {
            detail::planned_change* same = nullptr;
            for (auto& planned : plan)
                if (detail::same_name(planned.name, it->name)) same = &planned;
            if (same != nullptr)
                same->after = it->value; // a later change to the same name wins
            else
                plan.push_back({it->name, detail::read_or_throw(it->name), it->value});
        }
        adopt(std::move(plan));
    }

    void adopt(std::vector<detail::planned_change> plan) {
        EnvLock lock;
        // Remember each set variable under the OS's own spelling, so that a restore after an unset
        // brings back "Path", not the "path" a caller happened to write (Windows; a no-op on POSIX).
        for (auto& change : plan)
            if (change.before) change.name = detail::platform().spelling(change.name);
        saved_.reserve(plan.size());
        detail::apply_plan(plan);
        for (auto& change : plan) saved_.push_back({std::move(change.name), std::move(change.before)});
    }

    void restore_each(bool report_to_handler) {
        std::optional<EnvError> first_error;
        {
            std::unique_lock<std::recursive_mutex> lock(detail::env_mutex());
            for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
                int os_error = 0;
                auto ec = detail::raw_write(it->name, it->original, os_error);
                if (!ec) continue;
                if (report_to_handler || first_error)
                    detail::report_restore_failure(ec, os_error, it->name, it->original);
                else
                    first_error.emplace(detail::write_error(ec, os_error, it->name, it->original));
            }
            saved_.clear();
        }
        if (lock_.owns_lock()) lock_.unlock();
        if (first_error) throw *first_error;
    }

    std::vector<SavedVariable> saved_;
    std::unique_lock<std::recursive_mutex> lock_; // owns the mutex only for envguard::exclusive
};

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_HAS_EXCEPTIONS
