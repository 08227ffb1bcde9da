#!/usr/bin/env bash
# Issue #17's checks in one command: tools/release.sh builds every artifact into build/release/, then
# each is tested as a user gets it (test_artifacts.sh), the Conan recipe with `conan create` and a
# consumer (test_conan.sh), the GitHub Actions and GitLab CI snippets of docs/command.md are run in a scratch Rust
# workspace (test_ci_snippets.sh) and the workflows' YAML is checked (check_workflows.sh).
# Each part's time is printed. Arguments go to tools/release.sh (tools/run_tests.sh passes its g++
# C++17 and mingw-w64 builds: --linux-build build/ci-g++-cxx17 --windows-build build/windows-mingw).
# Usage: tests/release/run.sh [tools/release.sh options]
set -uo pipefail
cd "$(dirname "$0")/../.."
failed=()
part() {
  local name=$1 start=$SECONDS
  shift
  echo "## ${name}"
  if "$@"; then
    echo "## ${name}: passed ($((SECONDS - start)) s)"
  else
    echo "## ${name}: FAILED ($((SECONDS - start)) s)"
    failed+=("$name")
  fi
}
part "tools/release.sh" bash tools/release.sh "$@"
part "the artifacts as users get them" bash tests/release/test_artifacts.sh
part "the Conan recipe: conan create and a consumer" bash tests/release/test_conan.sh
part "the CI snippets of docs/command.md, run" bash tests/release/test_ci_snippets.sh
part "the workflows' YAML" bash tests/release/check_workflows.sh
[ ${#failed[@]} -eq 0 ] || { printf 'release tests FAILED: %s\n' "${failed[@]}"; exit 1; }
echo "release tests: all passed"
