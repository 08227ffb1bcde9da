// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The core of both guards: the names a guard touched with the state it found each in, and the finding,
// remembering, restoring and releasing of them. ScopedEnv (scoped_env.hpp, throws EnvError) and
// NothrowScopedEnv (nothrow_scoped_env.hpp, std::error_code) are thin faces over it: each validates
// and writes in its own error style, then hands the original state to the core.
//
// What only ScopedEnv uses is in detail/guard_commit.hpp, which only scoped_env.hpp includes: its
// all-or-nothing writer (commit/undo), the environ strings its core holds (the originals it read, and
// MemoryMode::reclaim's own strings) and whole-environment restores. The restore and the release are
// templates on that choice, the strings a core holds (plain_strings here, NothrowScopedEnv's: none;
// held_strings there, ScopedEnv's), each face naming its own, so the nothrow header compiles none of
// ScopedEnv's machinery (issue #19: with it, that header alone cost 1.22x the baseline, not 0.88x).
#pragma once

#include "../config.hpp"
#include "../env.hpp"
#include "../error.hpp"
#include "../lock.hpp"
#include "../restore_failure.hpp"

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

#if ENVGUARD_HAS_EXCEPTIONS
struct planned_change; // detail/plan.hpp: ScopedEnv's writer takes plans (detail/guard_commit.hpp)
#endif

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
    explicit guard_core(exclusive_t); // with the bodies: inline here it compiled the members' destructors into every file
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

    // Remembers NAME's ORIGINAL state (its first change, already written), restored by value. Room
    // must have been reserved. The caller holds EnvLock. (ScopedEnv's writer uses reserve_held and
    // remember_held instead: a core uses one pair or the other, never both.)
    void remember(std::string&& name, std::optional<std::string>&& original) noexcept;

    // Restores every name in reverse order and forgets them; unlocks an exclusive guard. Each failure
    // goes to the restore-failure handler; the first one's code also to FIRST_CODE when given.
    // STRINGS: the strings the core holds, its face's choice (plain_strings: NothrowScopedEnv's,
    // below; held_strings: ScopedEnv's, detail/guard_commit.hpp). Templates whose bodies are compiled
    // only where bodies are (config.hpp), and only for the face that calls them.
    template <class Strings>
    void restore_reporting(std::error_code* first_code) noexcept {
        restore_all<Strings>(nullptr, first_code);
    }

    // The same, except that the first failure goes to FIRST instead of the handler (for the face
    // that throws it once the restore is over).
    template <class Strings>
    void restore_holding_first(failed_restore& first) noexcept {
        restore_all<Strings>(&first, nullptr);
    }

    // Forgets every name without restoring; unlocks an exclusive guard.
    template <class Strings>
    void release() noexcept;

#if ENVGUARD_HAS_EXCEPTIONS
    // ScopedEnv's writer: defined in detail/guard_commit.hpp (ENVGUARD_DECL here: inline in every
    // file of a header-only program, including those that never see the bodies).

    // As reserve(), with room for the strings remember_held() keeps.
    ENVGUARD_DECL void reserve_held(std::size_t count);

    // Remembers NAME's ORIGINAL state as remember() does, with ENTRY, the environ string that held
    // ORIGINAL, and PLACED, the string envguard placed for the new value (both MemoryMode::reclaim
    // bookkeeping, nullptr otherwise); the core holds both until it restores or releases.
    ENVGUARD_DECL void remember_held(std::string&& name, std::optional<std::string>&& original,
                                     const char* entry, const char* placed) noexcept;

    // A later change to the name at AT placed PLACED: the string placed before may go at the next
    // sweep. The caller holds EnvLock.
    ENVGUARD_DECL void replace_placed(std::size_t at, const char* placed) noexcept;

    // Writes each change's new state, all or nothing: when a write fails (or, in reclaim mode,
    // allocating its string), the changes already applied are undone in reverse order (failures of
    // that undo go to the restore-failure handler) and the error is thrown. ENTRIES[i] is the
    // environ string that held PLAN[i].before, or nullptr; PLACED[i] receives the string envguard
    // placed for PLAN[i] (MemoryMode::reclaim) or nullptr, for remember_held(). The caller holds
    // EnvLock.
    static ENVGUARD_DECL void commit(const planned_change* plan, const char* const* entries,
                                     const char** placed, std::size_t count);

    // Puts back PLAN[COUNT-1] .. PLAN[0]'s before states (commit's rollback).
    static ENVGUARD_DECL void undo(const planned_change* plan, const char* const* entries,
                                   std::size_t count) noexcept;

    // Reads NAME's state into BEFORE with one lookup; returns the environ string holding it (POSIX),
    // which the restore puts back as it is, or nullptr (unset, or Windows).
    static ENVGUARD_DECL const char* read_current(const std::string& name,
                                                  std::optional<std::string>& before);

    // For a core that holds nothing yet (the faces' constructors): reads each change's before state
    // (read_current), commits PLAN, whose names are validated and distinct, and remembers every
    // change. On failure (thrown) nothing stays written; only constructors call it, so the half-built
    // core is then discarded. The caller holds EnvLock.
    ENVGUARD_DECL void commit_new(std::vector<planned_change>& plan);
    // The same for a plan whose before states came from elsewhere (EnvOverlay::apply): restored by
    // value, never as an environ string.
    ENVGUARD_DECL void commit_new_adopted(std::vector<planned_change>& plan);
