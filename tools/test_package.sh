#!/usr/bin/env bash
# Builds the Debian package with CPack, installs it on this machine with apt-get (into /usr), checks
# what it installed (envguard --version from /usr/bin, a find_package and a pkg-config consumer built
# against /usr, the man page, the bash completion), then removes it and checks that every file is gone.
# Needs root or sudo (apt-get, /usr). Refuses to run when an envguard package or /usr/bin/envguard is already
# there, so that it never removes something it did not install.
# Usage: tools/test_package.sh [BUILD_DIR]   (a configured and built top-level build of envguard with the
#        launcher; default: configures and builds build/deb, Release, without tests and examples)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/build/package-test
version=$(sed -n 's/^#define ENVGUARD_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
          include/envguard/version.hpp | paste -sd.)
failures=0
ok() { echo "ok   - $1"; }
fail() { failures=$((failures + 1)); echo "FAIL - $1"; [ $# -gt 1 ] && printf '       %s\n' "${@:2}"; return 0; }

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "test_package: needs root or sudo (apt-get install into /usr)" >&2; exit 1; }
  as_root=(sudo DEBIAN_FRONTEND=noninteractive)
fi
if dpkg-query -W -f='${Status}' envguard 2>/dev/null | grep -q installed || [ -e /usr/bin/envguard ]; then
  echo "test_package: envguard is already installed here; remove it first (this test installs and removes it)" >&2
  exit 1
fi

build=${1:-}
if [ -z "$build" ]; then
  build=build/deb
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DENVGUARD_BUILD_TESTS=OFF \
        -DENVGUARD_BUILD_EXAMPLES=OFF -DENVGUARD_MAN_PAGE=ON >/dev/null &&
    cmake --build "$build" -j2 >/dev/null || { echo "test_package: building $build failed" >&2; exit 1; }
fi
rm -rf "$work" && mkdir -p "$work"
rm -f "$build"/envguard_*.deb
(cd "$build" && cpack -G DEB >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; echo "test_package: cpack failed" >&2; exit 1; }
deb=$(ls "$root/$build"/envguard_*.deb 2>/dev/null || ls "$build"/envguard_*.deb)
[ -f "$deb" ] || { echo "test_package: no envguard_*.deb in $build" >&2; exit 1; }
echo "# $(basename "$deb")"

# The control fields
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = envguard ] && ok "Package: envguard" || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] && ok "Version: $version (version.hpp)" || fail "Version: $(field Version), expected $version"
depends=$(field Depends)
# Every package that holds a shared library the launcher loads must be a dependency (which ones
# depends on how it is linked: fmt and toml++ header-only and libstdc++ static leave only libc6).
needed_packages() {
  local lib path
  for lib in $(objdump -p "$build/launcher/envguard" | awk '/NEEDED/ {print $2}'); do
    path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')
    [ -n "$path" ] || { echo "?$lib"; continue; }
    { dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null || echo "?$lib:"; } | head -1 | cut -d: -f1
  done | sort -u
}
packages=$(needed_packages)
[ -n "$packages" ] && ok "the launcher's shared libraries come from: $(echo $packages)" || fail "no NEEDED libraries found in $build/launcher/envguard"
for pkg in libc6 $packages; do
  [[ $depends == *"$pkg "* || $depends == *"$pkg," || $depends == "$pkg" ]] && ok "Depends on $pkg (dpkg-shlibdeps)" ||
    fail "Depends lacks $pkg" "Depends: $depends"
done
[ -n "$(field Maintainer)" ] && [ -n "$(field Description)" ] && ok "Maintainer and Description set" || fail "Maintainer or Description missing"
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/envguard ./usr/include/envguard/envguard.hpp ./usr/share/cmake/envguard/envguardConfig.cmake \
         ./usr/share/cmake/envguard/envguardConfigVersion.cmake ./usr/share/pkgconfig/envguard.pc \
         ./usr/share/man/man1/envguard.1 ./usr/share/bash-completion/completions/envguard \
         ./usr/share/doc/envguard/LICENSE; do
  [[ $contents == *" $f"$'\n'* || $contents == *" $f" ]] && ok "the package holds ${f#.}" || fail "the package lacks ${f#.}"
done

remove() {
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get remove -y -qq envguard >"$work/remove.log" 2>&1
}
trap 'dpkg-query -W -f="\${Status}" envguard 2>/dev/null | grep -q "ok installed" && remove' EXIT

echo "# apt-get install $(basename "$deb")"
if ! DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "$deb" >"$work/install.log" 2>&1; then
  cat "$work/install.log"; fail "apt-get install failed"; exit 1
fi
ok "apt-get install ./$(basename "$deb")"
installed=$(dpkg -L envguard | while read -r f; do [ -f "$f" ] && echo "$f"; done)

