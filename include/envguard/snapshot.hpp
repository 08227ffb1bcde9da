// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// EnvSnapshot: a whole environment as a value, sorted by name. Capture the process's, edit a copy,
// compare two, restore one. SnapshotGuard: "whatever happens in this scope, put the whole
// environment back" — the fixture a test harness wants.
#pragma once

#include "config.hpp"
#include "detail/needs_exceptions.hpp"
#include "detail/plan.hpp"
#include "env.hpp"
#include "error.hpp"
#include "lock.hpp"
#include "restore_failure.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if ENVGUARD_HAS_EXCEPTIONS // else: not available (detail/needs_exceptions.hpp)
ENVGUARD_NAMESPACE_BEGIN

// overlay.hpp: EnvSnapshot::diff returns one (and is defined there, with EnvOverlay::render, which
// returns an EnvSnapshot). This header does not include overlay.hpp: a test fixture that wants
// SnapshotGuard does not pay for the recipe machinery; calling diff() needs overlay.hpp.
class EnvOverlay;

/// A whole environment as a value: (name, value) pairs sorted by name, an empty value kept as set
/// to empty. capture() reads the process's; set/unset edit the copy only; diff() compares two;
/// restore() makes the process's environment equal to it, writing only what differs.
class EnvSnapshot {
public:
    using value_type = std::pair<std::string, std::string>;             ///< (name, value)
    using const_iterator = std::vector<value_type>::const_iterator;     ///< in name order
    using iterator = const_iterator;                                    ///< read-only, as const_iterator
    using size_type = std::size_t;                                      ///< a count of variables

    /// An empty environment (what `env -i` gives a child).
    EnvSnapshot() = default;

    /// An environment from NAME, VALUE pairs, validated; a name given twice keeps its last value.
    EnvSnapshot(std::initializer_list<value_type> entries);

    /// The process environment now. When the OS holds a name twice, the first entry is kept, as
    /// getenv would find it; entries that are not NAME=VALUE are left out. Entries without a usable
    /// name (POSIX "=x": an empty name; Windows "=C:=C:\\work": a name starting with '=') are
    /// recorded, so that a child started from the snapshot gets them, but no operation writes or
    /// unsets them: restore() and diff() skip them and EnvOverlay::clear() keeps them.
    static EnvSnapshot capture();

    /// The value of NAME in this snapshot: std::nullopt when unset, "" when set to empty.
    std::optional<std::string> get(std::string_view name) const;

    /// A pointer to NAME's value, or nullptr when unset; valid until this snapshot changes.
    const std::string* find(std::string_view name) const noexcept;

    /// True when NAME is set in the snapshot (to a value or to the empty string).
    bool contains(std::string_view name) const noexcept { return find(name) != nullptr; }

    /// Sets NAME to VALUE in this copy (the process is not touched). "" sets to empty.
    EnvSnapshot& set(std::string_view name, std::string_view value);

    /// Removes NAME from this copy (the process is not touched).
    EnvSnapshot& unset(std::string_view name);

    /// The three-state form: a value sets, std::nullopt unsets.
    EnvSnapshot& assign(std::string_view name, const std::optional<std::string>& value) {
        return value ? set(name, *value) : unset(name);
    }

    /// The overlay that turns this environment into TARGET: a set (or set-to-empty) for each name
    /// whose value differs or is new, an unset for each name TARGET lacks, in name order.
    ENVGUARD_DECL EnvOverlay diff(const EnvSnapshot& target) const; // defined in overlay.hpp: include it to call diff

    /// Makes the process environment equal to this snapshot, writing only the variables that differ
    /// (never clear-and-refill). All or nothing: if a write fails, the writes already made are undone
    /// and EnvError names the variable that failed.
    ///
    /// Cost: one pass over the environment comparing it with this snapshot in place (for a snapshot
    /// from capture(), entry by entry in the OS's order), nothing copied and nothing allocated when
    /// nothing differs, plus the writes. Unusual environments (a name twice, many differences) take
    /// the general way: capture the environment and merge.
    void restore() const;

    /// The number of variables.
    size_type size() const noexcept { return entries_.size(); }
    /// True for an empty environment.
    bool empty() const noexcept { return entries_.empty(); }
    /// The first (name, value) pair, in name order.
    const_iterator begin() const noexcept { return entries_.begin(); }
    /// Past the last pair.
    const_iterator end() const noexcept { return entries_.end(); }

