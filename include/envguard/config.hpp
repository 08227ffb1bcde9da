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

// Whether C++ exceptions are enabled. 0 under -fno-exceptions (GCC, Clang) or without /EHsc (MSVC):
// then only the headers that never throw are available (config, version, error, lock, env and
// nothrow_scoped_env; see docs/no-exceptions.md), and every other envguard header stops
// the build with #error (split headers) or is left out (the single header). Define it to 0 to get the
// same subset with exceptions on; defining it to 1 when the compiler has exceptions off is an error.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#    define ENVGUARD_COMPILER_HAS_EXCEPTIONS 1
#else
#    define ENVGUARD_COMPILER_HAS_EXCEPTIONS 0
#endif
#ifndef ENVGUARD_HAS_EXCEPTIONS
#    define ENVGUARD_HAS_EXCEPTIONS ENVGUARD_COMPILER_HAS_EXCEPTIONS
#elif ENVGUARD_HAS_EXCEPTIONS && !ENVGUARD_COMPILER_HAS_EXCEPTIONS
#    error "envguard: ENVGUARD_HAS_EXCEPTIONS is 1 but this compiler has exceptions disabled (-fno-exceptions)"
#endif

// Internal: a try/catch (...) pair that becomes if (true) { ... } else { ... } without exceptions,
// where nothing can be caught (allocation failure then ends the program inside the standard library).
#if ENVGUARD_HAS_EXCEPTIONS
#    define ENVGUARD_TRY try
#    define ENVGUARD_CATCH_ALL catch (...)
#else
#    define ENVGUARD_TRY if (true)
#    define ENVGUARD_CATCH_ALL else
#endif

// Compile modes (see docs/separate-compilation.md). By default envguard is header-only: every
// function is defined, inline, in the headers. With ENVGUARD_SEPARATE_COMPILATION defined (to
// anything but 0) in every translation unit, the headers declare the library's non-template functions
// and leave out their bodies; exactly one translation unit of the program includes
// <envguard/impl.hpp> (or, with the single header, defines ENVGUARD_IMPLEMENTATION before including
// it), which compiles those bodies once, not inline. The CMake target envguard::envguard_compiled and
// the Meson option separate_compilation do both for you.
//   ENVGUARD_SEPARATE   1 in separate-compilation mode, else 0
//   ENVGUARD_BODIES     1 where the non-template bodies are compiled: header-only mode, and the one
//                       implementation translation unit of separate-compilation mode
//   ENVGUARD_DECL       what the out-of-line definitions start with: `inline` header-only, nothing
//                       in separate-compilation mode (one definition, in the implementation unit)
// Templates and a few one-line accessors stay in the headers in both modes (ARCHITECTURE.md,
// "Compile modes and include cost").
#ifndef ENVGUARD_SEPARATE
#    if defined(ENVGUARD_SEPARATE_COMPILATION)
#        define ENVGUARD_SEPARATE 1
#    else
#        define ENVGUARD_SEPARATE 0
#    endif
#endif
#if ENVGUARD_SEPARATE
#    define ENVGUARD_DECL
#    if defined(ENVGUARD_IMPLEMENTATION)
#        define ENVGUARD_BODIES 1
#    else
#        define ENVGUARD_BODIES 0
#    endif
#else
#    define ENVGUARD_DECL inline
#    define ENVGUARD_BODIES 1
#endif

// The API lives in an inline namespace so that a future incompatible v2 can coexist at link level.
#define ENVGUARD_NAMESPACE_BEGIN \
    namespace envguard {         \
    inline namespace v1 {
#define ENVGUARD_NAMESPACE_END \
    }                          \
    }
