#!/usr/bin/env bash
# The launcher against the real tools: rustup's cargo, Debian's sccache, a recording stand-in for
# cargo-llvm-cov, and a real coverage run (a test-only stand-in doing the work with llvm-22).
# Proves set-to-empty versus unset against cargo itself, not against our own reading of it.
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

# rustup installs cargo in ~/.cargo/bin, which a non-login shell (CI) may not have on PATH.
if ! command -v cargo >/dev/null 2>&1; then
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi
command -v cargo >/dev/null || { echo "cargo not found (install Rust with rustup)"; exit 1; }
export CARGO_NET_OFFLINE=true # nothing here needs the network
unset RUSTC_WRAPPER CARGO_INCREMENTAL CARGO_TARGET_DIR CARGO_BUILD_RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER

# new_crate DIR WRAPPER: a library crate with one test, whose .cargo/config.toml names WRAPPER.
new_crate() {
  mkdir -p "$1/src" "$1/.cargo"
  printf '[package]\nname = "scratch"\nversion = "0.1.0"\nedition = "2021"\n' > "$1/Cargo.toml"
  cat > "$1/src/lib.rs" <<'RS'
pub fn classify(n: i32) -> &'static str {
    if n < 0 {
        "negative"
    } else if n == 0 {
        "zero"
    } else {
        "positive"
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn positive() {
        assert_eq!(super::classify(5), "positive");
    }
}
RS
  printf '[build]\nrustc-wrapper = "%s"\n' "$2" > "$1/.cargo/config.toml"
}

echo "# set-to-empty versus unset, against real cargo (a logging wrapper in .cargo/config.toml)"
log=$scratch/wrapper.log
printf '#!/bin/sh\necho "$*" >> "%s"\nexec "$@"\n' "$log" > "$scratch/logwrap"
chmod +x "$scratch/logwrap"
crate=$scratch/crate
new_crate "$crate" "$scratch/logwrap"
cd "$crate"
: > "$log"
expect_status "cargo build under --profile coverage succeeds" 0 "$ENVGUARD" run --profile coverage -- cargo build
expect_eq "  ...and the configured wrapper is never called" 0 "$(wc -l < "$log")"
cargo clean -q
: > "$log"
expect_status "cargo build with RUSTC_WRAPPER unset (-u) succeeds" 0 "$ENVGUARD" run -u RUSTC_WRAPPER -- cargo build
calls=$(wc -l < "$log")
[ "$calls" -gt 0 ] && ok "  ...and the configured wrapper IS called ($calls calls): unset falls back to the config" \
  || fail "  ...the wrapper was not called with RUSTC_WRAPPER unset"

echo "# with CARGO_TARGET_DIR set in the parent, the coverage profile builds in the crate's own target/"
cargo clean -q
expect_status "build under --profile coverage with CARGO_TARGET_DIR=$scratch/shared" 0 \
  env CARGO_TARGET_DIR="$scratch/shared" "$ENVGUARD" run --profile coverage -- cargo build
[ -e "$crate/target/debug/libscratch.rlib" ] && ok "  ...the library is in the crate's target/" || fail "  ...no $crate/target/debug/libscratch.rlib"
[ ! -e "$scratch/shared" ] && ok "  ...and nothing went to the shared directory" || fail "  ...$scratch/shared was created"
expect_status "without the profile the same build goes to the shared directory (the check can fail)" 0 \
  env CARGO_TARGET_DIR="$scratch/shared" "$ENVGUARD" run -- cargo build
[ -e "$scratch/shared/debug/libscratch.rlib" ] && ok "  ...it did" || fail "  ...it did not"

echo "# Debian's real sccache as the configured wrapper"
export SCCACHE_DIR=$scratch/sccache-cache
export SCCACHE_SERVER_PORT=$((20000 + RANDOM % 20000))
cleanup_hooks+=("sccache --stop-server >/dev/null 2>&1")
requests() { sccache --show-stats | awk '/^Compile requests[[:space:]]/ {print $NF; exit}'; }
sccrate=$scratch/sccache-crate
new_crate "$sccrate" sccache
cd "$sccrate"
sccache --start-server >/dev/null 2>&1 || true
before=$(requests)
expect_status "plain cargo build through sccache succeeds" 0 "$ENVGUARD" run CARGO_INCREMENTAL=0 -- cargo build
plain=$(requests)
[ "$plain" -gt "$before" ] && ok "  ...and sccache's compile requests grow ($before -> $plain)" || fail "  ...sccache requests did not grow ($before -> $plain)"
cargo clean -q
expect_status "cargo build under --profile coverage succeeds" 0 "$ENVGUARD" run --profile coverage -- cargo build
expect_eq "  ...and sccache's compile requests stay put" "$plain" "$(requests)"

