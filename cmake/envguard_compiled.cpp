// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The one translation unit of envguard's separately compiled form: the CMake target
// envguard::envguard_compiled and Meson's -Dseparate_compilation=true build this file, with
// ENVGUARD_SEPARATE_COMPILATION defined (and passed on to every user). A program that builds envguard
// another way adds the same one line to one of its own files (docs/separate-compilation.md).
#include <envguard/impl.hpp>
