// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// EnvOverlay: an environment recipe as data. An ordered list of operations that changes nothing by
// itself; apply() performs it on the process under a ScopedEnv, render() computes what a child would
// get from a base environment without touching the process at all.
#pragma once

#include "config.hpp"
#include "detail/needs_exceptions.hpp"
#include "error.hpp"
#include "lock.hpp"
#include "names.hpp"
#include "scoped_env.hpp"
#include "snapshot.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if ENVGUARD_HAS_EXCEPTIONS // else: not available (detail/needs_exceptions.hpp)
ENVGUARD_NAMESPACE_BEGIN

/// A recipe of environment changes as data: built with set, set_empty, unset, prepend_path,
/// append_path, clear and keep (each validated when added), printed with to_string(), applied to this
/// process with apply() (undone by the guard it returns) or rendered for a child with render().
class EnvOverlay {
public:
    /// What an Operation does.
    enum class Kind {
        set,          ///< NAME = value ("" is set-to-empty, never unset)
        unset,        ///< NAME removed
        prepend_path, ///< value put in front of the NAME path list
        append_path,  ///< value put at the end of the NAME path list
        clear,        ///< every variable removed, except the names given to keep()
        keep,         ///< NAME survives clear()
    };

    /// One step of the recipe.
    struct Operation {
        Kind kind;         ///< what it does
        std::string name;  ///< the variable (empty for clear)
        std::string value; ///< set: the value ("" = set to empty); prepend/append: the directory

        /// One line, as `--dry-run` prints it: `RUSTC_WRAPPER="" (set to empty, not unset)`,
        /// `CARGO_TARGET_DIR unset`, `PATH prepend /x`.
        std::string to_string() const;

        /// Equal when kind, name and value are.
        friend bool operator==(const Operation& a, const Operation& b) {
            return a.kind == b.kind && a.name == b.name && a.value == b.value;
        }
        /// Not equal.
        friend bool operator!=(const Operation& a, const Operation& b) { return !(a == b); }
    };

    EnvOverlay() = default;

    /// NAME = VALUE. An empty VALUE sets the empty string.
    EnvOverlay& set(std::string_view name, std::string_view value);
    /// NAME = "" — the variable exists and is empty (RUSTC_WRAPPER's "no wrapper").
    EnvOverlay& set_empty(std::string_view name);
    /// NAME removed.
    EnvOverlay& unset(std::string_view name);
    /// The three-state form: a value sets, std::nullopt unsets.
    EnvOverlay& assign(std::string_view name, const std::optional<std::string>& value);

    /// Puts DIR first in the NAME path list (':' separated on POSIX, ';' on Windows). When NAME is
    /// unset or empty the result is DIR alone, with no dangling separator. When DIR is already one of
    /// the list's entries the list is left as it is: a directory is never added twice.
    EnvOverlay& prepend_path(std::string_view name, std::string_view dir);
    /// As prepend_path, at the end of the list.
    EnvOverlay& append_path(std::string_view name, std::string_view dir);

    /// Removes every variable at this point of the recipe, except the names passed to keep()
    /// (anywhere in the overlay). Operations after clear() apply to what is left. Entries without a
    /// usable name (POSIX "=x", Windows "=C:"; see EnvSnapshot::capture) are not variables and stay.
    EnvOverlay& clear();
    /// NAME survives clear().
    EnvOverlay& keep(std::string_view name);

    /// The operations, in the order they were added (and are applied).
    const std::vector<Operation>& operations() const noexcept { return operations_; }
    /// True when no operation was added.
    bool empty() const noexcept { return operations_.empty(); }
    /// The number of operations.
    std::size_t size() const noexcept { return operations_.size(); }

    /// Every operation, one per line (each ending in '\n').
    std::string to_string() const;

    /// The environment a child would get: BASE with the operations applied in order, a later one on
    /// the same name winning. Pure: the process environment is neither read nor written.
    EnvSnapshot render(const EnvSnapshot& base) const;

    /// Performs the overlay on the process, all or nothing, and returns the guard that undoes it.
    /// Only the variables whose value really changes are written.
    [[nodiscard]] ScopedEnv apply() const;
    /// As apply(), with the guard holding EnvLock until it restores (see ScopedEnv(exclusive)).
    [[nodiscard]] ScopedEnv apply(exclusive_t) const;

    /// Equal when both hold the same operations in the same order.
    friend ENVGUARD_DECL bool operator==(const EnvOverlay& a, const EnvOverlay& b);
    /// Not equal.
    friend bool operator!=(const EnvOverlay& a, const EnvOverlay& b) { return !(a == b); }

private:
    EnvOverlay& add(Kind kind, std::string_view name, std::string_view value);

    static void require_path_entry(std::string_view action, std::string_view name,
                                 std::string_view dir);

    // The process's current state of every name the overlay can touch, and the plan that takes it to
    // the rendered result. Without clear() only the named variables are read: O(k) lookups, not a
    // capture of the whole environment. The caller holds EnvLock.
    std::vector<detail::planned_change> plan_against_process() const;

    std::vector<Operation> operations_;
};

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
#    include "detail/names.hpp"
#    include "detail/validate.hpp"
ENVGUARD_NAMESPACE_BEGIN

namespace detail {

inline bool path_list_contains(std::string_view list, std::string_view dir) noexcept {
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t end = list.find(path_list_separator, start);
        if (end == std::string_view::npos) end = list.size();
        if (list.substr(start, end - start) == dir) return true;
        start = end + 1;
    }
    return false;
}
} // namespace detail