out=$(/usr/bin/envguard --version 2>&1)
[ "$out" = "envguard $version" ] && ok "/usr/bin/envguard --version: $out" || fail "/usr/bin/envguard --version: $out"
out=$(/usr/bin/envguard run RUSTC_WRAPPER= -- sh -c 'printf %s "${RUSTC_WRAPPER+set}:[$RUSTC_WRAPPER]"' 2>&1)
[ "$out" = "set:[]" ] && ok "/usr/bin/envguard run RUSTC_WRAPPER= sets it to empty" || fail "envguard run RUSTC_WRAPPER=: $out"

# Consumers against /usr, with nothing but the defaults: no CMAKE_PREFIX_PATH, no PKG_CONFIG_PATH.
mkdir -p "$work/find_package" "$work/pkg-config"
cp tests/consumers/main.cpp tests/consumers/find_package/CMakeLists.txt "$work/find_package/"
if env -u CMAKE_PREFIX_PATH cmake -S "$work/find_package" -B "$work/find_package/build" -G Ninja >/dev/null 2>&1 &&
   cmake --build "$work/find_package/build" >/dev/null && out=$(env -u RUSTC_WRAPPER "$work/find_package/build/app"); then
  dir=$(sed -n 's/^envguard_DIR:PATH=//p' "$work/find_package/build/CMakeCache.txt")
  [ "$dir" = /usr/share/cmake/envguard ] && ok "find_package(envguard 1 CONFIG) found $dir; the program says: $out" ||
    fail "find_package found envguard in $dir, not /usr/share/cmake/envguard"
else
  fail "find_package consumer against /usr failed"
fi
cp tests/consumers/main.cpp tests/consumers/pkg-config/build.sh "$work/pkg-config/"
if (cd "$work/pkg-config" && env -u PKG_CONFIG_PATH sh -e build.sh) && out=$(env -u RUSTC_WRAPPER "$work/pkg-config/app"); then
  ok "pkg-config consumer: $(env -u PKG_CONFIG_PATH pkg-config --cflags --libs envguard); the program says: $out"
else
  fail "pkg-config consumer against /usr failed"
fi
[ "$(env -u PKG_CONFIG_PATH pkg-config --modversion envguard)" = "$version" ] && ok "pkg-config --modversion envguard: $version" ||
  fail "pkg-config --modversion envguard: $(pkg-config --modversion envguard)"

# The man page and the completion, where man and bash-completion look for them.
if grep -qs '^path-exclude=/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
  ok "man page not installed: this machine's dpkg excludes /usr/share/man (it is in the package, above)"
else
  [ "$(man -w envguard 2>&1)" = /usr/share/man/man1/envguard.1 ] && ok "man -w envguard: /usr/share/man/man1/envguard.1" ||
    fail "man -w envguard: $(man -w envguard 2>&1)"
  out=$(MANWIDTH=100 man -P cat envguard 2>&1 | sed 's/.\x08//g')
  [[ $out == *"envguard - run commands with an exact environment"* ]] && ok "man envguard shows the page" ||
    fail "man envguard" "$(printf '%s\n' "$out" | head -5)"
fi
completions=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null)
[ "$completions" = /usr/share/bash-completion/completions ] && [ -f "$completions/envguard" ] &&
  ok "completion installed in bash-completion's completionsdir ($completions)" || fail "no $completions/envguard"
out=$(bash -c 'source /usr/share/bash-completion/bash_completion && __load_completion envguard && complete -p envguard
               COMP_LINE="envguard coverage --mode "; COMP_POINT=${#COMP_LINE}; _envguard; echo "${COMPREPLY[*]}"' 2>&1)
[[ $out == *"-F _envguard envguard"*"html open text lcov json fast ci"* ]] &&
  ok "bash-completion loads it on demand and completes --mode" || fail "bash-completion did not load the completion" "$out"

echo "# apt-get remove envguard"
remove && ok "apt-get remove -y envguard" || { cat "$work/remove.log"; fail "apt-get remove failed"; }
dpkg-query -W -f='${Status}' envguard 2>/dev/null | grep -q "ok installed" && fail "envguard is still installed"
left=""
for f in $installed; do [ -e "$f" ] && left+=" $f"; done
[ -n "$installed" ] && [ -z "$left" ] && ok "all $(echo "$installed" | wc -l) installed files are gone" ||
  fail "files left after removal:$left"
[ ! -e /usr/include/envguard ] && [ ! -e /usr/share/cmake/envguard ] && ok "no /usr/include/envguard, no /usr/share/cmake/envguard" ||
  fail "directories left in /usr"

echo
echo "test_package: $([ "$failures" -eq 0 ] && echo passed || echo "$failures FAILED")"
[ "$failures" -eq 0 ]
