// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// ScopedEnv: change variables now, get every one of them back exactly when the guard ends, also
// during stack unwinding. "Exactly" means in three states: a variable that was unset is unset again,
// one that was "" is "" again, a value comes back byte for byte.
#pragma once

#include "config.hpp"
#include "detail/needs_exceptions.hpp"
#include "detail/guard_core.hpp"
#include "detail/guard_commit.hpp"
#include "detail/plan.hpp"
#include "env.hpp"
#include "error.hpp"
#include "lock.hpp"
#include "memory_mode.hpp"
#include "restore_failure.hpp"

#include <cstddef>
#include <initializer_list>
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
    std::string name;                 ///< the variable
    std::optional<std::string> value; ///< its new value ("" = set to empty); std::nullopt = unset
};

namespace detail {

// Tag of ScopedEnv's private adopting constructors (EnvOverlay::apply).
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
    explicit ScopedEnv(exclusive_t);

    /// Applies all CHANGES, all or nothing: every name and value is validated before anything is
    /// written, and if a write fails the ones before it are undone before EnvError is thrown.
    /// A name given twice ends with its last value.
    ScopedEnv(std::initializer_list<EnvChange> changes);
    /// The same, for a list built at run time.
    explicit ScopedEnv(const std::vector<EnvChange>& changes);
    /// The same, holding EnvLock from before the first change until the guard has restored.
    ScopedEnv(exclusive_t, std::initializer_list<EnvChange> changes);
    /// The same, for a list built at run time, holding EnvLock.
    ScopedEnv(exclusive_t, const std::vector<EnvChange>& changes);

    /// One variable: `ScopedEnv env("RUSTC_WRAPPER", "")`.
    ScopedEnv(std::string_view name, std::optional<std::string> value);

    /// Takes over OTHER's changes (and lock): OTHER restores nothing when destroyed.
    ScopedEnv(ScopedEnv&& other) noexcept = default;
    // Move-assignment would have to restore *this first, which can fail in an operator that
    // callers expect not to: not provided. Copying would restore twice: not provided.
    ScopedEnv& operator=(ScopedEnv&&) = delete;
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

    /// Restores every name it changed, in reverse order. Never throws: a name that cannot be
    /// restored goes to the restore-failure handler, and every other name is still restored.
    ~ScopedEnv();

    /// Sets NAME to VALUE ("" sets the empty string, read back to prove it was not deleted).
    ScopedEnv& set(std::string_view name, std::string_view value);
    /// Sets NAME to the empty string: set, not unset.
    ScopedEnv& set_empty(std::string_view name);
    /// Removes NAME.
    ScopedEnv& unset(std::string_view name);
    /// The three-state form: a value sets, std::nullopt unsets.
    ScopedEnv& assign(std::string_view name, std::optional<std::string> value);

    /// Restores now, in reverse order, and makes the guard inactive. Tries every name; if any
    /// could not be restored, throws EnvError for the first such name afterwards.
    void restore();

    /// Keeps the changes: the guard forgets them and restores nothing.
    void release() noexcept;

    /// True while the guard has changes it will undo.
    bool active() const noexcept { return !core_.empty(); }

    /// The names it changed, each with its original state, in order of first change.
    const std::vector<SavedVariable>& saved() const noexcept { return core_.saved(); }

private:
    friend class EnvOverlay; // applies its plans through the adopting constructors below

    // Adopting constructors: apply PLAN, whose names are validated and distinct and whose before
    // states came from elsewhere (EnvOverlay::apply; restored by value). The tag keeps them apart
    // from the public list constructors in overload resolution.
    ScopedEnv(detail::adopt_plan_t, std::vector<detail::planned_change> plan);
    // The same, holding EnvLock (EnvOverlay::apply(envguard::exclusive)).
    ScopedEnv(detail::adopt_plan_t, exclusive_t, std::vector<detail::planned_change> plan);

    static void validate(std::string_view name, const std::optional<std::string>& value);

    void apply_all(const EnvChange* first, const EnvChange* last);

    void adopt(std::vector<detail::planned_change> plan);

    detail::guard_core core_; // the names, their originals, the restore (and the exclusive lock)
};

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
#    include "detail/names.hpp"
#    include "detail/platform.hpp"
#    include "detail/validate.hpp"
ENVGUARD_NAMESPACE_BEGIN

