// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// EnvSnapshot: a whole environment as a value, sorted by name. Capture the process's, edit a copy,
// compare two, restore one. SnapshotGuard: "whatever happens in this scope, put the whole
// environment back" — the fixture a test harness wants.
#pragma once

#include "config.hpp"
#include "detail/needs_exceptions.hpp"
#include "detail/names.hpp"
#include "detail/platform.hpp"
#include "detail/validate.hpp"
#include "error.hpp"
#include "lock.hpp"
#include "scoped_env.hpp"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if ENVGUARD_HAS_EXCEPTIONS // else: not available (detail/needs_exceptions.hpp)
ENVGUARD_NAMESPACE_BEGIN

class EnvOverlay; // overlay.hpp; EnvSnapshot::diff returns one and EnvOverlay::render returns us

class EnvSnapshot {
public:
    using value_type = std::pair<std::string, std::string>;
    using const_iterator = std::vector<value_type>::const_iterator;
    using iterator = const_iterator;
    using size_type = std::size_t;

    /// An empty environment (what `env -i` gives a child).
    EnvSnapshot() = default;

    /// An environment from NAME, VALUE pairs, validated; a name given twice keeps its last value.
    EnvSnapshot(std::initializer_list<value_type> entries) {
        for (const auto& entry : entries) set(entry.first, entry.second);
    }

    /// The process environment now. When the OS holds a name twice, the first entry is kept, as
    /// getenv would find it; entries that are not NAME=VALUE are left out.
    static EnvSnapshot capture() {
        EnvSnapshot snapshot;
        EnvLock lock;
        detail::platform().list(&snapshot.entries_, [](void* context, std::string_view name,
                                                       std::string_view value) {
            static_cast<std::vector<value_type>*>(context)->emplace_back(name, value);
        });
        // Stable, so that of two equal names the one met first in the OS's order stays first.
        std::stable_sort(snapshot.entries_.begin(), snapshot.entries_.end(), entry_less);
        snapshot.entries_.erase(std::unique(snapshot.entries_.begin(), snapshot.entries_.end(),
                                            [](const value_type& a, const value_type& b) {
                                                return detail::same_name(a.first, b.first);
                                            }),
                                snapshot.entries_.end());
        return snapshot;
    }

    /// The value of NAME in this snapshot: std::nullopt when unset, "" when set to empty.
    std::optional<std::string> get(std::string_view name) const {
        const std::string* value = find(name);
        return value ? std::optional<std::string>(*value) : std::nullopt;
    }

    /// A pointer to NAME's value, or nullptr when unset; valid until this snapshot changes.
    const std::string* find(std::string_view name) const noexcept {
        auto it = lower_bound(name);
        return (it != entries_.end() && detail::same_name(it->first, name)) ? &it->second : nullptr;
    }

    bool contains(std::string_view name) const noexcept { return find(name) != nullptr; }

    /// Sets NAME to VALUE in this copy (the process is not touched). "" sets to empty.
    EnvSnapshot& set(std::string_view name, std::string_view value) {
        detail::require_valid("set", name, value);
        auto it = lower_bound(name);
        if (it != entries_.end() && detail::same_name(it->first, name))
            it->second.assign(value.data(), value.size());
        else
            entries_.emplace(it, std::string(name), std::string(value));
        return *this;
    }

    /// Removes NAME from this copy (the process is not touched).
    EnvSnapshot& unset(std::string_view name) {
        detail::require_valid("unset", name);
        auto it = lower_bound(name);
        if (it != entries_.end() && detail::same_name(it->first, name)) entries_.erase(it);
        return *this;
    }

    /// The three-state form: a value sets, std::nullopt unsets.
    EnvSnapshot& assign(std::string_view name, const std::optional<std::string>& value) {
        return value ? set(name, *value) : unset(name);
    }

    /// The overlay that turns this environment into TARGET: a set (or set-to-empty) for each name
    /// whose value differs or is new, an unset for each name TARGET lacks, in name order.
    EnvOverlay diff(const EnvSnapshot& target) const; // defined in overlay.hpp

    /// Makes the process environment equal to this snapshot, writing only the variables that differ
    /// (never clear-and-refill). All or nothing: if a write fails, the writes already made are undone
    /// and EnvError names the variable that failed.
    void restore() const {
        EnvLock lock;
        detail::apply_plan(changes_from(capture()));
    }

