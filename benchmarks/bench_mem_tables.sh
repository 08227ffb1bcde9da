#!/usr/bin/env bash
# Every table of BENCHMARKS.md sections 1 and 6 (bench-mem), as markdown: configures and builds the
# two benchmark programs (RelWithDebInfo, g++) unless BUILD_DIR already has them, then runs
#   1. ScopedEnv against the libc floor: wall time (Google Benchmark) and instruction counts (callgrind)
#   6. RSS growth per million guard cycles with distinct values: setenv, keep, reclaim
# Usage: benchmarks/bench_mem_tables.sh [BUILD_DIR]        (default build/bench; ~6 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/bench}
if [ ! -x "$build/benchmarks/bench_scoped_env" ] || [ ! -x "$build/benchmarks/bench_memory" ]; then
  cmake --preset ci -B "$build" -DCMAKE_CXX_COMPILER=g++ -DENVGUARD_BUILD_BENCHMARKS=ON \
    -DENVGUARD_BUILD_TESTS=OFF -DENVGUARD_BUILD_EXAMPLES=OFF -DENVGUARD_BUILD_LAUNCHER=OFF >/dev/null
  cmake --build "$build" -j2 --target envguard_bench_scoped_env envguard_bench_memory >/dev/null
fi
echo "### 1. ScopedEnv against the libc floor: wall time"
echo
benchmarks/scoped_env_table.sh "$build"
echo
echo "### 1. ScopedEnv against the libc floor: instructions (callgrind)"
echo
benchmarks/callgrind_scoped_env.sh "$build"
echo
echo "### 6. Memory over long runs"
echo
benchmarks/memory_table.sh "$build"
