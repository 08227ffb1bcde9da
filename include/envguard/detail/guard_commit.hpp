// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// ScopedEnv's part of the guard core (detail/guard_core.hpp): its all-or-nothing writer (commit and
// undo, reading each before state with one lookup), the environ strings a ScopedEnv's core holds (the
// originals it read, put back as they are when envguard owns them, and MemoryMode::reclaim's strings
// it placed: held_strings) and the restore of many variables at once. Only scoped_env.hpp includes
// it, so NothrowScopedEnv's header compiles none of it (issue #19).
#pragma once

#include "../config.hpp"
#include "guard_core.hpp"

#if ENVGUARD_HAS_EXCEPTIONS // only ScopedEnv, which needs exceptions, uses it
#    include "../env.hpp"
#    include "../error.hpp"
#    include "../memory_mode.hpp"
#    include "../restore_failure.hpp"
#    include "owned_strings.hpp"
#    include "plan.hpp"

#    include <cstddef>
#    include <optional>
#    include <string>
#    include <system_error>
#    include <vector>

#    if ENVGUARD_BODIES
#        include "names.hpp"
#        include "platform.hpp"
#        include <cstring>
#        include <new>
#        include <string_view>
// For the rare paths of the restore (restoring every variable at once, reading back an empty value):
// kept out of line, so that the common restore (a few variables, one at a time) stays a small
// function (issue #19: inlined, they made ScopedEnv's k = 1 cycle 14 instructions dearer than in
// 896ac1e).
#        if defined(__GNUC__) || defined(__clang__)
#            define ENVGUARD_COLD __attribute__((noinline, cold))
#        elif defined(_MSC_VER)
#            define ENVGUARD_COLD __declspec(noinline)
#        else
#            define ENVGUARD_COLD
#        endif
ENVGUARD_NAMESPACE_BEGIN
namespace detail {

// NAME's value, or std::nullopt; std::bad_alloc when the read could not allocate.
inline std::optional<std::string> read_or_throw(const std::string& name) {
    std::optional<std::string> value;
    if (raw_read(name, value)) throw std::bad_alloc();
    return value;
}

// After NAME was set to "": a platform that deleted it instead must not go unnoticed. (Out of line:
// rare, and inlined, its read compiles a second look-up of the seam into the restore.)
ENVGUARD_COLD inline std::error_code read_back_empty(const std::string& name) noexcept {
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

// Puts back NAME's ORIGINAL state (the guard's own copy). ENTRY, when not null, is the environ string
// that held it. It is put back as it is (no copy) only when envguard owns it (MemoryMode::reclaim):
// the guard's hold keeps such a string alive, so reading it is safe. Any other string may have been
// freed by its owner since (a library that putenv's its own strings and frees the one it replaced),
// so it is never read: the saved copy is written with setenv.
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

// The strings of a core that ScopedEnv's writer filled (ScopedEnv's choice for guard_core's
// restore_reporting, restore_holding_first and release): each environ string it holds is put back
// as it is when envguard owns it, let go of once restored or released, and the owned strings that
// nothing refers to any more are freed.
struct held_strings {
    static const char* entry(const std::vector<const char*>& entries, std::size_t i) noexcept {
        return entries[i];
    }
    // Large guards (EnvOverlay::apply with clear()) restore every variable at once (POSIX,
    // detail::bulk_write): restore_all calls restore_in_bulk from BULK_FROM variables on, true when
    // done. False when it does not apply or cannot allocate (then one write per variable). The
    // caller holds EnvLock. On Windows there are no whole-environment writes: BULK_FROM is 0, so
    // restore_all never names restore_in_bulk (`if constexpr`), and it is not defined there.
#        if ENVGUARD_WINDOWS
    static constexpr std::size_t bulk_from = 0;
#        else
    static constexpr std::size_t bulk_from = bulk_write_threshold;
    ENVGUARD_COLD static bool restore_in_bulk(const SavedVariable* saved, std::size_t count) noexcept {
        if (!bulk_write_applies(count)) return false;
        try {
            bulk_write(
                count, saved,
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
    }
#        endif
    static std::error_code restore(const std::string& name, const std::optional<std::string>& original,
                                   const char* entry, int& os_error) noexcept {
        return restore_variable(name, original, entry, os_error);
    }
    static void release(const char* text) noexcept { release_entry(text); }
    static bool holds(const char* text) noexcept { return text != nullptr; }
    static void sweep() noexcept { sweep_owned_entries(); }
};

ENVGUARD_DECL void guard_core::reserve_held(std::size_t count) {
    saved_.reserve(saved_.size() + count);
    entries_.reserve(entries_.size() + count);
    placed_.reserve(placed_.size() + count);
}

ENVGUARD_DECL void guard_core::remember_held(std::string&& name, std::optional<std::string>&& original,
                                             const char* entry, const char* placed) noexcept {
    hold_entry(entry);
    hold_entry(placed);
    saved_.push_back({std::move(name), std::move(original)});
    entries_.push_back(entry);
    placed_.push_back(placed);
}

ENVGUARD_DECL void guard_core::replace_placed(std::size_t at, const char* placed) noexcept {
    hold_entry(placed);
    release_entry(placed_[at]);
    placed_[at] = placed;
}

ENVGUARD_DECL void guard_core::commit(const planned_change* plan, const char* const* entries,
                                      const char** placed, std::size_t count) {
#        if !ENVGUARD_WINDOWS
    if (bulk_write_applies(count) &&
        memory_mode_slot().load(std::memory_order_relaxed) == MemoryMode::keep) {
        bulk_write(count, plan, &planned_name, &planned_after);
        for (std::size_t i = 0; i < count; ++i) placed[i] = nullptr;
        return;
    }
#        endif
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
#        if ENVGUARD_WINDOWS
    // Remember each set variable under the OS's own spelling, so that a restore after an unset
    // brings back "Path", not the "path" a caller happened to write.
    for (auto& change : plan)
        if (change.before) change.name = platform().spelling(change.name);
#        endif
    saved_.reserve(plan.size());
    placed_.assign(plan.size(), nullptr);
    commit(plan.data(), entries_.data(), placed_.data(), plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        hold_entry(entries_[i]);
        hold_entry(placed_[i]);
        saved_.push_back({std::move(plan[i].name), std::move(plan[i].before)});
    }
}

} // namespace detail
ENVGUARD_NAMESPACE_END
#    endif // ENVGUARD_BODIES
#endif     // ENVGUARD_HAS_EXCEPTIONS
