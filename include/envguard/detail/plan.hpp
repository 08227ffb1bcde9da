// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// A plan: the list of changes a multi-variable write makes, each with the state it replaces, and the
// writer that applies a plan all or nothing (EnvSnapshot::restore). ScopedEnv builds plans too and
// writes them with its own commit/undo, using the whole-environment writer (bulk_write) for large
// ones. The value type (snapshot.hpp) needs only this file, not the guard (scoped_env.hpp).
#pragma once

#include "../config.hpp"
#include "../env.hpp"
#include "../restore_failure.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

// Only the throwing parts of the library use plans (apply_plan throws EnvError).
#if ENVGUARD_HAS_EXCEPTIONS

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

// A change with the state it replaces: what rollback and restore write back.
struct planned_change {
    std::string name;
    std::optional<std::string> before;
    std::optional<std::string> after;
};

#if !ENVGUARD_WINDOWS
// From this many changes on, whole-environment writes take one pass (detail::bulk_write).
inline constexpr std::size_t bulk_write_threshold = 128;
// The number of distinct NAME=VALUE strings bulk writes have placed so far (for tests).
ENVGUARD_DECL std::size_t bulk_strings_placed();
#endif

} // namespace detail
ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES // the rest only where bodies are compiled (config.hpp)
#    include "platform.hpp"
#    include <cstring>
#    include <string_view>
ENVGUARD_NAMESPACE_BEGIN
namespace detail {

#if !ENVGUARD_WINDOWS
// Whole-environment writes (issue #16 item 7). glibc's setenv and unsetenv scan environ for the name
// on every call, so K writes to an environment of N variables cost O(K * N): a clear() of 100,000
// variables, or its restore, took 16-30 s. From bulk_write_threshold changes on, envguard writes
// them all at once instead: one pass over environ that keeps every entry the changes do not touch,
// the new "NAME=VALUE" strings appended, and one assignment of environ, O(N + K).
//
// The strings are envguard's and never freed, like glibc's own setenv strings (so getenv pointers
// stay valid, MemoryMode::keep's promise); each distinct NAME=VALUE is made once per process and
// reused by every later bulk write (a set of strings, as glibc keeps its tree). The pointer array is
// envguard's too; glibc copies it into an array of its own at its next setenv that adds a name,
// and never frees ours (envguard frees its previous one when it makes the next, once environ no
// longer points to it). Only with the native backend: tests that swap the seam see every write.

// A set of strings by hash (open addressing, linear probing, a power-of-two table of pointers; a
// null slot is free). Bulk writes keep their names and their strings in these instead of
// std::unordered_set, whose instantiations cost every file that includes scoped_env.hpp or
// snapshot.hpp about 0.4 G compiler instructions (issue #19); plain code, compiled once per file.
inline std::size_t bulk_table_size(std::size_t count) noexcept {
    std::size_t size = 16;
    while (size < count * 2) size *= 2;
    return size;
}

inline std::size_t bulk_hash(std::string_view text) noexcept {
    return std::hash<std::string_view>{}(text);
}

// The names one bulk write touches (views into its changes).
class bulk_name_set {
public:
    explicit bulk_name_set(std::size_t count) : slots_(bulk_table_size(count)) {}
    void insert(std::string_view name) noexcept {
        std::string_view& slot = slots_[locate(name)];
        if (slot.data() == nullptr) slot = name;
    }
    bool contains(std::string_view name) const noexcept { return slots_[locate(name)].data() != nullptr; }

private:
    std::size_t locate(std::string_view name) const noexcept {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = bulk_hash(name) & mask;
        while (slots_[i].data() != nullptr && slots_[i] != name) i = (i + 1) & mask;
        return i;
    }
    std::vector<std::string_view> slots_; // never full: at least twice the names
};

struct bulk_write_state {
    std::vector<char*> strings;  // every NAME=VALUE a bulk write placed, by hash (null: free slot)
    std::size_t string_count = 0;
    std::vector<char*> array;    // the environ array the last bulk write made
};

inline bulk_write_state& bulk_state() {
    static bulk_write_state* state = new bulk_write_state; // never destroyed: static guards at exit
    return *state;
}

// The slot of TEXT in TABLE (a power of two in size, never full): the string equal to it, or the
// free slot where it goes.
inline std::size_t bulk_string_slot(const std::vector<char*>& table, std::string_view text) noexcept {
    const std::size_t mask = table.size() - 1;
    std::size_t i = bulk_hash(text) & mask;
    // (strncmp stops at the stored string's end; a NAME=VALUE has no NUL byte before it.)
    while (table[i] != nullptr &&
           !(std::strncmp(table[i], text.data(), text.size()) == 0 && table[i][text.size()] == '\0'))
        i = (i + 1) & mask;
    return i;
}

// The string envguard keeps for TEXT ("NAME=VALUE"), made the first time TEXT is met and never
// freed. Throws std::bad_alloc before anything is changed.
inline char* bulk_intern(bulk_write_state& state, std::string_view text) {
    if ((state.string_count + 1) * 2 > state.strings.size()) {
        std::vector<char*> grown(bulk_table_size(state.string_count + 1));
        for (char* stored : state.strings)
            if (stored != nullptr) grown[bulk_string_slot(grown, stored)] = stored;
        state.strings.swap(grown);
    }
    char*& slot = state.strings[bulk_string_slot(state.strings, text)];
    if (slot == nullptr) {
        char* copy = new char[text.size() + 1];
        std::memcpy(copy, text.data(), text.size());
        copy[text.size()] = '\0';
        slot = copy;
        ++state.string_count;
    }
    return slot;
}

inline bool bulk_write_applies(std::size_t count) noexcept {
    const platform_ops& ops = platform();
    return count >= bulk_write_threshold && ops.write == &posix_write && ops.remove == &posix_remove &&
           ops.list == &posix_list;
}

// Writes COUNT changes at once: NAME_OF(i) (distinct names) gets VALUE_OF(i) (a value, or
// std::nullopt to remove it). All or nothing: what can fail (allocation: std::bad_alloc) happens
// before environ is assigned. The caller holds EnvLock.
// ITEMS is an array of COUNT changes, read through NAME_OF and VALUE_OF (function pointers, not a
// template: one copy of this function, compiled once, whatever calls it).
using bulk_name_fn = std::string_view (*)(const void* items, std::size_t i);
using bulk_value_fn = const std::optional<std::string>& (*)(const void* items, std::size_t i);
inline std::string_view planned_name(const void* items, std::size_t i) {
    return static_cast<const planned_change*>(items)[i].name;
}
inline const std::optional<std::string>& planned_after(const void* items, std::size_t i) {
    return static_cast<const planned_change*>(items)[i].after;
}

inline void bulk_write(std::size_t count, const void* items, bulk_name_fn name_of, bulk_value_fn value_of) {
    bulk_write_state& state = bulk_state();
    bulk_name_set touched(count);
    std::vector<char*> added;
    added.reserve(count);
    std::string text;
    for (std::size_t i = 0; i < count; ++i) {
        const std::string_view name = name_of(items, i);
        touched.insert(name);
        const std::optional<std::string>& value = value_of(items, i);
        if (!value) continue;
        text.assign(name.data(), name.size()).append(1, '=').append(*value);
        added.push_back(bulk_intern(state, text));
    }
    char** entries = posix_environ();
    std::size_t size = 0;
    while (entries != nullptr && entries[size] != nullptr) ++size;
    std::vector<char*> next;
    next.reserve(size + added.size() + 1);
    for (std::size_t i = 0; i < size; ++i) {
        const char* equals = std::strchr(entries[i], '=');
        if (equals != nullptr &&
            touched.contains(std::string_view(entries[i], static_cast<std::size_t>(equals - entries[i]))))
            continue; // replaced or removed (every entry of the name, as unsetenv removes them all)
        next.push_back(entries[i]);
    }
    for (char* entry : added) next.push_back(entry);
    next.push_back(nullptr);
    // Nothing below allocates or fails.
    state.array.swap(next);
#    if defined(__APPLE__)
    *_NSGetEnviron() = state.array.data();
#    else
    environ = state.array.data();
#    endif
}
#endif

// Applies PLAN in order, all or nothing: when a write fails, the changes already applied are undone
// in reverse order (failures of that undo go to the restore-failure handler, since only one error
// can be thrown) and then the error for the failing variable is thrown. The caller holds EnvLock.
// Large plans (bulk_write_threshold changes or more) are written at once (POSIX, see bulk_write).
inline void apply_plan(const std::vector<planned_change>& plan) {
#if !ENVGUARD_WINDOWS
    if (bulk_write_applies(plan.size())) {
        bulk_write(plan.size(), plan.data(), &planned_name, &planned_after);
        return;
    }
#endif
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
} // namespace detail

#if !ENVGUARD_WINDOWS
ENVGUARD_DECL std::size_t detail::bulk_strings_placed() { return bulk_state().string_count; }
#endif

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
#endif // ENVGUARD_HAS_EXCEPTIONS