ENVGUARD_DECL ScopedEnv::ScopedEnv(exclusive_t) : core_(exclusive) {}

ENVGUARD_DECL ScopedEnv::ScopedEnv(std::initializer_list<EnvChange> changes) {
    apply_all(changes.begin(), changes.end());
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(const std::vector<EnvChange>& changes) {
    apply_all(changes.data(), changes.data() + changes.size());
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(exclusive_t, std::initializer_list<EnvChange> changes) : core_(exclusive) {
    apply_all(changes.begin(), changes.end());
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(exclusive_t, const std::vector<EnvChange>& changes) : core_(exclusive) {
    apply_all(changes.data(), changes.data() + changes.size());
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(std::string_view name, std::optional<std::string> value) {
    assign(name, std::move(value));
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(detail::adopt_plan_t, std::vector<detail::planned_change> plan) {
    adopt(std::move(plan));
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(detail::adopt_plan_t, exclusive_t, std::vector<detail::planned_change> plan)
    : core_(exclusive) {
    adopt(std::move(plan));
}

ENVGUARD_DECL ScopedEnv::~ScopedEnv() {
    if (!core_.empty()) core_.restore_reporting<detail::held_strings>(nullptr);
}

ENVGUARD_DECL ScopedEnv& ScopedEnv::set(std::string_view name, std::string_view value) {
    return assign(name, std::optional<std::string>(std::in_place, value));
}

ENVGUARD_DECL ScopedEnv& ScopedEnv::set_empty(std::string_view name) { return assign(name, std::string()); }

ENVGUARD_DECL ScopedEnv& ScopedEnv::unset(std::string_view name) { return assign(name, std::nullopt); }

ENVGUARD_DECL ScopedEnv& ScopedEnv::assign(std::string_view name, std::optional<std::string> value) {
    validate(name, value);
    detail::prepare_out_of_memory_report();
    EnvLock lock;
    const std::size_t at = core_.find(name);
    if (at == detail::guard_core::npos) core_.reserve_held(1); // no allocation after the write
    detail::planned_change change{std::string(name), std::nullopt, std::move(value)};
    const char* entry = detail::guard_core::read_current(change.name, change.before);
#if ENVGUARD_WINDOWS
    if (change.before) change.name = detail::platform().spelling(change.name); // see commit_new
#endif
    const char* placed = nullptr;
    detail::guard_core::commit(&change, &entry, &placed, 1);
    if (at == detail::guard_core::npos)
        core_.remember_held(std::move(change.name), std::move(change.before), entry, placed);
    else // this guard's previous string for NAME, now replaced, may go at the next sweep
        core_.replace_placed(at, placed);
    return *this;
}

ENVGUARD_DECL void ScopedEnv::restore() {
    detail::failed_restore first;
    core_.restore_holding_first<detail::held_strings>(first);
    if (first) throw detail::write_error(first.code, first.os_error, first.name, first.original);
}

ENVGUARD_DECL void ScopedEnv::release() noexcept { core_.release<detail::held_strings>(); }

ENVGUARD_DECL void ScopedEnv::validate(std::string_view name, const std::optional<std::string>& value) {
    if (value)
        detail::require_valid("set", name, *value);
    else
        detail::require_valid("unset", name);
}

ENVGUARD_DECL void ScopedEnv::apply_all(const EnvChange* first, const EnvChange* last) {
    for (auto it = first; it != last; ++it) validate(it->name, it->value);
    detail::prepare_out_of_memory_report();
    EnvLock lock;
    std::vector<detail::planned_change> plan;
    plan.reserve(static_cast<std::size_t>(last - first));
    for (auto it = first; it != last; ++it) {
        detail::planned_change* same = nullptr;
        for (auto& planned : plan)
            if (detail::same_name(planned.name, it->name)) same = &planned;
        if (same != nullptr) {
            same->after = it->value; // a later change to the same name wins
        } else {
            plan.push_back({it->name, std::nullopt, it->value});
        }
    }
    core_.commit_new(plan);
}

ENVGUARD_DECL void ScopedEnv::adopt(std::vector<detail::planned_change> plan) {
    detail::prepare_out_of_memory_report();
    EnvLock lock;
    core_.commit_new_adopted(plan);
}

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
#endif // ENVGUARD_HAS_EXCEPTIONS
