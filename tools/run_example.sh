#!/usr/bin/env bash
# The main job: the envguard launcher on a real Rust project whose .cargo/config.toml sends every
# build through sccache (examples/sccache-project). A plain build goes through sccache and into the
# shared CARGO_TARGET_DIR; the same build under `envguard run --profile coverage` bypasses sccache
# (RUSTC_WRAPPER set to the empty string, not unset) and builds in the project's own target/.
# Installs what it needs (Debian packages; cargo comes from rustup in ~/.cargo/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

tools/install_deps.sh sccache
command -v cargo >/dev/null 2>&1 || export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
command -v cargo >/dev/null 2>&1 || { echo "run_example: cargo not found: install Rust with rustup" >&2; exit 1; }

cmake --preset dev -B build/example -DENVGUARD_BUILD_TESTS=OFF >/dev/null
cmake --build build/example --target envguard_launcher >/dev/null
envguard=$root/build/example/launcher/envguard

# A private sccache server and cache, and the users' shared target directory.
export SCCACHE_DIR=$root/build/example/sccache
export SCCACHE_SERVER_PORT=$((20000 + RANDOM % 20000))
shared=$root/build/example/shared-target
trap 'sccache --stop-server >/dev/null 2>&1 || true' EXIT
sccache --start-server >/dev/null 2>&1 || true
requests() { sccache --show-stats | awk '/^Compile requests[[:space:]]/ {print $NF; exit}'; }

cd examples/sccache-project
rm -rf target "$shared"
unset RUSTC_WRAPPER CARGO_INCREMENTAL
export CARGO_TARGET_DIR=$shared CARGO_NET_OFFLINE=true

echo "== The project's .cargo/config.toml sends builds through sccache; the shell has CARGO_TARGET_DIR=$shared"
echo
echo "== 1. Plain \`cargo build\`"
before=$(requests)
# CARGO_INCREMENTAL=0: a debug build is incremental by default, and sccache refuses to cache incremental
# builds; the plain build is meant to show sccache at work (its compile requests grow).
CARGO_INCREMENTAL=0 cargo build 2>&1 | sed 's/^/   /'
plain=$(requests)
echo "   sccache compile requests: $before -> $plain (the build went through sccache)"
echo "   built in: $(ls -d "$shared"/debug 2>/dev/null || echo '?')"
# Every file of the shared target directory with its size and modification time: the builds under
# envguard below must leave it exactly as the plain build left it.
fingerprint() { find "$shared" -printf '%P %s %T@\n' | sort | md5sum; }
shared_before=$(fingerprint)
echo
echo "== 2. What \`envguard run --profile coverage\` changes (--dry-run)"
"$envguard" run --profile coverage --dry-run -- cargo build | sed 's/^/   /'
echo
echo "== 3. \`envguard run --profile coverage -- cargo build\`"
"$envguard" run --profile coverage -- cargo build 2>&1 | sed 's/^/   /'
after=$(requests)
echo "   sccache compile requests: $plain -> $after ($([ "$after" = "$plain" ] && echo 'sccache bypassed' || echo 'NOT bypassed'))"
echo "   built in: $(ls -d "$PWD"/target/debug 2>/dev/null || echo '?') (the project's own target/)"
echo
echo "== 4. \`envguard run --profile coverage -- cargo test\`"
"$envguard" run --profile coverage -- cargo test 2>&1 | grep -E "^test |test result" | sed 's/^/   /'
echo
echo "== 5. \`envguard coverage --mode lcov --dry-run\`: what \`envguard coverage --mode lcov\` would run"
"$envguard" coverage --mode lcov --dry-run | sed 's/^/   /'
echo
echo "== 6. \`envguard check\` with CARGO_INCREMENTAL=1: the old guide's failing case, predicted"
echo "   (an error with sccache 0.5.1 and later; Debian 12's sccache 0.4 runs uncached, so a warning)"
CARGO_INCREMENTAL=1 "$envguard" check | sed 's/^/   /' || echo "   (exit status $?: an error-level finding)"
echo
echo "== 7. \`envguard check --profile coverage\` with CARGO_INCREMENTAL=1: the fix"
CARGO_INCREMENTAL=1 "$envguard" check --profile coverage | sed 's/^/   /'
echo
echo "== 8. What the child got, and the shell's own environment afterwards"
child_env=$("$envguard" run --profile coverage -- env)
child_value() { grep -m1 "^$1=" <<<"$child_env" | cut -d= -f2- || true; }
child_has() { grep -q "^$1=" <<<"$child_env"; }
echo "   child: RUSTC_WRAPPER=$(child_has RUSTC_WRAPPER && echo "\"$(child_value RUSTC_WRAPPER)\"" || echo '(unset)')" \
     "CARGO_TARGET_DIR=$(child_has CARGO_TARGET_DIR && echo "\"$(child_value CARGO_TARGET_DIR)\"" || echo '(unset)')" \
     "CARGO_INCREMENTAL=$(child_has CARGO_INCREMENTAL && echo "\"$(child_value CARGO_INCREMENTAL)\"" || echo '(unset)')"
echo "   shell: RUSTC_WRAPPER=${RUSTC_WRAPPER-(unset)} CARGO_TARGET_DIR=${CARGO_TARGET_DIR-(unset)} CARGO_INCREMENTAL=${CARGO_INCREMENTAL-(unset)}"
shared_after=$(fingerprint)
echo "   the shared target directory: $([ "$shared_after" = "$shared_before" ] && echo 'untouched since the plain build' || echo 'CHANGED')"

# The README's promises for this run, each checked: a failure names the one that broke.
failures=()
[ "$plain" != "$before" ] || failures+=("the plain build did not go through sccache (compile requests $before -> $plain)")
[ -d "$shared/debug" ] || failures+=("the plain build did not build in the shared target directory $shared")
[ "$after" = "$plain" ] || failures+=("the build under envguard went through sccache (compile requests $plain -> $after)")
[ -d target/debug ] || failures+=("the build under envguard did not build in the project's own target/")
[ "$shared_after" = "$shared_before" ] || failures+=("the builds under envguard changed the shared target directory $shared")
{ child_has RUSTC_WRAPPER && [ -z "$(child_value RUSTC_WRAPPER)" ]; } ||
    failures+=("the child did not get RUSTC_WRAPPER set to the empty string")
! child_has CARGO_TARGET_DIR || failures+=("the child got CARGO_TARGET_DIR (the profile unsets it)")
[ "$(child_value CARGO_INCREMENTAL)" = 1 ] || failures+=("the child did not get CARGO_INCREMENTAL=1")
[ "${CARGO_TARGET_DIR-}" = "$shared" ] && [ -z "${RUSTC_WRAPPER+set}" ] && [ -z "${CARGO_INCREMENTAL+set}" ] ||
    failures+=("the shell's own environment changed")
if [ ${#failures[@]} -gt 0 ]; then
    printf 'run_example: FAILED: %s\n' "${failures[@]}" >&2
    exit 1
fi
echo
echo "run_example: every promise above held"
