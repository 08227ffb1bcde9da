// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The version lives here and only here: CMake and Meson read these three lines.
#pragma once

#define ENVGUARD_VERSION_MAJOR 1
#define ENVGUARD_VERSION_MINOR 0
#define ENVGUARD_VERSION_PATCH 0

// One integer for #if comparisons: 10000 * major + 100 * minor + patch.
#define ENVGUARD_VERSION \
    (ENVGUARD_VERSION_MAJOR * 10000 + ENVGUARD_VERSION_MINOR * 100 + ENVGUARD_VERSION_PATCH)
