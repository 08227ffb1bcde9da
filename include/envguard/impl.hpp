// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The implementation unit of separate compilation (docs/separate-compilation.md). With
// ENVGUARD_SEPARATE_COMPILATION defined for the whole program, every envguard header declares the
// library's non-template functions only; exactly ONE source file of the program compiles their
// bodies, and it contains just:
//
//     #include <envguard/impl.hpp>
//
// (CMake: link envguard::envguard_compiled instead, which is that file, compiled; Meson: the option
// separate_compilation=true.) The file must include this header before any other envguard header,
// because each header decides once, when first included, whether it compiles its bodies. With the
// single header the same file is `#define ENVGUARD_IMPLEMENTATION` then `#include "envguard.hpp"`.
//
// Without ENVGUARD_SEPARATE_COMPILATION (the default, header-only) this header is not needed and
// stops the build, so that a header-only program cannot pick up a second copy of every body.
#pragma once

#if !defined(ENVGUARD_SEPARATE_COMPILATION)
#    error "envguard: <envguard/impl.hpp> is for separate compilation: define ENVGUARD_SEPARATE_COMPILATION for the whole program (every source file), or do not include this header (header-only use needs nothing)."
#endif
#if defined(ENVGUARD_BODIES)
#    error "envguard: <envguard/impl.hpp> must be included before any other envguard header in its source file (best: alone, in a file of its own)."
#endif

#ifndef ENVGUARD_IMPLEMENTATION
#    define ENVGUARD_IMPLEMENTATION 1
#endif

#include "envguard.hpp"
