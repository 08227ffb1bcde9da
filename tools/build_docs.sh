#!/usr/bin/env bash
# Builds envguard's API reference with Doxygen into build/docs/html (open index.html). Fails on any
# Doxygen warning, such as an undocumented public member. Installs doxygen when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v doxygen >/dev/null || tools/install_deps.sh doxygen
rm -rf build/docs
mkdir -p build/docs
doxygen docs/Doxyfile
test -s build/docs/html/index.html
# The reference really covers the API: the main types have pages of their own.
for page in classenvguard_1_1v1_1_1ScopedEnv.html classenvguard_1_1v1_1_1EnvOverlay.html \
            classenvguard_1_1v1_1_1EnvSnapshot.html classenvguard_1_1v1_1_1NothrowScopedEnv.html; do
  test -s "build/docs/html/$page" || { echo "build_docs: build/docs/html/$page is missing" >&2; exit 1; }
done
# No graph was drawn: the reference must build on a machine without Graphviz (docs/Doxyfile says why).
if compgen -G "build/docs/html/*.map" >/dev/null || compgen -G "build/docs/html/*.dot" >/dev/null; then
  echo "build_docs: graph files in build/docs/html: the Doxyfile must not need Graphviz's dot" >&2
  exit 1
fi
echo "build_docs: build/docs/html/index.html"
