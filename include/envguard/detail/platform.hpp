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

#if ENVGUARD_WINDOWS
#    include "platform_win32.hpp"
#else
#    include "platform_posix.hpp"
#endif

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

// The seam in use. Function-local static in an inline function: one object per program, whatever
// number of translation units include the header.
inline platform_ops& platform() noexcept {
    static platform_ops ops = native_platform_ops();
    return ops;
}

} // namespace detail
ENVGUARD_NAMESPACE_END
