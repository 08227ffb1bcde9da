// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// How two variable names compare. POSIX names are byte strings compared exactly; Windows names are
// case-insensitive (and case-preserving), so Path and PATH are one variable there. Every container
// and guard in envguard compares names through these two functions and nothing else.
#pragma once

#include "../config.hpp"

#include <cstddef>
#include <string_view>

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

#if ENVGUARD_WINDOWS
inline char fold_name_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
inline int compare_names(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = a.size() < b.size() ? a.size() : b.size();
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(fold_name_char(a[i]));
        const auto y = static_cast<unsigned char>(fold_name_char(b[i]));
        if (x != y) return x < y ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}
#else
inline int compare_names(std::string_view a, std::string_view b) noexcept { return a.compare(b); }
#endif

inline bool same_name(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && compare_names(a, b) == 0;
}

struct name_less {
    bool operator()(std::string_view a, std::string_view b) const noexcept {
        return compare_names(a, b) < 0;
    }
};

} // namespace detail
ENVGUARD_NAMESPACE_END
