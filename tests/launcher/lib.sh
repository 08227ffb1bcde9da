# Shared helpers for the launcher's end-to-end tests (sourced).
# Each check prints "ok" or "FAIL" with a reason; the file ends with "N passed, M failed".
set -u
ENVGUARD=${ENVGUARD:?set ENVGUARD to the launcher binary}
passes=0
failures=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/envguard-e2e.XXXXXX")
cleanup_hooks=()
cleanup() {
  local hook
  for hook in "${cleanup_hooks[@]+"${cleanup_hooks[@]}"}"; do eval "$hook" || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

ok() { passes=$((passes + 1)); echo "ok   - $1"; }
fail() { failures=$((failures + 1)); echo "FAIL - $1"; [ $# -gt 1 ] && printf '       %s\n' "${@:2}"; return 0; }

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
  if [ "$2" == "$3" ]; then ok "$1"; else fail "$1" "expected: $2" "actual:   $3"; fi
}
# expect_status DESCRIPTION STATUS COMMAND...   (output kept in $out)
expect_status() {
  local description=$1 expected=$2
  shift 2
  out=$("$@" 2>&1)
  local status=$?
  if [ "$status" -eq "$expected" ]; then ok "$description"; else fail "$description" "expected exit $expected, got $status" "output: $out"; fi
}
expect_contains() { # DESCRIPTION NEEDLE HAYSTACK
  case "$3" in *"$2"*) ok "$1" ;; *) fail "$1" "missing: $2" "in: $3" ;; esac
}

finish() {
  echo
  echo "$(basename "$0" .sh): ${passes} passed, ${failures} failed"
  [ "$failures" -eq 0 ]
}
