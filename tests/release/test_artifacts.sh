#!/usr/bin/env bash
# Tests what tools/release.sh put in build/release/ the way a user gets each file: from the file alone,
# in an empty directory, with nothing of the source tree or the build on PATH.
#   - SHA256SUMS checks every file;
#   - the Linux tarball, unpacked into an empty directory and into a prefix (--strip-components=1), runs
#     under `env -i`: --version, NAME= sets to empty, the seed scenario's dry run; man page and completion;
#     the launcher needs only libc (and libm), its glibc floor is what it says, it is under 8 MB;
#   - the Windows zip, unpacked, envguard.exe run under wine from `cmd /c`: --version, the dry run, and
#     `envguard run RUSTC_WRAPPER= -- cmd /c set RUSTC_WRAPPER` printing `RUSTC_WRAPPER=`;
#   - the Linux wheel pip-installed into a fresh venv from the file alone (no index), run, uninstalled;
#     `twine check` on both wheels, `auditwheel show` agreeing with the Linux wheel's tag;
#   - the win_amd64 wheel installed by pip for Windows (--platform win_amd64 --target) and its
#     envguard.exe run under wine; it is the zip's envguard.exe, byte for byte;
#   - the Debian package's fields, and its launcher extracted and run.
# Usage: tests/release/test_artifacts.sh   (after tools/release.sh)
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
release=$root/build/release
work=$root/build/release-test/artifacts
version=$(sed -n 's/^#define ENVGUARD_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' include/envguard/version.hpp | paste -sd.)
tools/install_deps.sh wine g++-mingw-w64-x86-64-posix man-db groff-base python3-venv unzip >&2 || exit 1
venv=$(bash tools/release_tools.sh) || exit 1
failures=0
ok() { echo "ok   - $1"; }
fail() { failures=$((failures + 1)); echo "FAIL - $1"; [ $# -gt 1 ] && printf '       %s\n' "${@:2}"; return 0; }
check() { # DESCRIPTION EXPECTED ACTUAL
  [ "$2" = "$3" ] && ok "$1" || fail "$1" "expected: $2" "got:      $3"
}
rm -rf "$work" && mkdir -p "$work"
export WINEDEBUG=-all

tarball=$release/envguard-$version-linux-x86_64.tar.gz
zip=$release/envguard-$version-windows-x86_64.zip
deb=$release/envguard_${version}_amd64.deb
linux_wheel=$(ls "$release"/envguard_cli-"$version"-py3-none-manylinux_*_x86_64.whl 2>/dev/null)
windows_wheel=$release/envguard_cli-$version-py3-none-win_amd64.whl
for f in "$tarball" "$zip" "$deb" "$linux_wheel" "$windows_wheel" "$release/SHA256SUMS"; do
  [ -n "$f" ] && [ -f "$f" ] || { echo "test_artifacts: missing ${f:-the manylinux wheel} (run tools/release.sh)" >&2; exit 1; }
done
[ "$(ls "$release" | wc -l)" -eq 6 ] && ok "build/release holds the 6 files: $(ls "$release" | paste -sd' ')" ||
  fail "build/release holds other files" "$(ls "$release")"
out=$(cd "$release" && sha256sum -c SHA256SUMS 2>&1)
[ $? -eq 0 ] && [ "$(grep -c ': OK$' <<<"$out")" -eq 5 ] && ok "sha256sum -c SHA256SUMS: 5 files OK" || fail "sha256sum -c SHA256SUMS" "$out"

# The seed scenario's dry run: the coverage profile as the launcher shows it before running anything.
# CARGO_TARGET_DIR is set beforehand (/tmp/shared-target, or C:\shared-target on Windows) to show it unset.
expect_dry_run() { # WHAT OUTPUT [HOW CARGO_TARGET_DIR IS SHOWN]
  local target=${3:-'"/tmp/shared-target"'}
  local expected=$'CARGO_INCREMENTAL: unset -> "1"\nCARGO_TARGET_DIR: '"$target"$' -> unset\nRUSTC_WRAPPER: unset -> "" (set to empty, not unset)\ncommand: cargo llvm-cov'
  check "$1: envguard run --profile coverage --dry-run -- cargo llvm-cov" "$expected" "${2//$'\r'/}"
}

# ---- Linux tarball
echo "# $(basename "$tarball")"
mkdir -p "$work/tarball" && tar -xzf "$tarball" -C "$work/tarball"
top=$(ls "$work/tarball")
check "the tarball has one top directory" "envguard-$version-linux-x86_64" "$top"
exe=$work/tarball/$top/bin/envguard
for f in bin/envguard share/man/man1/envguard.1 share/bash-completion/completions/envguard share/doc/envguard/README.md share/doc/envguard/CONTRIBUTING.md share/doc/envguard/docs/install.md share/doc/envguard/LICENSE; do
  [ -f "$work/tarball/$top/$f" ] && ok "the tarball holds $top/$f" || fail "the tarball lacks $top/$f"
done
check "env -i bin/envguard --version" "envguard $version" "$(cd "$work/tarball" && env -i "$exe" --version 2>&1)"
check "env -i bin/envguard run RUSTC_WRAPPER= -- /bin/sh -c ... (set to empty)" "set:[]" \
  "$(env -i "$exe" run RUSTC_WRAPPER= -- /bin/sh -c 'printf %s "${RUSTC_WRAPPER+set}:[$RUSTC_WRAPPER]"' 2>&1)"
expect_dry_run "tarball, env -i" "$(cd "$work/tarball" && env -i CARGO_TARGET_DIR=/tmp/shared-target "$exe" run --profile coverage --dry-run -- cargo llvm-cov 2>&1)"
objdump -p "$exe" | grep -q 'NEEDED.*libstdc++\|NEEDED.*libgcc_s' && fail "the launcher loads libstdc++ or libgcc_s" ||
  ok "the launcher needs only $(objdump -p "$exe" | awk '/NEEDED/ {print $2}' | paste -sd' ') (libstdc++ and libgcc static)"
objdump -h "$exe" | grep -q '\.debug_\|\.symtab' && fail "the launcher is not stripped" || ok "the launcher is stripped"
size=$(stat -c %s "$exe")
[ "$size" -lt $((8 * 1024 * 1024)) ] && ok "the Linux launcher is $size bytes (< 8 MB)" || fail "the Linux launcher is $size bytes (>= 8 MB)"
floor=$(objdump -T "$exe" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
here=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
[ "$(printf '%s\n' "$floor" "$here" | sort -V | tail -1)" = "$here" ] &&
  ok "glibc floor $floor (highest GLIBC symbol version), this machine has $here" || fail "glibc floor $floor above this machine's $here"
grep -q "glibc $floor or later" build/release-work/summary.md && ok "summary.md states the glibc floor $floor" ||
  fail "summary.md does not state glibc $floor" "$(cat build/release-work/summary.md)"
# As docs/install.md says: unpacked into a prefix whose bin/ is on PATH.
mkdir -p "$work/prefix" && tar -xzf "$tarball" -C "$work/prefix" --strip-components=1
check "tar -xzf ... -C PREFIX --strip-components=1: envguard on PATH" "envguard $version" \
  "$(env -i PATH="$work/prefix/bin:/usr/bin:/bin" envguard --version 2>&1)"
out=$(MANWIDTH=100 man -l "$work/prefix/share/man/man1/envguard.1" 2>&1 | sed 's/.\x08//g')
[[ $out == *"envguard - run commands with an exact environment"* ]] && ok "man -l share/man/man1/envguard.1 shows the page" ||
  fail "man -l share/man/man1/envguard.1" "$(head -3 <<<"$out")"
out=$(env -i PATH="$work/prefix/bin:/usr/bin:/bin" bash -c "source '$work/prefix/share/bash-completion/completions/envguard' &&
  COMP_WORDS=(envguard coverage --mode ''); COMP_CWORD=3; COMP_LINE='envguard coverage --mode '; COMP_POINT=\${#COMP_LINE}; _envguard; echo \"\${COMPREPLY[*]}\"" 2>&1)
[[ $out == *"html open text lcov json fast ci"* ]] && ok "the bash completion completes --mode" || fail "the bash completion" "$out"

# ---- Windows zip, under wine
echo "# $(basename "$zip")"
mkdir -p "$work/zip" && (cd "$work/zip" && python3 -m zipfile -e "$zip" .)
wtop=envguard-$version-windows-x86_64
for f in envguard.exe README.md CONTRIBUTING.md docs/install.md LICENSE; do
  [ -f "$work/zip/$wtop/$f" ] && ok "the zip holds $wtop/$f" || fail "the zip lacks $wtop/$f"
done
wexe=$work/zip/$wtop/envguard.exe
dlls=$(x86_64-w64-mingw32-objdump -p "$wexe" | awk '/DLL Name:/ {print $3}' | paste -sd' ')
[[ " ${dlls^^} " != *" LIBSTDC++"* && " ${dlls^^} " != *" LIBGCC"* && " ${dlls^^} " != *" LIBWINPTHREAD"* ]] &&
  ok "envguard.exe imports only $dlls (static)" || fail "envguard.exe needs mingw DLLs" "$dlls"
size=$(stat -c %s "$wexe")
[ "$size" -lt $((8 * 1024 * 1024)) ] && ok "envguard.exe is $size bytes (< 8 MB)" || fail "envguard.exe is $size bytes (>= 8 MB)"
cmd_c() { # run `cmd /c ARGS...` under wine in the unpacked zip's directory, as a Windows user would
  (cd "$work/zip/$wtop" && wine cmd /c "$@" 2>&1 | tr -d '\r')
}
check "wine: cmd /c envguard.exe --version" "envguard $version" "$(cmd_c envguard.exe --version)"
check "wine: cmd /c envguard.exe run RUSTC_WRAPPER= -- cmd /c set RUSTC_WRAPPER" "RUSTC_WRAPPER=" \
  "$(cmd_c envguard.exe run RUSTC_WRAPPER= -- cmd /c set RUSTC_WRAPPER)"
expect_dry_run "zip, wine cmd /c" "$(CARGO_TARGET_DIR='C:\shared-target' cmd_c envguard.exe run --profile coverage --dry-run -- cargo llvm-cov)" \
  '"C:\\shared-target"'

# ---- Wheels: metadata and tags
echo "# wheels"
out=$("$venv/bin/twine" check --strict "$linux_wheel" "$windows_wheel" 2>&1 | sed 's/\x1b\[[0-9;]*m//g')
[ "$(grep -c 'PASSED' <<<"$out")" -eq 2 ] && ok "twine check --strict: both wheels PASSED" || fail "twine check" "$out"
tag=$(basename "$linux_wheel" .whl | sed 's/^envguard_cli-[^-]*-py3-none-//')
out=$(PATH="$venv/bin:$PATH" auditwheel show "$linux_wheel" 2>&1)
[[ $(tr '\n' ' ' <<<"$out") == *"consistent with the following platform tag: \"$tag\""* ]] &&
  ok "auditwheel show: the Linux wheel is consistent with its tag $tag" || fail "auditwheel show does not give $tag" "$out"
check "the Linux wheel's tag comes from the glibc floor" "manylinux_${floor//./_}_x86_64" "$tag"
for whl in "$linux_wheel" "$windows_wheel"; do
  meta=$(python3 -m zipfile -l "$whl" >/dev/null && unzip -p "$whl" "envguard_cli-$version.dist-info/METADATA")
  [[ $meta == *$'\nName: envguard-cli\n'* && $meta == *$'\nVersion: '"$version"$'\n'* && $meta == *$'\nLicense-Expression: MIT\n'* ]] &&
    ok "$(basename "$whl"): METADATA Name envguard-cli, Version $version, License-Expression MIT" ||
    fail "$(basename "$whl"): METADATA" "$(head -12 <<<"$meta")"
done
check "the Linux wheel's launcher is the tarball's, byte for byte" "$(sha256sum <"$exe")" \
  "$(unzip -p "$linux_wheel" "envguard_cli-$version.data/scripts/envguard" | sha256sum)"
check "the win_amd64 wheel's envguard.exe is the zip's, byte for byte" "$(sha256sum <"$wexe")" \
  "$(unzip -p "$windows_wheel" "envguard_cli-$version.data/scripts/envguard.exe" | sha256sum)"

# The Linux wheel, as `pip install` of the file alone into a fresh venv gives it.
python3 -m venv "$work/venv"
if env -u PIP_FIND_LINKS "$work/venv/bin/pip" install --quiet --no-index --no-deps --disable-pip-version-check "$linux_wheel" >"$work/pip.log" 2>&1; then
  ok "pip install --no-index $(basename "$linux_wheel") into a fresh venv"
else
  fail "pip install of the Linux wheel" "$(cat "$work/pip.log")"
fi
[ -x "$work/venv/bin/envguard" ] && ok "the venv has bin/envguard, executable" || fail "no executable bin/envguard in the venv"
[ -f "$work/venv/share/man/man1/envguard.1" ] && ok "the venv has share/man/man1/envguard.1" || fail "no man page in the venv"
check "env -i PATH=venv/bin: envguard --version" "envguard $version" "$(env -i PATH="$work/venv/bin:/usr/bin:/bin" envguard --version 2>&1)"
expect_dry_run "Linux wheel in a venv, env -i" \
  "$(env -i PATH="$work/venv/bin:/usr/bin:/bin" CARGO_TARGET_DIR=/tmp/shared-target envguard run --profile coverage --dry-run -- cargo llvm-cov 2>&1)"
"$work/venv/bin/pip" uninstall --quiet --yes envguard-cli >/dev/null 2>&1 && [ ! -e "$work/venv/bin/envguard" ] &&
  ok "pip uninstall envguard-cli removes bin/envguard" || fail "pip uninstall envguard-cli"

# The win_amd64 wheel, as pip installs it for Windows (a pip on Linux can do that into a --target).
if env -u PIP_FIND_LINKS "$venv/bin/pip" install --quiet --no-index --no-deps --disable-pip-version-check \
     --platform win_amd64 --python-version 3.12 --only-binary=:all: --target "$work/win-target" "$windows_wheel" >"$work/pip-win.log" 2>&1; then
  ok "pip install --platform win_amd64 accepts $(basename "$windows_wheel")"
else
  fail "pip install --platform win_amd64" "$(cat "$work/pip-win.log")"
fi
if env -u PIP_FIND_LINKS "$venv/bin/pip" install --quiet --no-index --no-deps --disable-pip-version-check \
     --platform manylinux_2_17_x86_64 --python-version 3.12 --only-binary=:all: --target "$work/wrong-target" "$windows_wheel" >/dev/null 2>&1; then
  fail "pip installs the win_amd64 wheel for Linux too (wrong tag)"
else
  ok "pip refuses the win_amd64 wheel for a Linux platform"
fi
check "wine: the wheel's envguard.exe run RUSTC_WRAPPER= -- cmd /c set RUSTC_WRAPPER" "RUSTC_WRAPPER=" \
  "$(cd "$work/win-target/bin" 2>/dev/null && wine cmd /c envguard.exe run RUSTC_WRAPPER= -- cmd /c set RUSTC_WRAPPER 2>&1 | tr -d '\r')"

# ---- Debian package (tools/test_package.sh installs one and uses it from /usr; here: the release's file)
echo "# $(basename "$deb")"
check "the package's Version" "$version" "$(dpkg-deb -f "$deb" Version)"
[[ $(dpkg-deb -f "$deb" Depends) == libc6* ]] && ok "Depends: $(dpkg-deb -f "$deb" Depends)" || fail "Depends: $(dpkg-deb -f "$deb" Depends)"
[[ "$(dpkg-deb -f "$deb")" != *example.invalid* ]] && ok "no example.invalid placeholder in the control fields" ||
  fail "the control fields hold an example.invalid placeholder"
dpkg-deb -x "$deb" "$work/deb"
check "the package's usr/bin/envguard --version (env -i)" "envguard $version" "$(env -i "$work/deb/usr/bin/envguard" --version 2>&1)"
expect_dry_run "Debian package, env -i" \
  "$(env -i CARGO_TARGET_DIR=/tmp/shared-target "$work/deb/usr/bin/envguard" run --profile coverage --dry-run -- cargo llvm-cov 2>&1)"

# ---- The Installing section (docs/install.md) names this version's files
echo "# docs/install.md"
for name in "$(basename "$tarball")" "$(basename "$zip")" "$(basename "$deb")" "pipx install envguard-cli" "envguard/$version"; do
  grep -qF "$name" docs/install.md && ok "docs/install.md names $name" || fail "docs/install.md does not name $name (the Installing section is out of date)"
done

echo
echo "test_artifacts: $([ "$failures" -eq 0 ] && echo passed || echo "$failures FAILED")"
[ "$failures" -eq 0 ]