    /// Equal when both hold the same names with the same values (unset and empty differ).
    friend ENVGUARD_DECL bool operator==(const EnvSnapshot& a, const EnvSnapshot& b);
    /// Not equal.
    friend bool operator!=(const EnvSnapshot& a, const EnvSnapshot& b) { return !(a == b); }

private:
    friend class EnvOverlay;
    friend class SnapshotGuard;

    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    struct sort_key {
        std::uint64_t prefix;
        std::size_t position;
    };
    // The first 8 bytes of NAME as a big-endian number, zero-padded: ordered as the names are (a
    // name has no NUL byte, so padding sorts before any character). 0 on Windows, whose names
    // compare case-insensitively: there every comparison falls through to compare_names.
    static std::uint64_t name_prefix(const std::string& name) noexcept;

    struct os_slot {
        std::size_t index; // in entries_
        std::size_t end;   // where this entry's "NAME=VALUE\0" ends in os_text_
    };

    void forget_os_order() noexcept;

    static std::size_t& capture_size_hint() noexcept;

    // Sorts KEYS by the names of FOUND they point to, stably (of two equal names, the one the OS
    // listed first stays first). Written here, not std::stable_sort: see the body.
    static void sort_by_name(std::vector<sort_key>& keys, const std::vector<value_type>& found);

    // Compares the process environment, entry by entry as the OS lists it, with this snapshot and
    // collects the changes that restore it (in name order, as changes_from gives them). Returns false
    // when the environment is unusual enough for the general way: a name listed twice (only a
    // capture decides which entry counts), or more than a few dozen differences.
    class restore_matcher; // defined in detail/restore_matcher.hpp, with plan_restore

    // The caller holds EnvLock. On POSIX with the real backend, environ is read directly (no copy
    // of an entry, no strlen); otherwise, through the platform seam.
    bool plan_restore(std::vector<detail::planned_change>& plan) const;

    // SnapshotGuard's last resort when restore() could not allocate its plan: puts back what it can
    // through the OS calls alone, nothing allocated through operator new (POSIX; names longer than
    // 255 bytes that must be removed take one malloc), and not all or nothing. Returns the number of
    // variables it could not put back. Windows: every write converts to UTF-16 and allocates, and
    // the variables the environment has in excess cannot be listed without allocating: they are
    // counted as not put back. The caller holds EnvLock.
    std::size_t restore_in_place() const noexcept;

    /// The changes that turn CURRENT into this snapshot, each with the value it replaces; one merge
    /// of two sorted lists. Used by restore() and by EnvOverlay::apply. Entries without a usable
    /// name (detail::is_hidden_name) on either side are skipped: nothing can write or unset them.
    std::vector<detail::planned_change> changes_from(const EnvSnapshot& current) const;

    // Where NAME is in entries_, or where it would be inserted (a binary search by compare_names).
    std::size_t position_of(std::string_view name) const noexcept;

    std::vector<value_type> entries_; // sorted by detail::name_less, names unique
    // For a snapshot from capture(), a copy of the environment as the OS listed it: each entry's
    // index in entries_, in the OS's order, and os_text_ = "NAME=VALUE\0..." in that order, so that
    // restore() compares environ with it entry by entry, one strcmp each, through contiguous memory.
    // Only a hint for speed (restore() is correct without it); set() and unset() clear it.
    std::vector<os_slot> os_order_;
    std::string os_text_;
};

/// Captures the whole environment when constructed and restores it (writing only the differences)
/// when destroyed: "whatever this scope does to the environment, undo it".
class [[nodiscard]] SnapshotGuard {
public:
    SnapshotGuard();

    /// Takes over OTHER's snapshot and duty to restore; OTHER restores nothing when destroyed.
    SnapshotGuard(SnapshotGuard&& other) noexcept
       ;
    SnapshotGuard& operator=(SnapshotGuard&&) = delete;
    SnapshotGuard(const SnapshotGuard&) = delete;
    SnapshotGuard& operator=(const SnapshotGuard&) = delete;

    /// Restores the captured environment. Never throws: a failure goes to the restore-failure
    /// handler (see set_restore_failure_handler), with the environment rolled back to how this scope
    /// left it rather than half-restored. When not even the restore's plan can be allocated, the
    /// environment is restored variable by variable through the OS calls alone (nothing allocated
    /// through operator new; POSIX), and only what still could not be put back is reported, as an
    /// out-of-memory EnvError, to the handler.
    ~SnapshotGuard();

