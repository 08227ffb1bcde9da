// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The core of both guards: the names a guard touched with the state it found each in, and the finding,
// remembering, restoring and releasing of them. ScopedEnv (scoped_env.hpp, throws EnvError) and
// NothrowScopedEnv (nothrow_scoped_env.hpp, std::error_code) are thin faces over it: each validates
// and writes in its own error style, then hands the original state to the core. With exceptions the
// core also holds ScopedEnv's MemoryMode strings and its all-or-nothing writer (commit/undo).
#pragma once

#include "../config.hpp"
#include "../env.hpp"
#include "../error.hpp"
#include "../lock.hpp"
#include "../restore_failure.hpp"
#if ENVGUARD_HAS_EXCEPTIONS
#    include "../memory_mode.hpp"
#    include "owned_strings.hpp"
#    include "plan.hpp"
#endif

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

ENVGUARD_NAMESPACE_BEGIN

/// A name a guard touched and the state it found it in before its first change.
struct SavedVariable {
    std::string name;                    ///< the variable (on Windows, spelled as the OS had it)
    std::optional<std::string> original; ///< its state before: a value, "" or std::nullopt (unset)
};

namespace detail {

// A restore that failed: what the throwing face needs for its EnvError (see guard_core::restore_*).
struct failed_restore {
    std::error_code code;
    int os_error = 0;
    std::string name;
    std::optional<std::string> original;
    explicit operator bool() const noexcept { return static_cast<bool>(code); }
};

class guard_core {
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    guard_core() noexcept = default;
    // Holds EnvLock from now until restore_*() or release() (envguard::exclusive).
    explicit guard_core(exclusive_t) : lock_(env_mutex()) {}
    // Takes over OTHER's names (and lock): OTHER then holds nothing.
    guard_core(guard_core&& other) noexcept;
    guard_core& operator=(guard_core&&) = delete;
    guard_core(const guard_core&) = delete;
    guard_core& operator=(const guard_core&) = delete;
    ~guard_core() = default; // the faces restore in their destructors (each reports its own way)

    const std::vector<SavedVariable>& saved() const noexcept { return saved_; }
    bool empty() const noexcept { return saved_.empty(); }

    // The index of NAME in saved(), or npos (detail::same_name: case-insensitive on Windows).
    std::size_t find(std::string_view name) const noexcept;

    // Makes room for COUNT more names, so that remember() never allocates after a write.
    void reserve(std::size_t count);

    // Remembers NAME's ORIGINAL state (its first change, already written). ENTRY is the environ
    // string that held ORIGINAL, PLACED the string envguard placed for the new value (both
    // MemoryMode::reclaim bookkeeping, nullptr otherwise); the core holds both until it restores or
    // releases. Room must have been reserved. The caller holds EnvLock.
    void remember(std::string&& name, std::optional<std::string>&& original, const char* entry,
                  const char* placed) noexcept;

    // A later change to the name at AT placed PLACED: the string placed before may go at the next
    // sweep. The caller holds EnvLock.
    void replace_placed(std::size_t at, const char* placed) noexcept;

    // Restores every name in reverse order and forgets them; unlocks an exclusive guard. Each failure
    // goes to the restore-failure handler; the first one's code also to FIRST_CODE when given.
    void restore_reporting(std::error_code* first_code) noexcept;

    // The same, except that the first failure goes to FIRST instead of the handler (for the face
    // that throws it once the restore is over).
    void restore_holding_first(failed_restore& first) noexcept;

    // Forgets every name without restoring; unlocks an exclusive guard.
    void release() noexcept;

#if ENVGUARD_HAS_EXCEPTIONS
    // Writes each change's new state, all or nothing: when a write fails (or, in reclaim mode,
    // allocating its string), the changes already applied are undone in reverse order (failures of
    // that undo go to the restore-failure handler) and the error is thrown. ENTRIES[i] is the
    // environ string that held PLAN[i].before, or nullptr; PLACED[i] receives the string envguard
    // placed for PLAN[i] (MemoryMode::reclaim) or nullptr, for remember(). The caller holds EnvLock.
    static void commit(const planned_change* plan, const char* const* entries, const char** placed,
                       std::size_t count);

    // Puts back PLAN[COUNT-1] .. PLAN[0]'s before states (commit's rollback).
    static void undo(const planned_change* plan, const char* const* entries,
                     std::size_t count) noexcept;

    // Reads NAME's state into BEFORE with one lookup; returns the environ string holding it (POSIX),
    // which the restore puts back as it is, or nullptr (unset, or Windows).
    static const char* read_current(const std::string& name, std::optional<std::string>& before);

    // For a core that holds nothing yet (the faces' constructors): reads each change's before state
    // (read_current), commits PLAN, whose names are validated and distinct, and remembers every
    // change. On failure (thrown) nothing stays written; only constructors call it, so the half-built
    // core is then discarded. The caller holds EnvLock.
    void commit_new(std::vector<planned_change>& plan);
    // The same for a plan whose before states came from elsewhere (EnvOverlay::apply): restored by
    // value, never as an environ string.
    void commit_new_adopted(std::vector<planned_change>& plan);
#endif

private:
#if ENVGUARD_HAS_EXCEPTIONS
    // commit_new's commit and remembering; entries_ holds one environ string (or nullptr) per change.
    void commit_and_remember(std::vector<planned_change>& plan);
#endif
    void restore_all(failed_restore* hold_first, std::error_code* first_code) noexcept;

