// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// ScopedEnv: change variables now, get every one of them back exactly when the guard ends, also
// during stack unwinding. "Exactly" means in three states: a variable that was unset is unset again,
// one that was "" is "" again, a value comes back byte for byte.
#pragma once

#include "config.hpp"
#include "detail/needs_exceptions.hpp"
#include "detail/owned_strings.hpp"
#include "detail/plan.hpp"
#include "env.hpp"
#include "error.hpp"
#include "lock.hpp"
#include "memory_mode.hpp"
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
    std::string name;                 ///< the variable
    std::optional<std::string> value; ///< its new value ("" = set to empty); std::nullopt = unset
};

/// A name a guard touched and the state it found it in before its first change.
struct SavedVariable {
    std::string name;                    ///< the variable (on Windows, spelled as the OS had it)
    std::optional<std::string> original; ///< its state before: a value, "" or std::nullopt (unset)
};

namespace detail {

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

    /// Applies a plan whose names are validated and distinct (used by EnvOverlay::apply).
    ScopedEnv(detail::adopt_plan_t, std::vector<detail::planned_change> plan);
    /// The same, holding EnvLock (used by EnvOverlay::apply(envguard::exclusive)).
    ScopedEnv(detail::adopt_plan_t, exclusive_t, std::vector<detail::planned_change> plan)
       ;

    /// Takes over OTHER's changes (and lock): OTHER restores nothing when destroyed.
    ScopedEnv(ScopedEnv&& other) noexcept
       ;
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
    bool active() const noexcept { return !saved_.empty(); }

    /// The names it changed, each with its original state, in order of first change.
    const std::vector<SavedVariable>& saved() const noexcept { return saved_; }

private:
    static void validate(std::string_view name, const std::optional<std::string>& value);

    const SavedVariable* find_saved(std::string_view name) const noexcept;

    // Reads NAME's state into BEFORE with one lookup; returns the environ string holding it (POSIX),
    // which the restore puts back as it is, or nullptr (unset, or Windows).
    static const char* read_current(const std::string& name, std::optional<std::string>& before);

    // Writes each change's new state, all or nothing: when a write fails (or, in reclaim mode,
    // allocating its string), the changes already applied are undone in reverse order (failures of
    // that undo go to the restore-failure handler) and the error is thrown. ENTRIES[i] is the
    // environ string that held PLAN[i].before, or nullptr; PLACED[i] receives the string envguard
    // placed for PLAN[i] (MemoryMode::reclaim) or nullptr, for the caller to hold once all succeeded.
    // The caller holds EnvLock.
    static void commit(const detail::planned_change* plan, const char* const* entries,
                       const char** placed, std::size_t count);

    static void undo(const detail::planned_change* plan, const char* const* entries,
                     std::size_t count) noexcept;

    void apply_all(const EnvChange* first, const EnvChange* last);

    void adopt(std::vector<detail::planned_change> plan);

    // Applies PLAN, whose originals' environ strings are in entries_ (one each), and remembers them.
    // Only constructors call it, so on failure the half-built guard is simply discarded.
    void commit_plan(std::vector<detail::planned_change>& plan);

    void restore_each(bool report_to_handler);

    // Large guards (EnvOverlay::apply with clear()) restore every variable at once (POSIX,
    // detail::bulk_write): true when done. Falls back to one write per variable when the bulk write
    // cannot allocate. The caller holds EnvLock.
    bool restore_in_bulk() noexcept;

    std::vector<SavedVariable> saved_;
    // For each entry of saved_: the environ string that held its original (POSIX, set variables
    // this guard read itself), put back as it is by the restore; nullptr otherwise.
    std::vector<const char*> entries_;
    // For each entry of saved_: the string envguard placed for it last (MemoryMode::reclaim), held
    // until this guard restores or releases, so that no other restore's sweep frees a value this
    // guard still has in place (issue #16 item 4); nullptr otherwise.
    std::vector<const char*> placed_;
    std::unique_lock<detail::env_mutex_type> lock_; // owns the mutex only for envguard::exclusive
};

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
#    include "detail/names.hpp"
#    include "detail/platform.hpp"
#    include "detail/validate.hpp"
#    include <cstring>
ENVGUARD_NAMESPACE_BEGIN