#endif

private:
    template <class Strings>
    void restore_all(failed_restore* hold_first, std::error_code* first_code) noexcept;

#if ENVGUARD_HAS_EXCEPTIONS
    // commit_new's commit and remembering; entries_ holds one environ string (or nullptr) per change.
    ENVGUARD_DECL void commit_and_remember(std::vector<planned_change>& plan);
#endif

    std::vector<SavedVariable> saved_;
    // Only in a core that ScopedEnv's writer filled (empty in any other), for each entry of saved_:
    // the environ string that held its original (POSIX, set variables the guard read itself), put
    // back as it is by the restore; nullptr otherwise.
    std::vector<const char*> entries_;
    // Likewise: the string envguard placed for it last (MemoryMode::reclaim), held until the guard
    // restores or releases, so that no other restore's sweep frees a value this guard still has in
    // place; nullptr otherwise.
    std::vector<const char*> placed_;
    std::unique_lock<env_mutex_type> lock_; // owns the mutex only for envguard::exclusive
};

} // namespace detail
ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
#    include "names.hpp"
ENVGUARD_NAMESPACE_BEGIN
namespace detail {

// The strings of a core that holds none (NothrowScopedEnv's): each original is written back by value,
// one variable at a time.
struct plain_strings {
    static const char* entry(const std::vector<const char*>&, std::size_t) noexcept { return nullptr; }
    static constexpr std::size_t bulk_from = 0; // never restores every variable at once
    static std::error_code restore(const std::string& name, const std::optional<std::string>& original,
                                   const char*, int& os_error) noexcept {
        return raw_write(name, original, os_error);
    }
    static void release(const char*) noexcept {}
    static bool holds(const char*) noexcept { return false; }
    static void sweep() noexcept {}
};

ENVGUARD_DECL guard_core::guard_core(exclusive_t) : lock_(env_mutex()) {}

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

ENVGUARD_DECL void guard_core::reserve(std::size_t count) { saved_.reserve(saved_.size() + count); }

ENVGUARD_DECL void guard_core::remember(std::string&& name, std::optional<std::string>&& original) noexcept {
    saved_.push_back({std::move(name), std::move(original)});
}

template <class Strings>
void guard_core::restore_all(failed_restore* hold_first, std::error_code* first_code) noexcept {
    if (!saved_.empty()) {
        std::unique_lock<env_mutex_type> lock(env_mutex());
        // Large guards (EnvOverlay::apply with clear()) may restore every variable at once: from
        // Strings::bulk_from variables on (0: never), a call out of line, so that the common restore
        // compiles none of it (issue #19: inlined, it made ScopedEnv's k = 1 cycle dearer).
        if constexpr (Strings::bulk_from != 0) {
            if (saved_.size() >= Strings::bulk_from &&
                Strings::restore_in_bulk(saved_.data(), saved_.size())) {
                for (const char* entry : entries_) Strings::release(entry);
                saved_.clear(); // (the loop below has nothing left to do)
            }
        }
        bool failed = false;
        for (std::size_t i = saved_.size(); i-- > 0;) {
            SavedVariable& variable = saved_[i];
            const char* entry = Strings::entry(entries_, i);
            int os_error = 0;
            const auto ec = Strings::restore(variable.name, variable.original, entry, os_error);
            Strings::release(entry);
            if (!ec) continue;
            if (first_code != nullptr && !failed) *first_code = ec;
            if (hold_first != nullptr && !failed)
                *hold_first = {ec, os_error, std::move(variable.name), std::move(variable.original)};
            else
                report_restore_failure(ec, os_error, variable.name, variable.original);
            failed = true;
        }
        for (const char* text : placed_) Strings::release(text);
        saved_.clear();
        entries_.clear();
        placed_.clear();
        Strings::sweep();
    }
    if (lock_.owns_lock()) lock_.unlock();
}

template <class Strings>
void guard_core::release() noexcept {
    bool holds = false;
    for (const char* entry : entries_) holds = holds || Strings::holds(entry);
    for (const char* text : placed_) holds = holds || Strings::holds(text);
    if (holds) {
        std::lock_guard<env_mutex_type> lock(env_mutex());
        for (const char* entry : entries_) Strings::release(entry);
        for (const char* text : placed_) Strings::release(text);
        Strings::sweep();
    }
    saved_.clear();
    entries_.clear();
    placed_.clear();
    if (lock_.owns_lock()) lock_.unlock();
}

} // namespace detail
ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
