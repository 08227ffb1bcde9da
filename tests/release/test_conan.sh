#!/usr/bin/env bash
# The Conan 2 recipe (conanfile.py), as a Conan user meets it, with conan from PyPI (pinned,
# tools/release_tools.sh) and a fresh CONAN_HOME with a detected default profile and no remote at all,
# so that nothing can be downloaded:
#   - `conan create .` packages the headers and the project's CMake package, and builds and runs the test
#     package (packaging/conan/test_package: the find_package consumer and main.cpp of docs/install.md);
#   - the package holds what `cmake --install` installs (headers, envguardConfig.cmake and its version
#     file, envguard.pc) and one package serves every build type (header-only);
#   - a consumer as docs/install.md shows it (conanfile.txt, `conan install`, CMake with Conan's toolchain)
#     builds against it with find_package(envguard 1 CONFIG), finds the package's own envguardConfig.cmake,
#     and runs.
# Usage: tests/release/test_conan.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$root/build/release-test/conan
version=$(sed -n 's/^#define ENVGUARD_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' include/envguard/version.hpp | paste -sd.)
venv=$(bash tools/release_tools.sh) || exit 1
conan=$venv/bin/conan
failures=0
ok() { echo "ok   - $1"; }
fail() { failures=$((failures + 1)); echo "FAIL - $1"; [ $# -gt 1 ] && printf '       %s\n' "${@:2}"; return 0; }
rm -rf "$work" && mkdir -p "$work"
export CONAN_HOME=$work/conan-home
unset CMAKE_PREFIX_PATH PKG_CONFIG_PATH

echo "# $("$conan" --version)"
"$conan" profile detect >"$work/profile.log" 2>&1 && ok "conan profile detect: a default profile" || fail "conan profile detect" "$(cat "$work/profile.log")"
for remote in $("$conan" remote list --format=json 2>/dev/null | python3 -c 'import json,sys; print(" ".join(r["name"] for r in json.load(sys.stdin)))'); do
  "$conan" remote remove "$remote" >/dev/null
done
[ "$("$conan" remote list --format=json)" = "[]" ] && ok "no Conan remote configured (nothing can be downloaded)" || fail "Conan remotes left: $("$conan" remote list)"

# conan create, with the test package built and run in a scratch copy (it writes build folders).
mkdir -p "$work/test_package"
cp packaging/conan/test_package/conanfile.py tests/consumers/find_package/CMakeLists.txt tests/consumers/main.cpp "$work/test_package/"
before=$(git status --porcelain 2>/dev/null)
if "$conan" create . --test-folder "$work/test_package" >"$work/create.log" 2>&1; then
  ok "conan create . (envguard/$version)"
else
  fail "conan create ." "$(tail -30 "$work/create.log")"
fi
grep -q "envguard $version works" "$work/create.log" && ok "the test package built and ran: $(grep -o "envguard $version works" "$work/create.log" | head -1)" ||
  fail "the test package's program did not run" "$(tail -10 "$work/create.log")"
[ "$(git status --porcelain 2>/dev/null)" = "$before" ] && ok "conan create left the source tree as it was" || fail "conan create changed the source tree" "$(git status --porcelain)"

package=$("$conan" list "envguard/$version:*" --format=json 2>/dev/null | python3 -c '
import json, sys
data = json.load(sys.stdin)["Local Cache"]
revisions = data[next(iter(data))]["revisions"]
print(" ".join(pid for rev in revisions.values() for pid in rev.get("packages", {})))')
[ "$(wc -w <<<"$package")" -eq 1 ] && ok "one binary package: $package" || fail "packages: '$package'"
folder=$("$conan" cache path "envguard/$version:$package" 2>/dev/null)
for f in include/envguard/envguard.hpp include/envguard/version.hpp share/cmake/envguard/envguardConfig.cmake \
         share/cmake/envguard/envguardConfigVersion.cmake share/cmake/envguard/envguardTargets.cmake share/pkgconfig/envguard.pc share/doc/envguard/LICENSE; do
  [ -f "$folder/$f" ] && ok "the package holds $f" || fail "the package lacks $f (in ${folder:-?})"
done
[ ! -e "$folder/bin" ] && ok "no launcher or other binary in the library package" || fail "the package has a bin/"
debug_id=$("$conan" graph info --requires="envguard/$version" -s build_type=Debug --format=json 2>/dev/null | python3 -c '
import json, sys
nodes = json.load(sys.stdin)["graph"]["nodes"].values()
print(next(n["package_id"] for n in nodes if n["ref"].startswith("envguard/")))')
[ "$debug_id" = "$package" ] && ok "a Debug consumer gets the same package (header-only, package_id cleared)" ||
  fail "a Debug consumer gets package '$debug_id', not '$package'"

# A consumer as a user writes it: conanfile.txt, conan install, CMake with Conan's toolchain.
app=$work/consumer
mkdir -p "$app"
cp tests/consumers/find_package/CMakeLists.txt tests/consumers/main.cpp "$app/"
printf '[requires]\nenvguard/%s\n\n[generators]\nCMakeDeps\nCMakeToolchain\n' "$version" >"$app/conanfile.txt"
if (cd "$app" && "$conan" install . --output-folder=build >"$work/install.log" 2>&1 &&
    cmake -S . -B build -G Ninja -DCMAKE_TOOLCHAIN_FILE=build/conan_toolchain.cmake -DCMAKE_BUILD_TYPE=Release >"$work/configure.log" 2>&1 &&
    cmake --build build >"$work/build.log" 2>&1); then
  ok "conan install + cmake with conan_toolchain.cmake: the find_package consumer builds"
  dir=$(sed -n 's/^envguard_DIR:PATH=//p' "$app/build/CMakeCache.txt")
  [ "$dir" = "$folder/share/cmake/envguard" ] && ok "find_package(envguard 1 CONFIG) found the package's own envguardConfig.cmake" ||
    fail "find_package found envguard in '$dir', not in the Conan package $folder/share/cmake/envguard"
  out=$(env -u RUSTC_WRAPPER "$app/build/app" 2>&1)
  [ "$out" = "envguard $version works" ] && ok "the consumer runs: $out" || fail "the consumer says: $out"
else
  fail "the Conan consumer" "$(tail -20 "$work/install.log" "$work/configure.log" "$work/build.log" 2>/dev/null)"
fi

echo
echo "test_conan: $([ "$failures" -eq 0 ] && echo passed || echo "$failures FAILED")"
[ "$failures" -eq 0 ]
