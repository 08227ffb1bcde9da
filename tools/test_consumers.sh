#!/usr/bin/env bash
# Builds and runs a consumer of envguard in every setup docs/install.md shows ("Using it in a project"):
#   find_package   an installed envguard through find_package(envguard 1 CONFIG); a request for 2 is refused
#   add_subdirectory  envguard's source tree as a subdirectory; its tests, examples, launcher and install
#                  rules must stay out of the consumer's build
#   fetchcontent   FetchContent from a local tarball of the source tree (no network); same checks
#   pkg-config     an installed envguard.pc
#   meson          a Meson subproject (subprojects/envguard) found with dependency('envguard')
#   single_header  one copied file, g++ -I single_include
# Each builds tests/consumers/main.cpp and runs it. The files each consumer builds are also the snippets
# of docs/install.md: that page must contain each of them, character for character.
# Usage: tools/test_consumers.sh [KIND...]     (all kinds by default; needs cmake, ninja, meson, pkg-config)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/build/consumers
version=$(sed -n 's/^#define ENVGUARD_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
          include/envguard/version.hpp | paste -sd.)
kinds=("$@")
[ ${#kinds[@]} -eq 0 ] && kinds=(readme find_package add_subdirectory fetchcontent pkg-config meson single_header)

strict="-Wall -Wextra -Wpedantic -Werror" # added by the test (not part of the snippets): headers must not warn
fail() { echo "test_consumers: $*" >&2; return 1; }

# A fresh directory holding main.cpp and the files of tests/consumers/KIND.
stage() {
  local dir=$work/$1
  rm -rf "$dir" && mkdir -p "$dir/src" && cp tests/consumers/main.cpp tests/consumers/"$1"/* "$dir/src/"
}

# Runs the consumer twice (variable unset, variable set); it checks set-to-empty and the restore itself.
run_app() {
  local out
  out=$(env -u RUSTC_WRAPPER "$1") || fail "$1 failed with RUSTC_WRAPPER unset" || return 1
  [ "$out" = "envguard $version works" ] || fail "$1 printed '$out', expected 'envguard $version works'" || return 1
  RUSTC_WRAPPER=sccache "$1" >/dev/null || fail "$1 failed with RUSTC_WRAPPER=sccache" || return 1
  echo "  $1: $out"
}

# The consumer's build must contain nothing of envguard but its headers: no launcher, tests, examples,
# nor install rules (they are on only when envguard is the top-level project).
only_the_library() { # build-dir
  local hits
  hits=$(grep -E -o 'envguard_launcher|envguard_tests?[a-z_]*|launcher/main\.cpp|tests/unit/[a-z_]*\.cpp|examples/[a-z_]*\.cpp' \
         "$1/build.ninja" | sort -u)
  [ -z "$hits" ] || fail "envguard built as a subproject brought in: $(echo $hits)" || return 1
  ! grep -rq 'envguardConfig\|include/envguard' --include=cmake_install.cmake "$1" ||
    fail "envguard built as a subproject installs itself into the consumer's install" || return 1
  local targets
  # What the consumer's default build runs (targets envguard leaves out of "all", such as the opt-in
  # envguard_compiled, are in build.ninja but never built): every file a command of it writes with -o.
  targets=$(ninja -C "$1" -t commands | grep -oE ' -o [^ ]+' | sed 's/^ -o //' | sort -u |
            grep -v '^CMakeFiles/app.dir/\|^app$')
  [ -z "$targets" ] || fail "the consumer's build compiles or links more than app: $(echo $targets)" || return 1
}

install_prefix() { # installs the headers, CMake package and pkg-config file once (nothing is compiled)
  [ -f "$work/prefix/share/cmake/envguard/envguardConfig.cmake" ] && return 0
  rm -rf "$work/envguard-build" "$work/prefix"
  cmake -S . -B "$work/envguard-build" -G Ninja -DENVGUARD_BUILD_TESTS=OFF -DENVGUARD_BUILD_EXAMPLES=OFF \
        -DENVGUARD_BUILD_LAUNCHER=OFF >/dev/null &&
    cmake --install "$work/envguard-build" --prefix "$work/prefix" >/dev/null
}

cmake_app() { # dir [cmake args]: configure (dev warnings are errors), build, run
  cmake -S "$1/src" -B "$1/build" -G Ninja -Werror=dev -DCMAKE_CXX_FLAGS="$strict" "${@:2}" >"$1/configure.log" 2>&1 ||
    { cat "$1/configure.log"; fail "configuring $1 failed"; return 1; }
  cmake --build "$1/build" >/dev/null || fail "building $1 failed" || return 1
  run_app "$1/build/app"
}

consumer_readme() { # every file a consumer builds is a fenced block of docs/install.md, exactly
  python3 - "$root" <<'EOF'
import pathlib, re, sys
root = pathlib.Path(sys.argv[1])
readme = (root / "docs/install.md").read_text()
blocks = {m.group(1) for m in re.finditer(r"^```[a-z]*\n(.*?)^```$", readme, re.S | re.M)}
missing = [str(f.relative_to(root)) for f in sorted((root / "tests/consumers").rglob("*"))
           if f.is_file() and f.read_text() not in blocks]
for f in missing:
    print(f"test_consumers: docs/install.md has no code block equal to {f}", file=sys.stderr)
sys.exit(1 if missing else 0)
EOF
}

consumer_find_package() {
  install_prefix || return 1
  stage find_package
  cmake_app "$work/find_package" -DCMAKE_PREFIX_PATH="$work/prefix" || return 1
  # The same project asking for version 2 must be refused by the 1.x package (SameMajorVersion).
  sed -i 's/find_package(envguard 1 CONFIG REQUIRED)/find_package(envguard 2 CONFIG REQUIRED)/' \
      "$work/find_package/src/CMakeLists.txt"
  grep -q 'envguard 2 CONFIG' "$work/find_package/src/CMakeLists.txt" || fail "could not ask for version 2" || return 1
  if cmake -S "$work/find_package/src" -B "$work/find_package/build-v2" -G Ninja \
           -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/find_package/v2.log" 2>&1; then
    fail "find_package(envguard 2) was accepted by a $version install"; return 1
  fi
  grep -q "version: $version" "$work/find_package/v2.log" ||
    { cat "$work/find_package/v2.log"; fail "find_package(envguard 2) failed, but not for the version"; return 1; }
  echo "  find_package(envguard 2 CONFIG REQUIRED): refused (installed: $version)"
}

consumer_add_subdirectory() {
  stage add_subdirectory
  mkdir -p "$work/add_subdirectory/src/external" && ln -s "$root" "$work/add_subdirectory/src/external/envguard"
  cmake_app "$work/add_subdirectory" && only_the_library "$work/add_subdirectory/build"
}

consumer_fetchcontent() {
  stage fetchcontent
  mkdir -p "$work/fetchcontent/src/third_party"
  # What a release tarball holds: the source tree, without build output or git metadata.
  tar -czf "$work/fetchcontent/src/third_party/envguard.tar.gz" --exclude=./build --exclude=./.git \
      --exclude='./build-*' --exclude=target --exclude=__pycache__ --transform 's,^\.,envguard,' . ||
    fail "could not make the tarball" || return 1
  cmake_app "$work/fetchcontent" && only_the_library "$work/fetchcontent/build"
}

consumer_pkg-config() {
  install_prefix || return 1
  stage pkg-config
  (cd "$work/pkg-config/src" && PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" sh -e build.sh) ||
    fail "pkg-config build failed" || return 1
  run_app "$work/pkg-config/src/app"
}

consumer_meson() {
  stage meson
  mkdir -p "$work/meson/src/subprojects" && ln -s "$root" "$work/meson/src/subprojects/envguard"
  # forcefallback: the subproject even where an envguard.pc is installed. CXX: never an sccache on PATH.
  CXX=c++ CXXFLAGS="$strict" meson setup --wrap-mode=forcefallback "$work/meson/build" "$work/meson/src" >"$work/meson/setup.log" 2>&1 ||
    { cat "$work/meson/setup.log"; fail "meson setup failed"; return 1; }
  grep -q "Executing subproject envguard" "$work/meson/setup.log" || fail "the subproject was not used" || return 1
  meson compile -C "$work/meson/build" >/dev/null || fail "meson compile failed" || return 1
  # envguard's own tests are not part of the consumer's build
  local targets
  targets=$(meson introspect --targets "$work/meson/build" |
            python3 -c 'import json,sys; print(" ".join(sorted(t["name"] for t in json.load(sys.stdin))))')
  [ "$targets" = "app" ] || fail "the Meson build has targets besides app: $targets" || return 1
  run_app "$work/meson/build/app"
}

consumer_single_header() {
  stage single_header
  # Only the one generated file: the split headers in include/ cannot be used by accident.
  mkdir -p "$work/single_header/src/single_include/envguard"
  cp single_include/envguard/envguard.hpp "$work/single_header/src/single_include/envguard/"
  (cd "$work/single_header/src" && sh -e build.sh) || fail "single-header build failed" || return 1
  run_app "$work/single_header/src/app"
}

mkdir -p "$work"
rm -rf "$work/prefix"
status=0
for kind in "${kinds[@]}"; do
  start=$SECONDS
  if "consumer_$kind"; then
    echo "consumer $kind: passed ($((SECONDS - start)) s)"
  else
    echo "consumer $kind: FAILED"
    status=1
  fi
done
exit $status
