// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// Included first by every envguard header that throws. Built without exceptions, the split headers
// stop here with a message that says what to use instead; the single header leaves those parts out
// (each such header wraps its body in #if ENVGUARD_HAS_EXCEPTIONS), keeping the rest usable.
#pragma once

#include "../config.hpp"

#if !ENVGUARD_HAS_EXCEPTIONS && !ENVGUARD_SINGLE_HEADER
#    error "envguard: this header needs C++ exceptions, which are off (-fno-exceptions or ENVGUARD_HAS_EXCEPTIONS=0). Without exceptions use envguard/env.hpp (get, set, unset, is_set, assign with std::error_code&) and envguard/nothrow_scoped_env.hpp (NothrowScopedEnv); see docs/no-exceptions.md in envguard's repository."
#endif
