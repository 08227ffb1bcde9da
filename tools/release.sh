#!/usr/bin/env bash
# Builds every release artifact of the current version (include/envguard/version.hpp) into build/release/:
#   envguard-<v>-linux-x86_64.tar.gz     bin/envguard (static libstdc++/libgcc, stripped), its man page and
#                                        bash completion under share/, README.md, CONTRIBUTING.md, docs/*.md
#                                        and LICENSE under share/doc/envguard/; unpack with --strip-components=1 into a prefix
#   envguard-<v>-windows-x86_64.zip      envguard.exe (mingw-w64, static, stripped), README.md, CONTRIBUTING.md, docs/*.md, LICENSE
#   envguard_<v>_amd64.deb               the Debian package (CPack; headers, CMake and pkg-config files, launcher)
#   envguard_cli-<v>-py3-none-manylinux_2_<N>_x86_64.whl   the Linux launcher as a wheel (scikit-build-core
#                                        through the project's CMake, then `auditwheel repair` for the tag)
#   envguard_cli-<v>-py3-none-win_amd64.whl                 envguard.exe as a wheel (the same bytes as the zip's)
#   SHA256SUMS                           `sha256sum -c SHA256SUMS` checks them all
# and prints each one's size, the launchers' sizes (each must stay under 8 MB) and the oldest glibc the
# Linux launcher runs on (the highest GLIBC_x.y symbol version it needs); build/release-work/summary.md
# says the same for a release page. The Python tools come pinned from PyPI (tools/release_tools.sh).
#
# Usage: tools/release.sh [--linux-build DIR] [--windows-build DIR]
#   Without options it configures and builds the launcher itself, Release, in build/release-work/linux and
#   build/release-work/windows (mingw-w64). --linux-build / --windows-build take an existing top-level
#   build of this source tree with the launcher built (tools/run_tests.sh passes its g++ C++17 and
#   mingw-w64 builds), so nothing is compiled twice.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

linux_build=""
windows_build=""
while [ $# -gt 0 ]; do
  case $1 in
    --linux-build) linux_build=${2:?--linux-build needs a directory}; shift 2 ;;
    --windows-build) windows_build=${2:?--windows-build needs a directory}; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "release: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "release: $*" >&2; exit 1; }
tools/install_deps.sh g++-mingw-w64-x86-64-posix help2man dpkg-dev python3-venv >&2

version=$(sed -n 's/^#define ENVGUARD_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' include/envguard/version.hpp | paste -sd.)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "cannot read the version from include/envguard/version.hpp"
out=$root/build/release
work=$root/build/release-work
max_launcher_bytes=$((8 * 1024 * 1024))
# Archive timestamps: the last commit's, so that two runs on one commit give the same tarball and zip.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
rm -rf "$out" "$work/stage" "$work/wheels" "$work/deb"
mkdir -p "$out" "$work/stage" "$work/wheels"
venv=$(bash tools/release_tools.sh)

cache_value() { sed -n "s/^$2:[A-Z]*=//p" "$1/CMakeCache.txt"; }
check_build() { # DIR what: a configured top-level build of this tree, without sanitizers
  [ -f "$1/CMakeCache.txt" ] || die "$1 is not a CMake build directory"
  [ "$(cache_value "$1" CMAKE_HOME_DIRECTORY)" = "$root" ] || die "$1 is a build of $(cache_value "$1" CMAKE_HOME_DIRECTORY), not of $root"
  case $(cache_value "$1" ENVGUARD_SANITIZE)$(cache_value "$1" ENVGUARD_TSAN) in
    *ON*) die "$1 is a sanitizer build: not for release" ;;
  esac
}

# ---- The launchers
if [ -z "$linux_build" ]; then
  linux_build=$work/linux
  echo "release: building the Linux launcher in $linux_build" >&2
  cmake -S . -B "$linux_build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DENVGUARD_BUILD_TESTS=OFF \
        -DENVGUARD_BUILD_EXAMPLES=OFF -DENVGUARD_MAN_PAGE=ON >/dev/null
  cmake --build "$linux_build" -j2 --target envguard_launcher >&2
