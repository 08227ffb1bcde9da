#!/usr/bin/env bash
# The main job: build the coverage example and run it the way this project's users meet the problem:
# a parent shell with sccache as RUSTC_WRAPPER and a shared CARGO_TARGET_DIR. The child gets the
# coverage recipe (RUSTC_WRAPPER set to empty, CARGO_INCREMENTAL=1, CARGO_TARGET_DIR unset); the
# parent's environment is shown unchanged afterwards.
# Usage: tools/run_example.sh [COMMAND [ARG]...]   (default child: the example itself, reporting)
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install_deps.sh
cmake --preset dev -B build/example -DENVGUARD_BUILD_TESTS=OFF >/dev/null
cmake --build build/example --target coverage_child >/dev/null
echo "Parent shell: RUSTC_WRAPPER=sccache CARGO_TARGET_DIR=/tmp/shared-target CARGO_INCREMENTAL=0"
echo
RUSTC_WRAPPER=sccache CARGO_TARGET_DIR=/tmp/shared-target CARGO_INCREMENTAL=0 \
  build/example/examples/coverage_child "$@"
