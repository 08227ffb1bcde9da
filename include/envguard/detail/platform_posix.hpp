// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The POSIX backend: getenv / setenv / unsetenv and the environ array. setenv(name, "", 1) stores an
// empty value on every POSIX system, so the three states map directly. putenv is used only through
// put_entry, always with a complete "NAME=VALUE" string (its "NAME" form means "remove" on glibc), to
// put back a string that was in the environment before (a guard's original) or one that envguard
// owns (MemoryMode::reclaim); see "Memory" in scoped_env.hpp for who owns which string.
#pragma once

#include "../config.hpp"
#include "platform_ops.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__APPLE__)
#    include <crt_externs.h> // _NSGetEnviron: shared libraries on macOS have no environ symbol
#else
extern "C" {
extern char** environ;
}
#endif

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

inline char** posix_environ() noexcept {
#if defined(__APPLE__)
    return *_NSGetEnviron();
#else
    return environ;
#endif
}

inline bool posix_read(const std::string& name, std::string& value) {
    const char* found = std::getenv(name.c_str());
    if (found == nullptr) return false;
    value.assign(found);
    return true;
}

inline int posix_write(const std::string& name, const std::string& value) {
    if (::setenv(name.c_str(), value.c_str(), 1) != 0) return errno != 0 ? errno : EINVAL;
    return 0;
}

inline int posix_remove(const std::string& name) {
    if (::unsetenv(name.c_str()) != 0) return errno != 0 ? errno : EINVAL;
    return 0;
}

inline void posix_list(void* context, visit_entry_fn visit) {
    char** entries = posix_environ();
    if (entries == nullptr) return; // after clearenv() glibc may leave environ null
    for (char** entry = entries; *entry != nullptr; ++entry) {
        const char* text = *entry;
        const char* equals = std::strchr(text, '=');
        if (equals == nullptr) continue; // not NAME=VALUE: getenv cannot see it either
        visit(context, std::string_view(text, static_cast<std::size_t>(equals - text)),
              std::string_view(equals + 1));
    }
}

inline std::string posix_spelling(const std::string& name) { return name; }

// The entry getenv would find: the first "NAME=..." in environ (entries without '=' never match).
inline const char* posix_find_entry(std::string_view name) noexcept {
    char** entries = posix_environ();
    if (entries == nullptr || name.empty()) return nullptr;
    const char first = name[0];
    const std::size_t length = name.size();
    for (char** entry = entries; *entry != nullptr; ++entry) {
        const char* text = *entry;
        // text[0] == first (not NUL) makes text[1] readable; strncmp stops at text's end.
        if (text[0] == first && std::strncmp(text + 1, name.data() + 1, length - 1) == 0 &&
            text[length] == '=')
            return text;
    }
    return nullptr;
}

inline int posix_put_entry(const std::string&, char* entry) noexcept {
    if (::putenv(entry) != 0) return errno != 0 ? errno : ENOMEM;
    return 0;
}

ENVGUARD_DECL platform_ops native_platform_ops() noexcept {
    return platform_ops{&posix_read,     &posix_write,      &posix_remove,   &posix_list,
                        &posix_spelling, &posix_find_entry, &posix_put_entry};
}

} // namespace detail
ENVGUARD_NAMESPACE_END
