// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The table of OS operations behind the seam (see platform.hpp). Kept apart from platform.hpp so that
// each backend can include it without a cycle.
#pragma once

#include "../config.hpp"

#include <string>
#include <string_view>

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

using visit_entry_fn = void (*)(void* context, std::string_view name, std::string_view value);

struct platform_ops {
    // Looks NAME up: true with VALUE assigned when the variable is set (even to ""), false when it is
    // unset. NAME has been validated. May throw std::bad_alloc while assigning.
    bool (*read)(const std::string& name, std::string& value);
    // Sets NAME to VALUE, which may be empty. Returns 0, or the OS error number (errno / GetLastError).
    // Never throws (write and remove run on noexcept paths: rollback and destructors).
    int (*write)(const std::string& name, const std::string& value);
    // Removes NAME; removing an unset variable succeeds. Returns 0 or the OS error number.
    int (*remove)(const std::string& name);
    // Calls visit once for every entry, in the OS's own order. Entries that are not NAME=VALUE (no '='
    // at all) are skipped. A repeated name is visited each time it appears: the caller keeps the first,
    // because that is the one a lookup finds (EnvSnapshot::capture does).
    void (*list)(void* context, visit_entry_fn visit);
    // NAME as the OS spells the variable now (Windows: case-insensitive names keep their spelling);
    // NAME itself when it is not set, and always on POSIX.
    std::string (*spelling)(const std::string& name);
    // POSIX only; nullptr where the OS keeps its own copies of the strings (Windows). The
    // environment's own "NAME=VALUE" string for NAME (the first, as getenv finds it), or nullptr when
    // NAME is unset. Allocates nothing, never throws.
    const char* (*find_entry)(std::string_view name);
    // POSIX only; nullptr on Windows. Makes ENTRY, a "NAME=VALUE" string for NAME that stays valid
    // while the environment refers to it, the variable's entry itself (putenv: no copy, nothing
    // allocated). Returns 0 or the OS error number. Never throws.
    int (*put_entry)(const std::string& name, char* entry);
};

} // namespace detail
ENVGUARD_NAMESPACE_END