    size_type size() const noexcept { return entries_.size(); }
    bool empty() const noexcept { return entries_.empty(); }
    const_iterator begin() const noexcept { return entries_.begin(); }
    const_iterator end() const noexcept { return entries_.end(); }

    friend bool operator==(const EnvSnapshot& a, const EnvSnapshot& b) {
        return a.entries_ == b.entries_;
    }
    friend bool operator!=(const EnvSnapshot& a, const EnvSnapshot& b) { return !(a == b); }

private:
    friend class EnvOverlay;

    /// The changes that turn CURRENT into this snapshot, each with the value it replaces; one merge
    /// of two sorted lists. Used by restore() and by EnvOverlay::apply.
    std::vector<detail::planned_change> changes_from(const EnvSnapshot& current) const {
        std::vector<detail::planned_change> plan;
        auto have = current.entries_.begin();
        auto want = entries_.begin();
        while (have != current.entries_.end() || want != entries_.end()) {
            const int order = have == current.entries_.end() ? 1
                              : want == entries_.end()        ? -1
                                                       : detail::compare_names(have->first, want->first);
            if (order < 0) { // only in CURRENT: unset
                plan.push_back({have->first, have->second, std::nullopt});
                ++have;
            } else if (order > 0) { // only here: set
                plan.push_back({want->first, std::nullopt, want->second});
                ++want;
            } else {
                if (have->second != want->second || have->first != want->first)
                    plan.push_back({want->first, have->second, want->second});
                ++have;
                ++want;
            }
        }
        return plan;
    }

    static bool entry_less(const value_type& a, const value_type& b) noexcept {
        return detail::compare_names(a.first, b.first) < 0;
    }

    std::vector<value_type>::iterator lower_bound(std::string_view name) {
        return std::lower_bound(entries_.begin(), entries_.end(), name,
                                [](const value_type& entry, std::string_view key) {
                                    return detail::compare_names(entry.first, key) < 0;
                                });
    }
    std::vector<value_type>::const_iterator lower_bound(std::string_view name) const {
        return std::lower_bound(entries_.begin(), entries_.end(), name,
                                [](const value_type& entry, std::string_view key) {
                                    return detail::compare_names(entry.first, key) < 0;
                                });
    }

    std::vector<value_type> entries_; // sorted by detail::name_less, names unique
};

/// Captures the whole environment when constructed and restores it (writing only the differences)
/// when destroyed: "whatever this scope does to the environment, undo it".
class [[nodiscard]] SnapshotGuard {
public:
    SnapshotGuard() : snapshot_(EnvSnapshot::capture()) {}

    SnapshotGuard(SnapshotGuard&& other) noexcept
        : snapshot_(std::move(other.snapshot_)), active_(other.active_) {
        other.active_ = false;
    }
    SnapshotGuard& operator=(SnapshotGuard&&) = delete;
    SnapshotGuard(const SnapshotGuard&) = delete;
    SnapshotGuard& operator=(const SnapshotGuard&) = delete;

    /// Restores the captured environment. Never throws: a failure goes to the restore-failure
    /// handler (see set_restore_failure_handler), with the environment rolled back to how this scope
    /// left it rather than half-restored.
    ~SnapshotGuard() {
        if (!active_) return;
        try {
            snapshot_.restore();
        } catch (const EnvError& error) {
            detail::restore_failure_handler_slot().load()(error);
        } catch (...) {
            std::fputs("envguard: could not restore the environment (out of memory)\n", stderr);
        }
    }

    /// Restores the captured environment now (throws EnvError, changing nothing, on failure). The
    /// guard stays active: it restores again when destroyed, undoing whatever came after.
    void restore() const { snapshot_.restore(); }

    /// Keeps whatever the scope did: nothing is restored at destruction.
    void release() noexcept { active_ = false; }
    bool active() const noexcept { return active_; }

    const EnvSnapshot& snapshot() const noexcept { return snapshot_; }

private:
    EnvSnapshot snapshot_;
    bool active_ = true;
};

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_HAS_EXCEPTIONS

// EnvSnapshot::diff needs the complete EnvOverlay and EnvOverlay::render needs the complete
// EnvSnapshot; the cycle is closed by defining diff in overlay.hpp and including it here, so that
// either header alone gives a program both types.
#include "overlay.hpp"