    /// Restores the captured environment now (throws EnvError, changing nothing, on failure). The
    /// guard stays active: it restores again when destroyed, undoing whatever came after.
    void restore() const { snapshot_.restore(); }

    /// Keeps whatever the scope did: nothing is restored at destruction.
    void release() noexcept { active_ = false; }
    /// True until release() (or a move from this guard): the destructor will restore.
    bool active() const noexcept { return active_; }

    /// The environment as it was captured, which the guard restores.
    const EnvSnapshot& snapshot() const noexcept { return snapshot_; }

private:
    EnvSnapshot snapshot_;
    bool active_ = true;
};

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
#    include "detail/names.hpp"
#    include "detail/restore_matcher.hpp"
#    include "detail/platform.hpp"
#    include "detail/validate.hpp"
#    include <cstring>
ENVGUARD_NAMESPACE_BEGIN

ENVGUARD_DECL EnvSnapshot::EnvSnapshot(std::initializer_list<value_type> entries) {
    for (const auto& entry : entries) set(entry.first, entry.second);
}

ENVGUARD_DECL EnvSnapshot EnvSnapshot::capture() {
    EnvSnapshot snapshot;
    EnvLock lock;
    // The entries in the OS's order, then sorted through an index (moving indices, not strings;
    // ties broken by position, so that of two equal names the one met first stays). The size of
    // the last capture is the guess for this one's, so the list is usually not grown while read.
    std::size_t& size_hint = capture_size_hint();
    std::vector<value_type> found;
    found.reserve(size_hint);
    detail::platform().list(&found, [](void* context, std::string_view name, std::string_view value) {
        static_cast<std::vector<value_type>*>(context)->emplace_back(name, value);
    });
    size_hint = found.size();
    // Sorted through (8-byte prefix of the name, position) keys: most comparisons are one integer
    // comparison on contiguous memory; only names sharing their first 8 bytes compare strings.
    std::vector<sort_key> by_name(found.size());
    for (std::size_t i = 0; i < by_name.size(); ++i) by_name[i] = {name_prefix(found[i].first), i};
    sort_by_name(by_name, found);
    // Keep the first of each name; remember where each kept entry sat in the OS's order, which
    // restore() uses to compare the environment with this snapshot position by position.
    snapshot.entries_.reserve(found.size());
    // sorted_at[i].position: where the OS's entry i went in entries_ (npos: a name listed before).
    // sort_key again rather than a std::vector<std::size_t>: one vector type less to instantiate.
    std::vector<sort_key> sorted_at(found.size());
    for (sort_key& slot : sorted_at) slot.position = npos;
    std::size_t text_size = 0;
    for (const sort_key& key : by_name) {
        value_type& entry = found[key.position];
        if (!snapshot.entries_.empty() && detail::same_name(snapshot.entries_.back().first, entry.first))
            continue;
        sorted_at[key.position].position = snapshot.entries_.size();
        text_size += entry.first.size() + entry.second.size() + 2;
        snapshot.entries_.push_back(std::move(entry));
    }
    snapshot.os_order_.reserve(snapshot.entries_.size());
    snapshot.os_text_.resize(text_size);
    char* out = &snapshot.os_text_[0];
    for (const sort_key& slot : sorted_at) {
        const std::size_t index = slot.position;
        if (index == npos) continue;
        const value_type& entry = snapshot.entries_[index];
        std::memcpy(out, entry.first.data(), entry.first.size());
        out += entry.first.size();
        *out++ = '=';
        std::memcpy(out, entry.second.data(), entry.second.size());
        out += entry.second.size();
        *out++ = '\0';
        snapshot.os_order_.push_back({index, static_cast<std::size_t>(out - snapshot.os_text_.data())});
    }
    return snapshot;
}

