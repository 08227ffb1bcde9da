#!/usr/bin/env bash
# Installs the Debian packages that envguard's build, tests and examples need, if any is missing.
# Usage: tools/install_deps.sh [EXTRA-PACKAGE...]
set -euo pipefail

packages=(cmake ninja-build g++ clang doctest-dev meson python3 pkg-config
          libcli11-dev libfmt-dev libtomlplusplus-dev nlohmann-json3-dev "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install_deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install_deps: not root and no sudo: install these Debian packages first: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
