// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// Configuration knobs. Every knob is ENVGUARD_-prefixed, 0/1-valued and tested with #if, so that
// -Wundef catches a typo. A project can put its settings in one header and name it with
// ENVGUARD_CONFIG_HEADER (for example -DENVGUARD_CONFIG_HEADER='"my_envguard_config.hpp"').
#pragma once

#include "version.hpp"

#ifdef ENVGUARD_CONFIG_HEADER
#    include ENVGUARD_CONFIG_HEADER
#endif

// 1 in the generated single_include/envguard/envguard.hpp, 0 in the split headers. Tests assert which
// form they were built against, so a build that silently picks the wrong one fails.
#ifndef ENVGUARD_SINGLE_HEADER
#    define ENVGUARD_SINGLE_HEADER 0
#endif

// Which OS seam is compiled in. Only detail/platform_win32.hpp includes <windows.h>.
#if defined(_WIN32)
#    define ENVGUARD_WINDOWS 1
#else
#    define ENVGUARD_WINDOWS 0
#endif

// The API lives in an inline namespace so that a future incompatible v2 can coexist at link level.
#define ENVGUARD_NAMESPACE_BEGIN \
    namespace envguard {         \
    inline namespace v1 {
#define ENVGUARD_NAMESPACE_END \
    }                          \
    }
