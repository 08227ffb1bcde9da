#!/usr/bin/env bash
# envguard's whole test suite, from a fresh Debian 12 machine: installs what it needs, then
#   - checks that single_include/ is generated from include/, that the version agrees everywhere and
#     that every link of the documentation resolves (tools/check_links.py),
#   - builds and runs the suite (both header forms, ODR, strict-warnings consumer, compile-fail,
#     examples, the launcher's command line) with g++ and clang++, in C++17 and C++20, warnings as
#     errors; once (g++ C++17) also the launcher against real cargo, sccache and llvm-22,
#   - runs it again under AddressSanitizer + UndefinedBehaviorSanitizer, and under ThreadSanitizer,
#   - cross-compiles it and the launcher for Windows (mingw-w64) and runs them under wine,
#   - builds and runs it with Meson,
#   - builds and runs a consumer in each setup docs/install.md shows (tools/test_consumers.sh),
#   - builds the Debian package, installs it, uses it from /usr and removes it (tools/test_package.sh),
#   - builds every release artifact with tools/release.sh and tests each as a user gets it, the Conan
#     recipe and the CI snippets of docs/command.md (tests/release/run.sh).
# Needs Rust's cargo (rustup, found in ~/.cargo/bin) for the launcher's end-to-end tests.
# Usage: tools/run_tests.sh            (about 45 minutes on 2 cores with ~/.cache/envguard warm)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

tools/install_deps.sh sccache llvm-22 g++-mingw-w64-x86-64-posix wine doxygen help2man dpkg-dev man-db groff-base bash-completion libgtest-dev valgrind libclang-rt-14-dev libbenchmark-dev hyperfine python3-venv || exit 1

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

consumers() { # find_package (and 2 refused), add_subdirectory, FetchContent, pkg-config, Meson, single header
  bash tools/test_consumers.sh
}

debian_package() { # CPack .deb from the g++ C++17 build: apt-get install, use from /usr, apt-get remove
  bash tools/test_package.sh build/ci-g++-cxx17
}

valgrind_launcher() { # the launcher's CLI and fault tests, every envguard run under memcheck
  mkdir -p build/valgrind
  ENVGUARD="$root/build/ci-g++-cxx17/launcher/envguard" bash tests/launcher/valgrind_test.sh |
    tee build/valgrind/valgrind_test.log
}

reliability_report() { # RELIABILITY.md from this run's logs; fails on a failed or missing area
  local areas=(fault.write_failure fault.allocation_failure model hostile_input threads suite
               launcher.signals launcher.pass_through valgrind.launcher fuzz.overlay
               fuzz.launcher_args fuzz.cargo_config hidden_entries fork
               fault.snapshot_guard_out_of_memory memory.freed_strings process.edges bulk_writes)
  python3 tools/reliability_report.py --output build/RELIABILITY.md \
    --log build/fuzz/reliability.log --log build/valgrind/valgrind_test.log "${areas[@]/#/--require=}" >/dev/null || {
    cat build/RELIABILITY.md; return 1; }
  cat build/RELIABILITY.md
  # The committed RELIABILITY.md came from a run like this one; show how this run differs (not an error:
  # fuzzing counts and dates always do).
  diff RELIABILITY.md build/RELIABILITY.md >/dev/null || echo "(RELIABILITY.md differs from this run's build/RELIABILITY.md; copy it to update)"
}

# The release artifacts (issue #17): tools/release.sh from the g++ C++17 and mingw-w64 builds above (nothing
# compiled again), each artifact tested as a user gets it, the Conan recipe, the CI snippets of docs/command.md run.
release_artifacts() {
  bash tests/release/run.sh --linux-build build/ci-g++-cxx17 --windows-build build/windows-mingw
}

# The benchmarks (issue #8) build and run, briefly: each must exit 0. Never timed assertions; the
# launcher timed is the one the g++ C++17 suite built.
benchmarks_smoke() {
  ENVGUARD_LAUNCHER="$root/build/ci-g++-cxx17/launcher/envguard" MIN_TIME=0.01 RUNS=5 \
    tools/run_benchmarks.sh --smoke
}

step "single header is up to date" python3 tools/amalgamate.py --check
step "version agrees everywhere" python3 tools/check_version.py
step "documentation: every link and #anchor of README.md, CONTRIBUTING.md and docs/ resolves" python3 tools/check_links.py
step "API reference: Doxygen, every public member documented, warnings are errors" bash tools/build_docs.sh
step "suite: g++ C++17, with the launcher against real cargo, sccache and llvm-22" \
  cmake_suite g++ 17 ci -DENVGUARD_CARGO_TESTS=ON -DENVGUARD_TEST_SEPARATE_COMPILATION=ON
step "real tools: cargo-llvm-cov 0.9 and 0.6, sccache 0.16, a pyo3 workspace (g++ C++17 launcher)" bash tests/real_tools/run.sh build/ci-g++-cxx17/launcher/envguard
step "suite: g++ C++20" cmake_suite g++ 20 ci
step "suite: clang++ C++17" cmake_suite clang++ 17 ci
step "suite: clang++ C++20" cmake_suite clang++ 20 ci
step "suite: ASan + UBSan (g++ C++17)" cmake_suite g++ 17 sanitize
step "suite: ThreadSanitizer (clang++ C++17)" cmake_suite clang++ 17 tsan
step "suite: Windows (mingw-w64 g++, C++17, under wine), with envguard.exe" windows_suite
step "suite: Meson (c++ C++17)" meson_suite
step "consumers: find_package, add_subdirectory, FetchContent, pkg-config, Meson subproject, single header" consumers
step "Debian package: build, apt-get install, envguard --version, consumers against /usr, man, completion, remove" debian_package
step "valgrind memcheck: the launcher's CLI and fault tests (g++ C++17 build)" valgrind_launcher
step "fuzzing: each libFuzzer target for 30 s (clang++, ASan + UBSan)" bash tools/run_fuzzers.sh 30
step "RELIABILITY.md generated from this run's logs" reliability_report
step "release: tarball, zip, .deb, wheels tested as users get them; Conan recipe; docs/command.md CI snippets run" release_artifacts
step "benchmarks build and smoke-run" benchmarks_smoke

echo
if [ "$failed" -ne 0 ]; then
  printf 'FAILED step: %s\n' "${failed_steps[@]}"
fi
echo "run_tests: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