ENVGUARD_DECL std::string EnvOverlay::Operation::to_string() const {
    switch (kind) {
    case Kind::set:
        return name + '=' + envguard::quote_value(value) +
               (value.empty() ? " (set to empty, not unset)" : "");
    case Kind::unset: return name + " unset";
    case Kind::prepend_path: return name + " prepend " + value;
    case Kind::append_path: return name + " append " + value;
    case Kind::clear: return "clear (every variable not kept is removed)";
    case Kind::keep: return name + " kept";
    }
    return {};
}

ENVGUARD_DECL EnvOverlay& EnvOverlay::set(std::string_view name, std::string_view value) {
    detail::require_valid("set", name, value);
    return add(Kind::set, name, value);
}

ENVGUARD_DECL EnvOverlay& EnvOverlay::set_empty(std::string_view name) { return set(name, std::string_view()); }

ENVGUARD_DECL EnvOverlay& EnvOverlay::unset(std::string_view name) {
    detail::require_valid("unset", name);
    return add(Kind::unset, name, {});
}

ENVGUARD_DECL EnvOverlay& EnvOverlay::assign(std::string_view name, const std::optional<std::string>& value) {
    return value ? set(name, *value) : unset(name);
}

ENVGUARD_DECL EnvOverlay& EnvOverlay::prepend_path(std::string_view name, std::string_view dir) {
    require_path_entry("prepend to", name, dir);
    return add(Kind::prepend_path, name, dir);
}

ENVGUARD_DECL EnvOverlay& EnvOverlay::append_path(std::string_view name, std::string_view dir) {
    require_path_entry("append to", name, dir);
    return add(Kind::append_path, name, dir);
}

ENVGUARD_DECL EnvOverlay& EnvOverlay::clear() { return add(Kind::clear, {}, {}); }

ENVGUARD_DECL EnvOverlay& EnvOverlay::keep(std::string_view name) {
    detail::require_valid("keep", name);
    return add(Kind::keep, name, {});
}

ENVGUARD_DECL std::string EnvOverlay::to_string() const {
    std::string out;
    for (const auto& op : operations_) {
        out += op.to_string();
        out += '\n';
    }
    return out;
}

ENVGUARD_DECL EnvSnapshot EnvOverlay::render(const EnvSnapshot& base) const {
    EnvSnapshot result;
    result.entries_ = base.entries_; // not base's captured OS order: the result is not captured
    for (const auto& op : operations_) {
        switch (op.kind) {
        case Kind::set: result.set(op.name, op.value); break;
        case Kind::unset: result.unset(op.name); break;
        case Kind::prepend_path:
        case Kind::append_path: {
            const std::string* current = result.find(op.name);
            if (current == nullptr || current->empty()) {
                result.set(op.name, op.value);
            } else if (!detail::path_list_contains(*current, op.value)) {
                std::string list = op.kind == Kind::prepend_path
                                       ? op.value + path_list_separator + *current
                                       : *current + path_list_separator + op.value;
                result.set(op.name, list);
            }
            break;
        }
        case Kind::clear: {
            // Entries without a usable name (detail::is_hidden_name: POSIX "=x", Windows "=C:")
            // are not variables clear() can remove: they stay, as the kept names do.
            EnvSnapshot kept;
            for (const auto& entry : result.entries_)
                if (detail::is_hidden_name(entry.first)) kept.entries_.push_back(entry);
            for (const auto& other : operations_)
                if (other.kind == Kind::keep)
                    if (const std::string* value = result.find(other.name))
                        kept.set(other.name, *value);
            result = std::move(kept);
            break;
        }
        case Kind::keep: break;
        }
    }
    return result;
}

ENVGUARD_DECL ScopedEnv EnvOverlay::apply() const {
    EnvLock lock;
    return ScopedEnv(detail::adopt_plan_t{}, plan_against_process());
}

ENVGUARD_DECL ScopedEnv EnvOverlay::apply(exclusive_t) const {
    EnvLock lock;
    return ScopedEnv(detail::adopt_plan_t{}, exclusive, plan_against_process());
}

ENVGUARD_DECL bool operator==(const EnvOverlay& a, const EnvOverlay& b) {
    return a.operations_ == b.operations_;
}

ENVGUARD_DECL EnvOverlay& EnvOverlay::add(Kind kind, std::string_view name, std::string_view value) {
    operations_.push_back(Operation{kind, std::string(name), std::string(value)});
    return *this;
}

ENVGUARD_DECL void EnvOverlay::require_path_entry(std::string_view action, std::string_view name,
                             std::string_view dir) {
    detail::require_valid(action, name);
    if (auto bad = envguard::check_path_entry(dir)) throw detail::make_env_error(bad.code, action, name, bad.rule);
}

ENVGUARD_DECL std::vector<detail::planned_change> EnvOverlay::plan_against_process() const {
    bool clears = false;
    for (const auto& op : operations_) clears = clears || op.kind == Kind::clear;
    EnvSnapshot base;
    if (clears) {
        base = EnvSnapshot::capture();
    } else {
        for (const auto& op : operations_)
            if (!base.contains(op.name))
                if (auto value = detail::read_or_throw(op.name)) base.set(op.name, *value);
    }
    return render(base).changes_from(base);
}

ENVGUARD_DECL EnvOverlay EnvSnapshot::diff(const EnvSnapshot& target) const {
    EnvOverlay overlay;
    for (auto& change : target.changes_from(*this)) overlay.assign(change.name, change.after);
    return overlay;
}

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
#endif // ENVGUARD_HAS_EXCEPTIONS
