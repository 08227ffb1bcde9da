#!/usr/bin/env bash
# envguard's whole test suite, from a fresh Debian 12 machine: installs what it needs, then
#   - checks that single_include/ is generated from include/ and that the version agrees everywhere,
#   - builds and runs the suite (both header forms, ODR, strict-warnings consumer, compile-fail,
#     examples, the launcher's command line) with g++ and clang++, in C++17 and C++20, warnings as
#     errors; once (g++ C++17) also the launcher against real cargo, sccache and llvm-22,
#   - runs it again under AddressSanitizer + UndefinedBehaviorSanitizer, and under ThreadSanitizer,
#   - cross-compiles it and the launcher for Windows (mingw-w64) and runs them under wine,
#   - builds and runs it with Meson,
#   - installs envguard and builds consumers with find_package and pkg-config.
# Needs Rust's cargo (rustup, found in ~/.cargo/bin) for the launcher's end-to-end tests.
# Usage: tools/run_tests.sh            (about 12 minutes on 2 cores)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

tools/install_deps.sh sccache llvm-22 g++-mingw-w64-x86-64-posix wine libbenchmark-dev hyperfine || exit 1

export TSAN_OPTIONS=halt_on_error=1 # a data race fails the run (only the tsan build reads it)
passed=0
failed=0
failed_steps=()
step() {
  local name=$1
  shift
  echo
  echo "=== ${name}"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "=== ${name}: passed ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    failed_steps+=("$name")
    echo "=== ${name}: FAILED ($((SECONDS - start)) s)"
  fi
}

cmake_suite() { # compiler standard preset [extra cmake arguments]
  local dir="build/${3}-${1}-cxx${2}"
  cmake --preset "$3" -B "$dir" -DCMAKE_CXX_COMPILER="$1" -DCMAKE_CXX_STANDARD="$2" "${@:4}" >/dev/null &&
    cmake --build "$dir" &&
    ctest --test-dir "$dir" --output-on-failure
}

windows_suite() { # cross-compiled with mingw-w64, run under wine
  local dir=build/windows-mingw
  export WINEDEBUG=-all
  cmake --preset ci -B "$dir" -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake \
        -DENVGUARD_BUILD_EXAMPLES=OFF >/dev/null &&
    cmake --build "$dir" &&
    ctest --test-dir "$dir" --output-on-failure
}

meson_suite() {
  rm -rf build/meson
  # CXX named explicitly: Meson would otherwise pick up an sccache on PATH by itself.
  CXX=c++ meson setup build/meson -Dwerror=true >/dev/null && meson test -C build/meson --print-errorlogs
}

install_and_consume() {
  local prefix="$root/build/install"
  rm -rf "$prefix" build/consumer-*
  cmake --install build/ci-g++-cxx17 --prefix "$prefix" >/dev/null || return 1
  # find_package(envguard 1 CONFIG) finds the installed package and builds a program with it...
  cmake -S tests/consumers/find_package -B build/consumer-find_package -G Ninja \
        -DCMAKE_PREFIX_PATH="$prefix" >/dev/null &&
    cmake --build build/consumer-find_package &&
    build/consumer-find_package/consumer || return 1
  # ...and a request for version 2 is refused (SameMajorVersion).
  if cmake -S tests/consumers/find_package -B build/consumer-find_package-v2 -G Ninja \
        -DCMAKE_PREFIX_PATH="$prefix" -DREQUIRED_ENVGUARD_VERSION=2 >/dev/null 2>&1; then
    echo "find_package(envguard 2) was accepted by a 1.x install"; return 1
  fi
  # pkg-config
  PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --exists envguard || return 1
  # shellcheck disable=SC2046
  g++ -std=c++17 -Wall -Wextra -Werror tests/consumers/find_package/consumer.cpp \
      $(PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --cflags --libs envguard) \
      -o build/consumer-pkg-config && build/consumer-pkg-config
}

# The benchmarks (issue #8) build and run, briefly: each must exit 0. Never timed assertions; the
# launcher timed is the one the g++ C++17 suite built.
benchmarks_smoke() {
  ENVGUARD_LAUNCHER="$root/build/ci-g++-cxx17/launcher/envguard" MIN_TIME=0.01 RUNS=5 COMPILE_RUNS=1 \
    tools/run_benchmarks.sh --smoke
}

step "single header is up to date" python3 tools/amalgamate.py --check
step "version agrees everywhere" python3 tools/check_version.py
step "suite: g++ C++17, with the launcher against real cargo, sccache and llvm-22" \
  cmake_suite g++ 17 ci -DENVGUARD_CARGO_TESTS=ON
step "suite: g++ C++20" cmake_suite g++ 20 ci
step "suite: clang++ C++17" cmake_suite clang++ 17 ci
step "suite: clang++ C++20" cmake_suite clang++ 20 ci
step "suite: ASan + UBSan (g++ C++17)" cmake_suite g++ 17 sanitize
step "suite: ThreadSanitizer (clang++ C++17)" cmake_suite clang++ 17 tsan
step "suite: Windows (mingw-w64 g++, C++17, under wine), with envguard.exe" windows_suite
step "suite: Meson (c++ C++17)" meson_suite
step "install + find_package + pkg-config consumers" install_and_consume
step "benchmarks build and smoke-run" benchmarks_smoke

echo
if [ "$failed" -ne 0 ]; then
  printf 'FAILED step: %s\n' "${failed_steps[@]}"
fi
echo "run_tests: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
