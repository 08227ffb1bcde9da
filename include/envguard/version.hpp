// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The version lives here and only here: CMake and Meson read these three lines.
#pragma once

// #pragma once keeps one file from being read twice, but not two copies of envguard (include/ and
// single_include/, or two versions vendored in different places): their classes would collide one
// by one in a page of redefinition errors. The second copy stops here instead, with one clear line.
#ifdef ENVGUARD_VERSION_MAJOR
#    error "envguard: a second copy of envguard's headers is included in this translation unit (for example include/ and single_include/, or two vendored versions): include only one"
#endif

#define ENVGUARD_VERSION_MAJOR 1
#define ENVGUARD_VERSION_MINOR 0
#define ENVGUARD_VERSION_PATCH 0

// One integer for #if comparisons: 10000 * major + 100 * minor + patch.
#define ENVGUARD_VERSION \
    (ENVGUARD_VERSION_MAJOR * 10000 + ENVGUARD_VERSION_MINOR * 100 + ENVGUARD_VERSION_PATCH)
