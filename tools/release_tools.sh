#!/usr/bin/env bash
# Prints the directory of a Python venv holding the release tools of packaging/release-tools.txt
# (scikit-build-core, build, twine, auditwheel, conan, check-jsonschema, ...), every version pinned,
# installed from PyPI. The venv lives in ~/.cache/envguard/ (or $ENVGUARD_CACHE) under a name made of the
# pin list's hash and the Python version, so it is made once and reused until either changes.
# Usage: venv=$(bash tools/release_tools.sh)   then "$venv/bin/python -m build", "$venv/bin/conan", ...
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
pins=packaging/release-tools.txt
key=$( { sha256sum "$pins" | cut -c1-16; "$python" -c 'import sys; print("py%d.%d" % sys.version_info[:2])'; } | paste -sd-)
cache=${ENVGUARD_CACHE:-$HOME/.cache/envguard}
venv=$cache/release-tools-$key
if [ ! -f "$venv/.complete" ]; then
  echo "release_tools: installing the pinned release tools into $venv (from PyPI)" >&2
  rm -rf "$venv"
  mkdir -p "$cache"
  "$python" -m venv "$venv" >&2
  # Only PyPI: no local wheel directories a machine may configure.
  PIP_FIND_LINKS= "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --requirement "$pins" >&2
  "$venv/bin/python" -m pip check >&2
  touch "$venv/.complete"
fi
echo "$venv"
