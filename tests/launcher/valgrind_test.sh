#!/usr/bin/env bash
# The launcher's command-line and fault tests (cli_test.sh, fault_test.sh) with every envguard run
# under valgrind memcheck (--leak-check=full): any invalid read or write, use of uninitialised
# memory, or a definite, indirect or possible leak fails this test, with valgrind's report shown.
# `run` ends in execve: valgrind checks the launcher up to that point, and the command runs natively.
# Usage: ENVGUARD=path/to/envguard bash tests/launcher/valgrind_test.sh
set -uo pipefail
real=${ENVGUARD:?set ENVGUARD to the launcher binary}
valgrind=$(command -v valgrind) || { echo "valgrind_test: valgrind is not installed (Debian: valgrind)"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/envguard-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/logs"
cat > "$work/envguard" <<WRAPPER
#!/bin/sh
exec "$valgrind" -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
  --errors-for-leak-kinds=definite,indirect,possible --log-file="$work/logs/memcheck.%p.log" "$real" "\$@"
WRAPPER
chmod +x "$work/envguard"

status=0
for test in cli_test.sh fault_test.sh; do
  ENVGUARD=$work/envguard bash "$here/$test" > "$work/$test.out" 2>&1 || status=1
  tail -n 1 "$work/$test.out" | sed "s/^/$test under valgrind: /"
  [ "$status" -eq 0 ] || grep '^FAIL' -A2 "$work/$test.out"
done
runs=$(find "$work/logs" -name 'memcheck.*.log' | wc -l)
reports=0
for log in "$work"/logs/memcheck.*.log; do
  [ -s "$log" ] || continue
  reports=$((reports + 1))
  echo "--- valgrind report ($log):"
  cat "$log"
done
echo "valgrind_test: $runs launcher runs under memcheck, $reports with a report"
[ "$runs" -gt 0 ] || { echo "valgrind_test: valgrind never ran"; status=1; }
[ "$reports" -eq 0 ] || status=1
echo "RELIABILITY: valgrind.launcher cases=$runs result=$([ "$status" -eq 0 ] && echo pass || echo fail)"
if [ "$status" -eq 0 ]; then echo "valgrind_test: 1 passed, 0 failed"; else echo "valgrind_test: 0 passed, 1 failed"; fi
exit "$status"