    // Large guards (EnvOverlay::apply with clear()) restore every variable at once (POSIX,
    // detail::bulk_write): true when done. False when it does not apply or cannot allocate (then
    // one write per variable). The caller holds EnvLock.
    bool restore_in_bulk() noexcept;

    std::vector<SavedVariable> saved_;
    // For each entry of saved_: the environ string that held its original (POSIX, set variables the
    // guard read itself), put back as it is by the restore; nullptr otherwise.
    std::vector<const char*> entries_;
    // For each entry of saved_: the string envguard placed for it last (MemoryMode::reclaim), held
    // until the guard restores or releases, so that no other restore's sweep frees a value this
    // guard still has in place; nullptr otherwise.
    std::vector<const char*> placed_;
    std::unique_lock<env_mutex_type> lock_; // owns the mutex only for envguard::exclusive
};

} // namespace detail
ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
#    include "names.hpp"
#    include "platform.hpp"
#    include <cstring>
ENVGUARD_NAMESPACE_BEGIN
namespace detail {

// The MemoryMode bookkeeping of the core: owned strings exist only with exceptions (ScopedEnv).
inline void core_hold(const char* text) noexcept {
#if ENVGUARD_HAS_EXCEPTIONS
    hold_entry(text);
#else
    (void)text;
#endif
}

inline void core_release(const char* text) noexcept {
#if ENVGUARD_HAS_EXCEPTIONS
    release_entry(text);
#else
    (void)text;
#endif
}

inline void core_sweep() noexcept {
#if ENVGUARD_HAS_EXCEPTIONS
    sweep_owned_entries();
#endif
}

#if ENVGUARD_HAS_EXCEPTIONS
// NAME's value, or std::nullopt; std::bad_alloc when the read could not allocate.
inline std::optional<std::string> read_or_throw(const std::string& name) {
    std::optional<std::string> value;
    if (raw_read(name, value)) throw std::bad_alloc();
    return value;
}

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
#endif

// Puts back NAME's ORIGINAL state (the guard's own copy). ENTRY, when not null, is the environ string
// that held it. It is put back as it is (no copy) only when envguard owns it (MemoryMode::reclaim):
// the guard's hold keeps such a string alive, so reading it is safe. Any other string may have been
// freed by its owner since (a library that putenv's its own strings and frees the one it replaced),
// so it is never read: the saved copy is written with setenv.
inline std::error_code restore_variable(const std::string& name,
                                        const std::optional<std::string>& original,
                                        const char* entry, int& os_error) noexcept {
#if ENVGUARD_HAS_EXCEPTIONS
    const auto put_entry = platform().put_entry;
    if (entry != nullptr && original && put_entry != nullptr && find_owned(entry) != nullptr &&
        entry_spells(entry, name, *original)) {
        os_error = put_entry(name, const_cast<char*>(entry));
        if (os_error != 0) return make_error_code(errc::os_error);
        return original->empty() ? read_back_empty(name) : std::error_code();
    }
#else
    (void)entry;
#endif
    return raw_write(name, original, os_error);
}

ENVGUARD_DECL guard_core::guard_core(guard_core&& other) noexcept
    : saved_(std::move(other.saved_)), entries_(std::move(other.entries_)),
      placed_(std::move(other.placed_)), lock_(std::move(other.lock_)) {
    other.saved_.clear();
    other.entries_.clear();
    other.placed_.clear();
}

ENVGUARD_DECL std::size_t guard_core::find(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < saved_.size(); ++i)
        if (same_name(saved_[i].name, name)) return i;
    return npos;
}

ENVGUARD_DECL void guard_core::reserve(std::size_t count) {
    saved_.reserve(saved_.size() + count);
    entries_.reserve(entries_.size() + count);
    placed_.reserve(placed_.size() + count);
}

ENVGUARD_DECL void guard_core::remember(std::string&& name, std::optional<std::string>&& original,
                                        const char* entry, const char* placed) noexcept {
    core_hold(entry);
    core_hold(placed);
    saved_.push_back({std::move(name), std::move(original)});
    entries_.push_back(entry);
    placed_.push_back(placed);
}

ENVGUARD_DECL void guard_core::replace_placed(std::size_t at, const char* placed) noexcept {
    core_hold(placed);
    core_release(placed_[at]);
    placed_[at] = placed;
}

ENVGUARD_DECL void guard_core::restore_reporting(std::error_code* first_code) noexcept {
    restore_all(nullptr, first_code);
}

ENVGUARD_DECL void guard_core::restore_holding_first(failed_restore& first) noexcept {
    restore_all(&first, nullptr);
}

