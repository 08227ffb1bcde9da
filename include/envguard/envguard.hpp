// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The umbrella header: everything a program, a launcher or a test harness needs. The opt-in {fmt}
// support is not included here: it is envguard/fmt.hpp (include it after, or instead of, this one).
// Header-only by default; with ENVGUARD_SEPARATE_COMPILATION it declares only, and one source file
// of the program includes envguard/impl.hpp (docs/separate-compilation.md). A test fixture that only
// wants SnapshotGuard can include envguard/snapshot.hpp alone, at a fraction of this header's cost.
//
// Repository and documentation: see README.md next to include/.
#pragma once

#include "config.hpp"
#include "version.hpp"
#include "quote.hpp"
#include "error.hpp"
#include "names.hpp"
#include "lock.hpp"
#include "env.hpp"
#include "restore_failure.hpp"
#include "nothrow_scoped_env.hpp"
#include "memory_mode.hpp"
#include "scoped_env.hpp"
#include "snapshot.hpp"
#include "overlay.hpp"
#include "block.hpp"
#include "process.hpp"
#include "coverage.hpp"
#include "profile.hpp"
