// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// How two variable names compare. POSIX names are byte strings compared exactly; Windows names are
// case-insensitive (and case-preserving), so Path and PATH are one variable there. Every container
// and guard in envguard compares names through these two functions and nothing else.
#pragma once

#include "../config.hpp"

#if ENVGUARD_WINDOWS
#    include "platform_win32.hpp" // win32_compare_names
#endif

#include <cstddef>
#include <string_view>

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

#if ENVGUARD_WINDOWS
inline int compare_names(std::string_view a, std::string_view b) noexcept {
    return win32_compare_names(a, b);
}
#else
inline int compare_names(std::string_view a, std::string_view b) noexcept { return a.compare(b); }
#endif

inline bool same_name(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && compare_names(a, b) == 0;
}

// An entry of the environment that has no usable name: an empty one (POSIX: an entry "=x", as
// `env '=x' prog` leaves it) or, on Windows, one starting with '=' (the hidden per-drive current
// directories "=C:", which cmd.exe always passes on). Such entries are recorded by
// EnvSnapshot::capture and passed on to children, but never written, unset or diffed: no name rule
// accepts them, so no envguard operation can change them, and whole-environment operations (clear(),
// SnapshotGuard, diff) leave them as they are.
inline bool is_hidden_name(std::string_view name) noexcept {
    return name.empty() || name.front() == '=';
}

struct name_less {
    bool operator()(std::string_view a, std::string_view b) const noexcept {
        return compare_names(a, b) < 0;
    }
};

} // namespace detail
ENVGUARD_NAMESPACE_END