ENVGUARD_DECL void EnvSnapshot::sort_by_name(std::vector<sort_key>& keys, const std::vector<value_type>& found) {
    // A stable merge sort written here rather than std::stable_sort (issue #19): the standard one
    // instantiates some twenty function templates (buffered, adaptive and in-place merges) in every
    // file that includes this header, and it was the library's last use of <algorithm>. Measured
    // with callgrind: snapshot.hpp alone 1.68 -> 1.52 G compiler instructions (with the other
    // changes of that round); a capture costs -1.1% (1000 names) to +2.6% (100 names) instructions
    // against std::stable_sort. Runs of 8 are sorted by insertion (a key that goes before the whole
    // run takes one comparison: environments listed in reverse stay cheap), then merged pairwise
    // through one buffer; of two equal keys the earlier stays first.
    const auto less = [&found](const sort_key& a, const sort_key& b) {
        if (a.prefix != b.prefix) return a.prefix < b.prefix;
        return detail::compare_names(found[a.position].first, found[b.position].first) < 0;
    };
    const std::size_t count = keys.size();
    constexpr std::size_t run = 8;
    for (std::size_t start = 0; start < count; start += run) {
        const std::size_t stop = count - start < run ? count : start + run;
        for (std::size_t i = start + 1; i < stop; ++i) {
            const sort_key key = keys[i];
            std::size_t j = i;
            if (less(key, keys[start])) { // before the whole run (environments listed in reverse): one comparison
                for (; j > start; --j) keys[j] = keys[j - 1];
            } else { // keys[start] stops the walk: no bound check
                for (; less(key, keys[j - 1]); --j) keys[j] = keys[j - 1];
            }
            keys[j] = key;
        }
    }
    if (count <= run) return;
    // The merge buffer: plain new[] (nothing in the merges throws), not a vector that zeroes it first.
    sort_key* const scratch = new sort_key[count];
    sort_key* from = keys.data();
    sort_key* to = scratch;
    for (std::size_t width = run; width < count; width *= 2) {
        for (std::size_t low = 0; low < count; low += 2 * width) {
            const std::size_t middle = count - low < width ? count : low + width;
            const std::size_t high = count - middle < width ? count : middle + width;
            const sort_key* a = from + low;
            const sort_key* const a_end = from + middle;
            const sort_key* b = a_end;
            const sort_key* const b_end = from + high;
            sort_key* out = to + low;
            while (a != a_end && b != b_end) {
                if (less(*b, *a))
                    *out++ = *b++;
                else
                    *out++ = *a++;
            }
            while (a != a_end) *out++ = *a++;
            while (b != b_end) *out++ = *b++;
        }
        std::swap(from, to); // the merged runs are the next pass's input
    }
    if (from != keys.data())
        for (std::size_t i = 0; i < count; ++i) keys[i] = from[i];
    delete[] scratch;
}

ENVGUARD_DECL std::optional<std::string> EnvSnapshot::get(std::string_view name) const {
    const std::string* value = find(name);
    return value ? std::optional<std::string>(*value) : std::nullopt;
}

ENVGUARD_DECL const std::string* EnvSnapshot::find(std::string_view name) const noexcept {
    const std::size_t at = position_of(name);
    return (at != entries_.size() && detail::same_name(entries_[at].first, name)) ? &entries_[at].second : nullptr;
}

ENVGUARD_DECL EnvSnapshot& EnvSnapshot::set(std::string_view name, std::string_view value) {
    detail::require_valid("set", name, value);
    const std::size_t at = position_of(name);
    if (at != entries_.size() && detail::same_name(entries_[at].first, name)) {
        entries_[at].second.assign(value.data(), value.size());
    } else {
        // Added at the end and moved into place, the entries after it one step back: what
        // vector::insert does, without instantiating its machinery in every file that includes this.
        entries_.push_back(value_type(std::string(name), std::string(value)));
        value_type added = std::move(entries_.back());
        for (std::size_t i = entries_.size() - 1; i > at; --i) entries_[i] = std::move(entries_[i - 1]);
        entries_[at] = std::move(added);
    }
    forget_os_order(); // no longer the environment as captured
    return *this;
}

ENVGUARD_DECL EnvSnapshot& EnvSnapshot::unset(std::string_view name) {
    detail::require_valid("unset", name);
    const std::size_t at = position_of(name);
    if (at != entries_.size() && detail::same_name(entries_[at].first, name)) {
        for (std::size_t i = at; i + 1 < entries_.size(); ++i) entries_[i] = std::move(entries_[i + 1]); // as erase
        entries_.pop_back();
        forget_os_order(); // no longer the environment as captured
    }
    return *this;
}

ENVGUARD_DECL void EnvSnapshot::restore() const {
    EnvLock lock;
    std::vector<detail::planned_change> plan;
    if (!plan_restore(plan)) plan = changes_from(capture());
    detail::apply_plan(plan);
}