namespace detail {

// After NAME was set to "": a platform that deleted it instead must not go unnoticed.
inline std::error_code read_back_empty(const std::string& name) noexcept {
    std::optional<std::string> back;
    if (auto ec = raw_read(name, back)) return ec;
    if (!back) return make_error_code(errc::empty_became_unset);
    return {};
}

// True when ENTRY still reads "NAME=ORIGINAL" (a string the user gave putenv may have been edited).
inline bool entry_spells(const char* entry, const std::string& name,
                         const std::string& original) noexcept {
    // Byte compares within the string's original length: a string can be edited, not shrunk.
    const std::size_t n = name.size();
    return std::memcmp(entry, name.data(), n) == 0 && entry[n] == '=' &&
           std::memcmp(entry + n + 1, original.data(), original.size()) == 0 &&
           entry[n + 1 + original.size()] == '\0';
}

// Puts back NAME's ORIGINAL state (the guard's own copy). ENTRY, when not null, is the environ string
// that held it. It is put back as it is (no copy) only when envguard owns it (MemoryMode::reclaim):
// the guard's hold keeps such a string alive, so reading it is safe. Any other string may have been
// freed by its owner since (a library that putenv's its own strings and frees the one it replaced),
// so it is never read: the saved copy is written with setenv. (Issue #16 item 5.)
inline std::error_code restore_variable(const std::string& name,
                                        const std::optional<std::string>& original,
                                        const char* entry, int& os_error) noexcept {
    const auto put_entry = platform().put_entry;
    if (entry != nullptr && original && put_entry != nullptr && find_owned(entry) != nullptr &&
        entry_spells(entry, name, *original)) {
        os_error = put_entry(name, const_cast<char*>(entry));
        if (os_error != 0) return make_error_code(errc::os_error);
        return original->empty() ? read_back_empty(name) : std::error_code();
    }
    return raw_write(name, original, os_error);
}

// Writes a guard's new VALUE for NAME. In MemoryMode::reclaim (POSIX) the string is envguard's own,
// returned in PLACED (nullptr otherwise) for the guard to hold; creating it may throw
// std::bad_alloc, before anything is written.
inline std::error_code write_variable(const std::string& name, const std::optional<std::string>& value,
                                      int& os_error, const char*& placed) {
    placed = nullptr;
    const auto put_entry = platform().put_entry;
    if (value && put_entry != nullptr && memory_mode_slot().load(std::memory_order_relaxed) ==
                                             MemoryMode::reclaim) {
        char* text = make_owned_entry(name, *value);
        placed = text;
        os_error = put_entry(name, text);
        if (os_error != 0) return make_error_code(errc::os_error); // TEXT is freed at the next sweep
        return value->empty() ? read_back_empty(name) : std::error_code();
    }
    return raw_write(name, value, os_error);
}

inline std::optional<std::string> read_or_throw(const std::string& name) {
    std::optional<std::string> value;
    if (raw_read(name, value)) throw std::bad_alloc();
    return value;
}

} // namespace detail

ENVGUARD_DECL ScopedEnv::ScopedEnv(exclusive_t) : lock_(detail::env_mutex()) {}