echo "# a recording stand-in for cargo-llvm-cov, reached through real cargo"
mkdir -p "$scratch/standin"
record=$scratch/record
cat > "$scratch/standin/cargo-llvm-cov" <<SH
#!/bin/sh
[ "\$1" = llvm-cov ] && shift
{ printf 'args:'; printf ' %s' "\$@"; printf '\n'
  printf 'env: %s|%s|%s\n' "\${RUSTC_WRAPPER+set}:[\$RUSTC_WRAPPER]" "\${CARGO_INCREMENTAL-unset}" "\${CARGO_TARGET_DIR-unset}"
} >> "$record"
SH
chmod +x "$scratch/standin/cargo-llvm-cov"
cd "$crate"
coverage() { # coverage ARGS...: runs envguard coverage from the users' situation, returns the record
  : > "$record"
  env PATH="$scratch/standin:$PATH" RUSTC_WRAPPER=sccache CARGO_INCREMENTAL=0 CARGO_TARGET_DIR=/shared/target \
    "$ENVGUARD" coverage "$@" > "$scratch/coverage.out" 2>&1
  local status=$?
  cat "$record"
  return $status
}
expected_env="env: set:[]|1|unset"
for pair in "html:--workspace --all-features --html" "open:--workspace --all-features --html --open" \
            "text:--workspace --all-features" "lcov:--workspace --all-features --lcov --output-path lcov.info" \
            "json:--workspace --all-features --json --output-path coverage.json" \
            "ci:--workspace --all-features --lcov --output-path lcov.info"; do
  mode=${pair%%:*}
  expect_eq "--mode $mode: exactly the design's arguments, RUSTC_WRAPPER present and empty, CARGO_INCREMENTAL=1, no CARGO_TARGET_DIR" \
    "$(printf 'args: %s\n%s' "${pair#*:}" "$expected_env")" "$(coverage --mode "$mode")"
done
expect_eq "-p a,b replaces --workspace" "$(printf 'args: -p a -p b --all-features --html\n%s' "$expected_env")" "$(coverage -p a,b)"
expect_eq "--exclude x" "$(printf 'args: --workspace --exclude x --all-features --html\n%s' "$expected_env")" "$(coverage --exclude x)"
expect_eq "--clean runs cargo llvm-cov clean --workspace first" \
  "$(printf 'args: clean --workspace\n%s\nargs: --workspace --all-features --lcov --output-path out.info\n%s' "$expected_env" "$expected_env")" \
  "$(coverage --mode lcov --clean --output-path out.info)"
expect_eq "arguments after -- are passed on" "$(printf 'args: --workspace --all-features --no-cfg-coverage\n%s' "$expected_env")" \
  "$(coverage --mode text -- --no-cfg-coverage)"

# fast: a workspace whose pyo3 crates (direct, and through another member) are excluded
ws=$scratch/ws
mkdir -p "$ws"/crates/{core,py,app,tools}/src
printf '[workspace]\nmembers = ["crates/*", "nested/*/impl"]\nresolver = "2"\n' > "$ws/Cargo.toml"
mkdir -p "$ws/nested/deep/impl/src"
printf '[package]\nname = "ws-deep"\nversion = "0.1.0"\n[dependencies]\npyo3 = "0.22"\n' > "$ws/nested/deep/impl/Cargo.toml"
printf '[package]\nname = "ws-core"\nversion = "0.1.0"\n' > "$ws/crates/core/Cargo.toml"
printf '[package]\nname = "ws-py"\nversion = "0.1.0"\n[dependencies]\npyo3 = { version = "0.22", features = ["extension-module"] }\nws-core = { path = "../core" }\n' > "$ws/crates/py/Cargo.toml"
printf '[package]\nname = "ws-app"\nversion = "0.1.0"\n[dependencies]\nws-py = { path = "../py" }\n' > "$ws/crates/app/Cargo.toml"
printf '[package]\nname = "ws-tools"\nversion = "0.1.0"\n[target.'"'"'cfg(unix)'"'"'.dev-dependencies]\nws-core = { path = "../core" }\n' > "$ws/crates/tools/Cargo.toml"
cd "$ws/crates/core"
expect_eq "--mode fast excludes the crates that depend on pyo3, found from the Cargo.toml files (globs in any component)" \
  "$(printf 'args: --workspace --exclude ws-app --exclude ws-py --exclude ws-deep --all-features --html\n%s' "$expected_env")" "$(coverage --mode fast)"
expect_eq "--mode fast --exclude uses the crates given instead" \
  "$(printf 'args: --workspace --exclude ws-tools --all-features --html\n%s' "$expected_env")" "$(coverage --mode fast --exclude ws-tools)"
printf '[package\nname = "broken"\n' > "$ws/crates/tools/Cargo.toml"
expect_status "a malformed Cargo.toml is exit 125" 125 "$ENVGUARD" coverage --mode fast --dry-run
expect_contains "  ...and the message names the file, line and column" "$ws/crates/tools/Cargo.toml:1:" "$out"

echo "# the launcher never writes its own environment (an LD_PRELOAD spy logs setenv/unsetenv/putenv/clearenv)"
spy_log=$scratch/spy.log
spy() { # spy TARGET COMMAND...: run COMMAND, logging TARGET's environment writes
  local target=$1
  shift
  env LD_PRELOAD="$ENVGUARD_SETENV_SPY" ENVGUARD_SPY_LOG="$spy_log" ENVGUARD_SPY_TARGET="$target" "$@"
}
: > "$spy_log"
spy "$ENVGUARD_SPY_CONTROL" "$ENVGUARD_SPY_CONTROL" >/dev/null
[ -s "$spy_log" ] && ok "control: the spy sees a program that does change its environment ($(wc -l < "$spy_log") calls)" \
  || fail "control: the spy saw nothing from $ENVGUARD_SPY_CONTROL"
cd "$crate"
: > "$spy_log"
: > "$record"
spy "$ENVGUARD" env PATH="$scratch/standin:$PATH" RUSTC_WRAPPER=sccache CARGO_TARGET_DIR=/shared "$ENVGUARD" coverage --mode lcov --clean >/dev/null 2>&1
expect_eq "  ...(and the stand-in was really run)" 2 "$(grep -c '^args:' "$record")"
spy "$ENVGUARD" "$ENVGUARD" run --profile coverage -u HOME A= --prepend-path PATH=/x -- true
expect_eq "envguard coverage and envguard run made no environment write" "" "$(cat "$spy_log")"

cd "$crate"
expect_status "cargo-llvm-cov not installed: exit 127" 127 env CARGO_HOME="$scratch/no-cargo-home" "$ENVGUARD" coverage --mode html
expect_contains "  ...saying how to install it" "cargo install cargo-llvm-cov" "$out"

echo "# the whole seed scenario for real: lcov.info from an instrumented build, sccache bypassed"
covcrate=$scratch/cov-crate
new_crate "$covcrate" sccache
mkdir -p "$scratch/fake"
cp "$here/fake-cargo-llvm-cov" "$scratch/fake/cargo-llvm-cov"
cd "$covcrate"
before=$(requests)
expect_status "envguard coverage --mode lcov succeeds (RUSTC_WRAPPER=sccache, CARGO_TARGET_DIR set in the parent)" 0 \
  env PATH="$scratch/fake:$PATH" RUSTC_WRAPPER=sccache CARGO_TARGET_DIR="$scratch/shared2" "$ENVGUARD" coverage --mode lcov
[ -s "$covcrate/lcov.info" ] && ok "  ...lcov.info was written" || fail "  ...no lcov.info" "$out"
lines_hit=$(awk -F: '/^SF:/ {f = ($2 ~ /src\/lib\.rs$/)} f && /^LH:/ {print $2; exit}' "$covcrate/lcov.info" 2>/dev/null)
[ "${lines_hit:-0}" -gt 0 ] && ok "  ...with non-zero line coverage of src/lib.rs (LH:$lines_hit)" || fail "  ...no covered lines of src/lib.rs" "$(head -20 "$covcrate/lcov.info" 2>/dev/null)"
expect_eq "  ...and sccache was bypassed (compile requests unchanged)" "$before" "$(requests)"
[ -d "$covcrate/target/llvm-cov-target" ] && [ ! -e "$scratch/shared2" ] && ok "  ...built in the crate's own target/" || fail "  ...not built in the crate's target/"

finish