ENVGUARD_DECL bool operator==(const EnvSnapshot& a, const EnvSnapshot& b) {
    return a.entries_ == b.entries_;
}

ENVGUARD_DECL std::uint64_t EnvSnapshot::name_prefix(const std::string& name) noexcept {
#if ENVGUARD_WINDOWS
    (void)name;
    return 0;
#else
    std::uint64_t prefix = 0;
    for (std::size_t i = 0; i < 8; ++i)
        prefix = (prefix << 8) | (i < name.size() ? static_cast<unsigned char>(name[i]) : 0u);
    return prefix;
#endif
}

ENVGUARD_DECL void EnvSnapshot::forget_os_order() noexcept {
    os_order_.clear();
    os_text_.clear();
}

ENVGUARD_DECL std::size_t& EnvSnapshot::capture_size_hint() noexcept { // read and written under EnvLock
    static std::size_t hint = 0;
    return hint;
}

ENVGUARD_DECL std::size_t EnvSnapshot::restore_in_place() const noexcept {
    std::size_t failures = 0;
#if ENVGUARD_WINDOWS
    failures += 1; // the variables to remove cannot be listed
#else
    // Remove what the snapshot lacks; a removal shifts environ, so look at the same place again.
    char** entries = detail::posix_environ();
    for (std::size_t i = 0; entries != nullptr && entries[i] != nullptr;) {
        const char* text = entries[i];
        const char* equals = std::strchr(text, '=');
        const std::string_view name(text, equals == nullptr ? 0 : static_cast<std::size_t>(equals - text));
        if (equals == nullptr || detail::is_hidden_name(name) || find(name) != nullptr) {
            ++i;
            continue;
        }
        char small[256];
        char* buffer = name.size() < sizeof small ? small : static_cast<char*>(std::malloc(name.size() + 1));
        bool removed = false;
        if (buffer != nullptr) {
            std::memcpy(buffer, name.data(), name.size());
            buffer[name.size()] = '\0';
            removed = ::unsetenv(buffer) == 0;
            if (buffer != small) std::free(buffer);
        }
        if (!removed) {
            ++failures;
            ++i;
        }
        entries = detail::posix_environ();
    }
#endif
    // Set what differs (or, where it cannot be read without allocating, everything).
    for (const value_type& entry : entries_) {
        if (detail::is_hidden_name(entry.first)) continue;
#if !ENVGUARD_WINDOWS
        const char* now = std::getenv(entry.first.c_str());
        if (now != nullptr && std::strcmp(now, entry.second.c_str()) == 0) continue;
#endif
        if (detail::platform().write(entry.first, entry.second) != 0) ++failures;
    }
    return failures;
}

ENVGUARD_DECL std::vector<detail::planned_change> EnvSnapshot::changes_from(const EnvSnapshot& current) const {
    std::vector<detail::planned_change> plan;
    auto have = current.entries_.begin();
    auto want = entries_.begin();
    while (have != current.entries_.end() || want != entries_.end()) {
        if (have != current.entries_.end() && detail::is_hidden_name(have->first)) {
            ++have;
            continue;
        }
        if (want != entries_.end() && detail::is_hidden_name(want->first)) {
            ++want;
            continue;
        }
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

ENVGUARD_DECL std::size_t EnvSnapshot::position_of(std::string_view name) const noexcept {
    std::size_t low = 0;
    std::size_t high = entries_.size();
    while (low < high) {
        const std::size_t middle = low + (high - low) / 2;
        if (detail::compare_names(entries_[middle].first, name) < 0)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

ENVGUARD_DECL SnapshotGuard::SnapshotGuard() : snapshot_(EnvSnapshot::capture()) { detail::prepare_out_of_memory_report(); }

ENVGUARD_DECL SnapshotGuard::SnapshotGuard(SnapshotGuard&& other) noexcept
    : snapshot_(std::move(other.snapshot_)), active_(other.active_) {
    other.active_ = false;
}

ENVGUARD_DECL SnapshotGuard::~SnapshotGuard() {
    if (!active_) return;
    try {
        snapshot_.restore();
    } catch (const EnvError& error) {
        detail::restore_failure_handler_slot().load()(error);
    } catch (...) { // std::bad_alloc: no plan could be made
        EnvLock lock; // allocates nothing
        if (snapshot_.restore_in_place() != 0) detail::report_out_of_memory();
    }
}

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
#endif // ENVGUARD_HAS_EXCEPTIONS