ENVGUARD_DECL void guard_core::restore_all(failed_restore* hold_first,
                                           std::error_code* first_code) noexcept {
    if (!saved_.empty()) {
        std::unique_lock<env_mutex_type> lock(env_mutex());
        if (restore_in_bulk()) {
            for (const char* entry : entries_) core_release(entry);
            saved_.clear(); // (the loop below has nothing left to do)
        }
        bool failed = false;
        for (std::size_t i = saved_.size(); i-- > 0;) {
            SavedVariable& variable = saved_[i];
            int os_error = 0;
            const auto ec = restore_variable(variable.name, variable.original, entries_[i], os_error);
            core_release(entries_[i]);
            if (!ec) continue;
            if (first_code != nullptr && !failed) *first_code = ec;
            if (hold_first != nullptr && !failed)
                *hold_first = {ec, os_error, std::move(variable.name), std::move(variable.original)};
            else
                report_restore_failure(ec, os_error, variable.name, variable.original);
            failed = true;
        }
        for (const char* text : placed_) core_release(text);
        saved_.clear();
        entries_.clear();
        placed_.clear();
        core_sweep();
    }
    if (lock_.owns_lock()) lock_.unlock();
}

ENVGUARD_DECL bool guard_core::restore_in_bulk() noexcept {
#if ENVGUARD_HAS_EXCEPTIONS && !ENVGUARD_WINDOWS
    if (!bulk_write_applies(saved_.size())) return false;
    try {
        bulk_write(
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

ENVGUARD_DECL void guard_core::release() noexcept {
    bool holds = false;
    for (const char* entry : entries_) holds = holds || entry != nullptr;
    for (const char* text : placed_) holds = holds || text != nullptr;
    if (holds) {
        std::lock_guard<env_mutex_type> lock(env_mutex());
        for (const char* entry : entries_) core_release(entry);
        for (const char* text : placed_) core_release(text);
        core_sweep();
    }
    saved_.clear();
    entries_.clear();
    placed_.clear();
    if (lock_.owns_lock()) lock_.unlock();
}

#if ENVGUARD_HAS_EXCEPTIONS
ENVGUARD_DECL void guard_core::commit(const planned_change* plan, const char* const* entries,
                                      const char** placed, std::size_t count) {
#    if !ENVGUARD_WINDOWS
    if (bulk_write_applies(count) &&
        memory_mode_slot().load(std::memory_order_relaxed) == MemoryMode::keep) {
        bulk_write(count, plan, &planned_name, &planned_after);
        for (std::size_t i = 0; i < count; ++i) placed[i] = nullptr;
        return;
    }
#    endif
    for (std::size_t i = 0; i < count; ++i) {
        int os_error = 0;
        std::error_code ec;
        try {
            ec = write_variable(plan[i].name, plan[i].after, os_error, placed[i]);
        } catch (...) {
            undo(plan, entries, i);
            throw;
        }
        if (ec) {
            undo(plan, entries, i + 1); // i too: undoes a deleted empty value
            throw write_error(ec, os_error, plan[i].name, plan[i].after);
        }
    }
}

ENVGUARD_DECL void guard_core::undo(const planned_change* plan, const char* const* entries,
                                    std::size_t count) noexcept {
    for (std::size_t j = count; j-- > 0;) {
        int os_error = 0;
        if (auto ec = restore_variable(plan[j].name, plan[j].before, entries[j], os_error))
            report_restore_failure(ec, os_error, plan[j].name, plan[j].before);
    }
    sweep_owned_entries();
}

ENVGUARD_DECL const char* guard_core::read_current(const std::string& name,
                                                  std::optional<std::string>& before) {
    if (const auto find_entry = platform().find_entry) {
        const char* entry = find_entry(name);
        if (entry != nullptr)
            before.emplace(entry + name.size() + 1);
        else
            before.reset();
        return entry;
    }
    before = read_or_throw(name);
    return nullptr;
}

ENVGUARD_DECL void guard_core::commit_new(std::vector<planned_change>& plan) {
    entries_.reserve(plan.size());
    for (auto& change : plan) entries_.push_back(read_current(change.name, change.before));
    commit_and_remember(plan);
}

ENVGUARD_DECL void guard_core::commit_new_adopted(std::vector<planned_change>& plan) {
    entries_.assign(plan.size(), nullptr);
    commit_and_remember(plan);
}

ENVGUARD_DECL void guard_core::commit_and_remember(std::vector<planned_change>& plan) {
#    if ENVGUARD_WINDOWS
    // Remember each set variable under the OS's own spelling, so that a restore after an unset
    // brings back "Path", not the "path" a caller happened to write.
    for (auto& change : plan)
        if (change.before) change.name = platform().spelling(change.name);
#    endif
    saved_.reserve(plan.size());
    placed_.assign(plan.size(), nullptr);
    commit(plan.data(), entries_.data(), placed_.data(), plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        core_hold(entries_[i]);
        core_hold(placed_[i]);
        saved_.push_back({std::move(plan[i].name), std::move(plan[i].before)});
    }
}
#endif

} // namespace detail
ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