ENVGUARD_DECL ScopedEnv::ScopedEnv(std::initializer_list<EnvChange> changes) {
    apply_all(changes.begin(), changes.end());
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(const std::vector<EnvChange>& changes) {
    apply_all(changes.data(), changes.data() + changes.size());
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(exclusive_t, std::initializer_list<EnvChange> changes) : lock_(detail::env_mutex()) {
    apply_all(changes.begin(), changes.end());
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(exclusive_t, const std::vector<EnvChange>& changes) : lock_(detail::env_mutex()) {
    apply_all(changes.data(), changes.data() + changes.size());
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(std::string_view name, std::optional<std::string> value) {
    assign(name, std::move(value));
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(detail::adopt_plan_t, std::vector<detail::planned_change> plan) {
    adopt(std::move(plan));
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(detail::adopt_plan_t, exclusive_t, std::vector<detail::planned_change> plan)
    : lock_(detail::env_mutex()) {
    adopt(std::move(plan));
}

ENVGUARD_DECL ScopedEnv::ScopedEnv(ScopedEnv&& other) noexcept
    : saved_(std::move(other.saved_)), entries_(std::move(other.entries_)),
      placed_(std::move(other.placed_)), lock_(std::move(other.lock_)) {
    other.saved_.clear();
    other.entries_.clear();
    other.placed_.clear();
}

ENVGUARD_DECL ScopedEnv::~ScopedEnv() {
    if (!saved_.empty()) restore_each(/*report_to_handler=*/true);
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
    const SavedVariable* saved = find_saved(name);
    const bool first_touch = saved == nullptr;
    if (first_touch) { // no allocation after the write
        saved_.reserve(saved_.size() + 1);
        entries_.reserve(entries_.size() + 1);
        placed_.reserve(placed_.size() + 1);
    }
    detail::planned_change change{std::string(name), std::nullopt, std::move(value)};
    const char* entry = read_current(change.name, change.before);
#if ENVGUARD_WINDOWS
    if (change.before) change.name = detail::platform().spelling(change.name); // see commit_plan
#endif
    const char* placed = nullptr;
    commit(&change, &entry, &placed, 1);
    detail::hold_entry(placed);
    if (first_touch) {
        detail::hold_entry(entry);
        saved_.push_back({std::move(change.name), std::move(change.before)});
        entries_.push_back(entry);
        placed_.push_back(placed);
    } else { // this guard's previous string for NAME, now replaced, may go at the next sweep
        const auto at = static_cast<std::size_t>(saved - saved_.data());
        detail::release_entry(placed_[at]);
        placed_[at] = placed;
    }
    return *this;
}

ENVGUARD_DECL void ScopedEnv::restore() { restore_each(/*report_to_handler=*/false); }

ENVGUARD_DECL void ScopedEnv::release() noexcept {
    bool holds = false;
    for (const char* entry : entries_) holds = holds || entry != nullptr;
    for (const char* text : placed_) holds = holds || text != nullptr;
    if (holds) {
        std::lock_guard<detail::env_mutex_type> lock(detail::env_mutex());
        for (const char* entry : entries_) detail::release_entry(entry);
        for (const char* text : placed_) detail::release_entry(text);
        detail::sweep_owned_entries();
    }
    saved_.clear();
    entries_.clear();
    placed_.clear();
    if (lock_.owns_lock()) lock_.unlock();
}

ENVGUARD_DECL void ScopedEnv::validate(std::string_view name, const std::optional<std::string>& value) {
    if (value)
        detail::require_valid("set", name, *value);
    else
        detail::require_valid("unset", name);
}

ENVGUARD_DECL const SavedVariable* ScopedEnv::find_saved(std::string_view name) const noexcept {
    for (const auto& entry : saved_)
        if (detail::same_name(entry.name, name)) return &entry;
    return nullptr;
}

ENVGUARD_DECL const char* ScopedEnv::read_current(const std::string& name, std::optional<std::string>& before) {
    if (const auto find_entry = detail::platform().find_entry) {
        const char* entry = find_entry(name);
        if (entry != nullptr)
            before.emplace(entry + name.size() + 1);
        else
            before.reset();
        return entry;
    }
    before = detail::read_or_throw(name);
    return nullptr;
}

ENVGUARD_DECL void ScopedEnv::commit(const detail::planned_change* plan, const char* const* entries,
                   const char** placed, std::size_t count) {
#if !ENVGUARD_WINDOWS
    if (detail::bulk_write_applies(count) &&
        detail::memory_mode_slot().load(std::memory_order_relaxed) == MemoryMode::keep) {
        detail::bulk_write(count, plan, &detail::planned_name, &detail::planned_after);
        for (std::size_t i = 0; i < count; ++i) placed[i] = nullptr;
        return;
    }
#endif
    for (std::size_t i = 0; i < count; ++i) {
        int os_error = 0;
        std::error_code ec;
        try {
            ec = detail::write_variable(plan[i].name, plan[i].after, os_error, placed[i]);
        } catch (...) {
            undo(plan, entries, i);
            throw;
        }
        if (ec) {
            undo(plan, entries, i + 1); // i too: undoes a deleted empty value
            throw detail::write_error(ec, os_error, plan[i].name, plan[i].after);
        }
    }
}

ENVGUARD_DECL void ScopedEnv::undo(const detail::planned_change* plan, const char* const* entries,
                 std::size_t count) noexcept {
    for (std::size_t j = count; j-- > 0;) {
        int os_error = 0;
        if (auto ec = detail::restore_variable(plan[j].name, plan[j].before, entries[j], os_error))
            detail::report_restore_failure(ec, os_error, plan[j].name, plan[j].before);
    }
    detail::sweep_owned_entries();
}

ENVGUARD_DECL void ScopedEnv::apply_all(const EnvChange* first, const EnvChange* last) {
    for (auto it = first; it != last; ++it) validate(it->name, it->value);
    detail::prepare_out_of_memory_report();
    EnvLock lock;
    std::vector<detail::planned_change> plan;
    plan.reserve(static_cast<std::size_t>(last - first));
    entries_.reserve(plan.capacity());
    for (auto it = first; it != last; ++it) {
        detail::planned_change* same = nullptr;
        for (auto& planned : plan)
            if (detail::same_name(planned.name, it->name)) same = &planned;
        if (same != nullptr) {
            same->after = it->value; // a later change to the same name wins
        } else {
            plan.push_back({it->name, std::nullopt, it->value});
            entries_.push_back(read_current(plan.back().name, plan.back().before));
        }
    }
    commit_plan(plan);
}

ENVGUARD_DECL void ScopedEnv::adopt(std::vector<detail::planned_change> plan) {
    detail::prepare_out_of_memory_report();
    EnvLock lock;
    entries_.assign(plan.size(), nullptr); // BEFORE came from elsewhere: restored by value
    commit_plan(plan);
}

ENVGUARD_DECL void ScopedEnv::commit_plan(std::vector<detail::planned_change>& plan) {
#if ENVGUARD_WINDOWS
    // Remember each set variable under the OS's own spelling, so that a restore after an unset
    // brings back "Path", not the "path" a caller happened to write.
    for (auto& change : plan)
        if (change.before) change.name = detail::platform().spelling(change.name);
#endif
    saved_.reserve(plan.size());
    placed_.assign(plan.size(), nullptr);
    commit(plan.data(), entries_.data(), placed_.data(), plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        detail::hold_entry(entries_[i]);
        detail::hold_entry(placed_[i]);
        saved_.push_back({std::move(plan[i].name), std::move(plan[i].before)});
    }
}

ENVGUARD_DECL void ScopedEnv::restore_each(bool report_to_handler) {
    std::optional<EnvError> first_error;
    {
        std::unique_lock<detail::env_mutex_type> lock(detail::env_mutex());
        if (restore_in_bulk()) {
            for (std::size_t i = 0; i < saved_.size(); ++i) detail::release_entry(entries_[i]);
            saved_.clear(); // (the loop below has nothing left to do)
        }
        for (std::size_t i = saved_.size(); i-- > 0;) {
            const SavedVariable& variable = saved_[i];
            int os_error = 0;
            auto ec = detail::restore_variable(variable.name, variable.original, entries_[i],
                                               os_error);
            detail::release_entry(entries_[i]);
            if (!ec) continue;
            if (report_to_handler || first_error)
                detail::report_restore_failure(ec, os_error, variable.name, variable.original);
            else
                first_error.emplace(
                    detail::write_error(ec, os_error, variable.name, variable.original));
        }
        for (const char* text : placed_) detail::release_entry(text);
        saved_.clear();
        entries_.clear();
        placed_.clear();
        detail::sweep_owned_entries();
    }
    if (lock_.owns_lock()) lock_.unlock();
    if (first_error) throw *first_error;
}

ENVGUARD_DECL bool ScopedEnv::restore_in_bulk() noexcept {
#if !ENVGUARD_WINDOWS
    if (!detail::bulk_write_applies(saved_.size())) return false;
    try {
        detail::bulk_write(
            saved_.size(), saved_.data(),
            [](const void* items, std::size_t i) {
                return std::string_view(static_cast<const SavedVariable*>(items)[i].name);
            },
            [](const void* items, std::size_t i) -> const std::optional<std::string>& {
                return static_cast<const SavedVariable*>(items)[i].original;
            });
        return true;
    } catch (...) {
        return false;
    }
#else
    return false;
#endif
}

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
#endif // ENVGUARD_HAS_EXCEPTIONS
