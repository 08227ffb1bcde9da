// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// How two variable names compare, for the library's containers and guards. POSIX names are byte
// strings compared exactly; Windows names are case-insensitive (and case-preserving), so Path and PATH
// are one variable there. Every container and guard in envguard compares names through
// compare_names and the public same_name (names.hpp, whose body is built on compare_names), and
// nothing else.
#pragma once

#include "../config.hpp"
#include "platform.hpp" // the backend: win32_compare_names

#include <cstddef>
#include <string_view>

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

// Orders names as the platform does: a strict weak order, 0 when they name the same variable.
#if ENVGUARD_WINDOWS
inline int compare_names(std::string_view a, std::string_view b) noexcept {
    return win32_compare_names(a, b);
}
#else
inline int compare_names(std::string_view a, std::string_view b) noexcept { return a.compare(b); }
#endif

} // namespace detail
ENVGUARD_NAMESPACE_END

// After compare_names: names.hpp's bodies (same_name) use it, whichever of the two is included first.
#include "../names.hpp"

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

using envguard::same_name;

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
