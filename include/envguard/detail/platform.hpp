// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The one seam between envguard and the operating system: read, write, remove, list. Everything above
// this file is portable. The seam is a table of plain function pointers held in one mutable object, so
// that tests can swap it and make, say, the third write fail, then check that everything was rolled
// back (fmt's posix-mock does the same for its OS calls). Production code never swaps it.
#pragma once

#include "../config.hpp"
#include "platform_ops.hpp"

#if ENVGUARD_BODIES // the backends only where bodies are compiled (see config.hpp)
#    if ENVGUARD_WINDOWS
#        include "platform_win32.hpp"
#    else
#        include "platform_posix.hpp"
#    endif
#endif

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

// The seam in use. A function-local static: one object per program, whatever number of translation
// units include the header.
ENVGUARD_DECL platform_ops& platform() noexcept;
// The operating system's own operations (what platform() starts as; tests put them back with it).
ENVGUARD_DECL platform_ops native_platform_ops() noexcept;

#if ENVGUARD_BODIES
ENVGUARD_DECL platform_ops& platform() noexcept {
    static platform_ops ops = native_platform_ops();
    return ops;
}
#endif

} // namespace detail
ENVGUARD_NAMESPACE_END