fi
linux_build=$(cd "$linux_build" && pwd)
check_build "$linux_build"
[ -z "$(cache_value "$linux_build" CMAKE_TOOLCHAIN_FILE)" ] || die "$linux_build is a cross build"
[ -x "$linux_build/launcher/envguard" ] || die "no launcher in $linux_build/launcher/envguard (build it first)"
[ -f "$linux_build/launcher/envguard.1" ] || die "no man page in $linux_build/launcher (help2man, -DENVGUARD_MAN_PAGE=ON)"

if [ -z "$windows_build" ]; then
  windows_build=$work/windows
  echo "release: building the Windows launcher (mingw-w64) in $windows_build" >&2
  cmake -S . -B "$windows_build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake \
        -DENVGUARD_BUILD_TESTS=OFF -DENVGUARD_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$windows_build" -j2 --target envguard_launcher >&2
fi
windows_build=$(cd "$windows_build" && pwd)
check_build "$windows_build"
[ -f "$windows_build/launcher/envguard.exe" ] || die "no envguard.exe in $windows_build/launcher (build it first)"

# ---- Linux tarball
linux_name=envguard-$version-linux-x86_64
stage=$work/stage/$linux_name
mkdir -p "$stage/bin" "$stage/share/man/man1" "$stage/share/bash-completion/completions" "$stage/share/doc/envguard"
strip --strip-all -o "$stage/bin/envguard" "$linux_build/launcher/envguard"
cp "$linux_build/launcher/envguard.1" "$stage/share/man/man1/envguard.1"
cp launcher/completion/envguard.bash "$stage/share/bash-completion/completions/envguard"
cp README.md LICENSE "$stage/share/doc/envguard/"
mkdir -p "$stage/share/doc/envguard/docs" && cp CONTRIBUTING.md "$stage/share/doc/envguard/" && cp docs/*.md "$stage/share/doc/envguard/docs/"
chmod 755 "$stage/bin/envguard"
linux_exe=$stage/bin/envguard

file_format=$(objdump -f "$linux_exe" | sed -n 's/.*file format //p')
[ "$file_format" = elf64-x86-64 ] || die "the Linux launcher is $file_format, not elf64-x86-64"
needed=$(objdump -p "$linux_exe" | awk '/NEEDED/ {print $2}' | sort | paste -sd' ')
for lib in $needed; do
  case $lib in
    libc.so.6 | libm.so.6 | ld-linux-x86-64.so.2) ;;
    *) die "the Linux launcher needs $lib; a release launcher may only need libc and libm (static libstdc++/libgcc)" ;;
  esac
done
glibc_floor=$(objdump -T "$linux_exe" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
[ -n "$glibc_floor" ] || die "no GLIBC symbol versions in the Linux launcher"
tar --sort=name --owner=0 --group=0 --numeric-owner --mode='u+rwX,go+rX,go-w' --mtime="@$SOURCE_DATE_EPOCH" \
    -C "$work/stage" -cf - "$linux_name" | gzip -9n >"$out/$linux_name.tar.gz"

# ---- Windows zip
windows_name=envguard-$version-windows-x86_64
wstage=$work/stage/$windows_name
mkdir -p "$wstage"
x86_64-w64-mingw32-strip --strip-all -o "$wstage/envguard.exe" "$windows_build/launcher/envguard.exe"
cp README.md LICENSE "$wstage/"
mkdir -p "$wstage/docs" && cp CONTRIBUTING.md "$wstage/" && cp docs/*.md "$wstage/docs/"
windows_exe=$wstage/envguard.exe
file_format=$(x86_64-w64-mingw32-objdump -f "$windows_exe" | sed -n 's/.*file format //p')
[ "$file_format" = pei-x86-64 ] || die "envguard.exe is $file_format, not pei-x86-64"
dlls=$(x86_64-w64-mingw32-objdump -p "$windows_exe" | awk '/DLL Name:/ {print $3}' | sort -f | paste -sd' ')
for dll in $dlls; do
  case ${dll^^} in
    KERNEL32.DLL | MSVCRT.DLL | SHELL32.DLL | SHLWAPI.DLL | ADVAPI32.DLL | USER32.DLL | API-MS-WIN-*) ;;
    *) die "envguard.exe imports $dll: it must be static (only Windows' own DLLs)" ;;
  esac
done
"$venv/bin/python" - "$work/stage" "$windows_name" "$out/$windows_name.zip" <<'PY'
import os, sys, time, zipfile
base, name, target = sys.argv[1:]
stamp = time.gmtime(max(int(os.environ["SOURCE_DATE_EPOCH"]), 315532800))[:6]  # zip dates start in 1980
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    root = os.path.join(base, name)  # docs/ is a subdirectory: every file below root, sorted
    files = sorted(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/")
                   for d, _, names in os.walk(root) for f in names)
    for file in files:
        info = zipfile.ZipInfo(f"{name}/{file}", date_time=stamp)
        info.external_attr = (0o100755 if file.endswith(".exe") else 0o100644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(os.path.join(base, name, file), "rb") as data:
            archive.writestr(info, data.read())
PY

for exe in "$linux_exe" "$windows_exe"; do
  size=$(stat -c %s "$exe")
  [ "$size" -lt "$max_launcher_bytes" ] || die "$(basename "$exe") is $size bytes: over the 8 MB limit"
done

# ---- Debian package (CPack, from the Linux build: its install rules, stripped)
echo "release: the Debian package (cpack)" >&2
(cd "$linux_build" && cpack -G DEB -B "$work/deb" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log" >&2; die "cpack failed"; }
debs=("$work"/deb/envguard_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || die "cpack made no single envguard_*.deb in $work/deb"
cp "${debs[0]}" "$out/"

# ---- Wheels: scikit-build-core drives the project's CMake (cmake/wheel.cmake), which installs the
# stripped launchers above into the wheel's scripts.
build_wheel() { # NAME EXE [extra -C settings...]
  local name=$1 exe=$2
  shift 2
  echo "release: the $name wheel (scikit-build-core)" >&2
  "$venv/bin/python" -m build --wheel --no-isolation --outdir "$work/wheels/$name" \
    -C build-dir="$work/wheel-build/$name" -C cmake.define.ENVGUARD_WHEEL_LAUNCHER="$exe" "$@" . \
    >"$work/wheel-$name.log" 2>&1 || { cat "$work/wheel-$name.log" >&2; die "building the $name wheel failed"; }
}
build_wheel linux "$linux_exe" \
  -C cmake.define.ENVGUARD_WHEEL_MAN_PAGE="$stage/share/man/man1/envguard.1" \
  -C cmake.define.ENVGUARD_WHEEL_COMPLETION="$stage/share/bash-completion/completions/envguard"
# linux_x86_64 -> manylinux_2_N_x86_64: auditwheel reads the symbol versions and finds nothing to graft.
PATH="$venv/bin:$PATH" "$venv/bin/auditwheel" repair --wheel-dir "$out" "$work"/wheels/linux/*.whl \
  >"$work/auditwheel.log" 2>&1 || { cat "$work/auditwheel.log" >&2; die "auditwheel repair failed"; }
build_wheel windows "$windows_exe" -C wheel.tags=py3-none-win_amd64
cp "$work"/wheels/windows/*.whl "$out/"

# ---- Checksums and the summary
(cd "$out" && sha256sum -- * >SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
human() { numfmt --to=iec-i --suffix=B --format=%.1f "$1"; }
{
  echo "# envguard $version"
  echo
  echo "| file | size |"
  echo "|---|---|"
  for f in "$out"/*; do echo "| \`$(basename "$f")\` | $(human "$(stat -c %s "$f")") |"; done
  echo
  echo "The launchers: Linux \`envguard\` $(human "$(stat -c %s "$linux_exe")"), needs only ${needed// /, };"
  echo "Windows \`envguard.exe\` $(human "$(stat -c %s "$windows_exe")"), imports only ${dlls// /, }."
  echo "The Linux launcher needs glibc $glibc_floor or later (its highest GLIBC symbol version)."
  echo
  echo "Check the downloads with \`sha256sum -c SHA256SUMS\`."
} >"$work/summary.md"
cat "$work/summary.md"
echo "release: glibc floor $glibc_floor"
echo "release: $(ls "$out" | wc -l) files in build/release/"
