#!/usr/bin/env bash
# The launcher against the real tools: rustup's cargo, Debian's sccache, the real cargo-llvm-cov 0.9.1
# (tools/install_rust_tools.sh, cached) behind a script that records the arguments and environment
# envguard gives it, and a real coverage run with Debian's llvm-22 (LLVM_COV/LLVM_PROFDATA).
# Proves set-to-empty versus unset against cargo itself, not against our own reading of it.
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

# rustup installs cargo in ~/.cargo/bin, which a non-login shell (CI) may not have on PATH.
if ! command -v cargo >/dev/null 2>&1; then
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi
command -v cargo >/dev/null || { echo "cargo not found (install Rust with rustup)"; exit 1; }
# The real cargo-llvm-cov and llvm-22, installed once and cached by the project's script.
tool_vars=$(bash "$here/../../tools/install_rust_tools.sh") || { echo "tools/install_rust_tools.sh failed"; exit 1; }
while IFS='=' read -r name value; do printf -v "$name" '%s' "$value"; done <<< "$tool_vars"
export LLVM_COV LLVM_PROFDATA # rustc's LLVM major (Debian's llvm-22): no rustup llvm-tools component here
cov09=$ENVGUARD_LLVM_COV_09
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

echo "# the real cargo-llvm-cov 0.9.1, reached through real cargo, behind a script that records what it gets"
mkdir -p "$scratch/recording"
record=$scratch/record
cat > "$scratch/recording/cargo-llvm-cov" <<SH
#!/bin/sh
# records the arguments and the environment envguard gives cargo-llvm-cov, then runs the real one
[ "\$1 \$2" = "llvm-cov --version" ] && exec "$cov09" "\$@" # envguard's own version probe
[ "\$1" = llvm-cov ] && shift
{ printf 'args:'; printf ' %s' "\$@"; printf '\n'
  printf 'env: %s|%s|%s\n' "\${RUSTC_WRAPPER+set}:[\$RUSTC_WRAPPER]" "\${CARGO_INCREMENTAL-unset}" "\${CARGO_TARGET_DIR-unset}"
} >> "$record"
exec "$cov09" llvm-cov "\$@"
SH
chmod +x "$scratch/recording/cargo-llvm-cov"
cd "$crate"
coverage() { # coverage ARGS...: runs envguard coverage from the users' situation, returns the record
  : > "$record"
  env PATH="$scratch/recording:$PATH" RUSTC_WRAPPER=sccache CARGO_INCREMENTAL=0 CARGO_TARGET_DIR=/shared/target BROWSER=true \
    "$ENVGUARD" coverage "$@" > "$scratch/coverage.out" 2>&1
  local status=$?
  cat "$record"
  return $status
}
expected_env="env: set:[]|1|unset"
sort_excludes() { # the args line with its --exclude list sorted (cargo metadata's member order is cargo's)
  python3 -c '
import sys
for line in sys.stdin.read().split("\n"):
    if line.startswith("args:"):
        words = line.split()
        ex = sorted(words[i + 1] for i, w in enumerate(words) if w == "--exclude")
        rest = [w for i, w in enumerate(words) if w != "--exclude" and (i == 0 or words[i - 1] != "--exclude")]
        line = " ".join(rest[:2] + [x for e in ex for x in ("--exclude", e)] + rest[2:])
    print(line)' | sed '/^$/d'
}
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
for member in "$ws"/crates/* "$ws/nested/deep/impl"; do touch "$member/src/lib.rs"; done
cd "$ws/crates/core"
expect_eq "--mode fast excludes the crates that depend on pyo3, found from the Cargo.toml files (globs in any component)" \
  "$(printf 'args: --workspace --exclude ws-app --exclude ws-py --exclude ws-deep --all-features --html\n%s' "$expected_env")" "$(coverage --mode fast)"
expect_eq "--mode fast --exclude uses the crates given instead" \
  "$(printf 'args: --workspace --exclude ws-tools --all-features --html\n%s' "$expected_env")" "$(coverage --mode fast --exclude ws-tools)"
printf '[package\nname = "broken"\n' > "$ws/crates/tools/Cargo.toml"
expect_status "a malformed Cargo.toml is exit 125" 125 "$ENVGUARD" coverage --mode fast --dry-run
expect_contains "  ...and the message (cargo's own) names the file, line and column" "tools/Cargo.toml:1:9" "$out"

echo "# fast mode from cargo's own graph (cargo metadata): the workspace shapes of issue 15 item 1"
# pyo3 and numpy stand-ins as path crates outside the workspace (cargo resolves them offline, as it
# would resolve the registry's): numpy depends on pyo3, as the real one does.
shapes=$scratch/shapes
mkdir -p "$shapes"/vendor/{pyo3,numpy}/src "$shapes"/ws/crates/{core,py-inherit,bind-dir,via-bindings,via-numpy,renamed,cfgdep,devdep,optdep}/src
printf '[package]\nname = "pyo3"\nversion = "0.22.0"\nedition = "2021"\n' > "$shapes/vendor/pyo3/Cargo.toml"
printf '[package]\nname = "numpy"\nversion = "0.22.0"\nedition = "2021"\n[dependencies]\npyo3 = { path = "../pyo3" }\n' > "$shapes/vendor/numpy/Cargo.toml"
cat > "$shapes/ws/Cargo.toml" <<'TOML'
[workspace]
members = ["crates/*"]
resolver = "2"

[workspace.dependencies]
py = { package = "pyo3", path = "../vendor/pyo3" }
bindings = { path = "crates/bind-dir", package = "my-bindings" }
TOML
member() { # member DIR NAME DEPENDENCY-LINES...
  local dir=$1 name=$2
  shift 2
  { printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\n' "$name"; printf '%s\n' "$@"; } > "$shapes/ws/crates/$dir/Cargo.toml"
}
member core core
member py-inherit py-inherit '[dependencies]' 'py.workspace = true'
member bind-dir my-bindings '[dependencies]' 'core = { path = "../core" }' 'python = { package = "pyo3", path = "../../../vendor/pyo3" }'
member via-bindings via-bindings '[dependencies]' 'bindings.workspace = true'
member via-numpy via-numpy '[dependencies]' 'numpy = { path = "../../../vendor/numpy" }'
member renamed renamed '[dependencies]' 'snake = { package = "pyo3", path = "../../../vendor/pyo3" }'
member cfgdep cfgdep '[target.'"'cfg(unix)'"'.dependencies]' 'pyo3 = { path = "../../../vendor/pyo3" }'
member devdep devdep '[dev-dependencies]' 'pyo3 = { path = "../../../vendor/pyo3" }'
member optdep optdep '[dependencies]' 'pyo3 = { path = "../../../vendor/pyo3", optional = true }'
for dir in "$shapes"/vendor/*/src "$shapes"/ws/crates/*/src; do touch "$dir/lib.rs"; done
cd "$shapes/ws"
expected_fast='args: --workspace --exclude cfgdep --exclude devdep --exclude my-bindings --exclude optdep --exclude py-inherit --exclude renamed --exclude via-bindings --exclude via-numpy --all-features --html'
got=$(coverage --mode fast)
expect_eq "every pyo3 shape is excluded: inherited, renamed in the workspace, through a member, through numpy, cfg, dev, optional" \
  "$(printf '%s\n%s' "$expected_fast" "$expected_env")" "$(printf '%s' "$got" | sort_excludes)"
expect_contains "  ...and it says so" "excluding" "$(cat "$scratch/coverage.out")"
expect_eq "  ...core alone is left" "core" "$(cargo metadata --format-version 1 --no-deps --offline 2>/dev/null | python3 -c 'import json,sys; print(" ".join(sorted(p["name"] for p in json.load(sys.stdin)["packages"])))' | tr ' ' '\n' | grep -vxF -f <(printf '%s\n' cfgdep devdep my-bindings optdep py-inherit renamed via-bindings via-numpy))"
got=$(coverage --mode fast -p core,py-inherit)
expect_eq "fast with -p keeps the exclusion: the pyo3 packages given are left out (item 2)" \
  "$(printf 'args: -p core --all-features --html\n%s' "$expected_env")" "$got"
expect_contains "  ...and says so" "leaving out py-inherit (depending on pyo3)" "$(cat "$scratch/coverage.out")"
expect_status "fast with only pyo3 packages: exit 125" 125 env PATH="$scratch/recording:$PATH" "$ENVGUARD" coverage --mode fast -p renamed --dry-run
expect_contains "  ...saying why" "every package given depends on pyo3 (renamed)" "$out"
expect_status "without cargo on PATH, fast falls back to the manifests and says so" 0 \
  env PATH="$scratch/recording:/usr/bin:/bin" "$ENVGUARD" coverage --mode fast --dry-run
expect_contains "  ...(the message)" "reading the Cargo.toml files instead" "$out"
# every member depends on pyo3: a clear error, not cargo's "no packages to compile" (item 11)
mkdir -p "$shapes/allpy/a/src"
printf '[workspace]\nmembers = ["a"]\n' > "$shapes/allpy/Cargo.toml"
printf '[package]\nname = "a"\nversion = "0.1.0"\n[dependencies]\npyo3 = { path = "../../vendor/pyo3" }\n' > "$shapes/allpy/a/Cargo.toml"
touch "$shapes/allpy/a/src/lib.rs"
cd "$shapes/allpy"
expect_status "every member depends on pyo3: exit 125" 125 "$ENVGUARD" coverage --mode fast --dry-run
expect_contains "  ...saying so" "every workspace member depends on pyo3 (a)" "$out"
# manifests cargo cannot load (item 8)
mkdir -p "$shapes/broken-ws/crates/real/src" "$shapes/broken-ws/crates/empty"
printf '[workspace]\nmembers = ["crates/*"]\n' > "$shapes/broken-ws/Cargo.toml"
printf '[package]\nname = "real"\nversion = "0.1.0"\n' > "$shapes/broken-ws/crates/real/Cargo.toml"
touch "$shapes/broken-ws/crates/real/src/lib.rs"
cd "$shapes/broken-ws"
expect_status "a member glob that matches a directory with no Cargo.toml: fast is exit 125" 125 "$ENVGUARD" coverage --mode fast --dry-run
expect_contains "  ...with cargo's reason" "crates/empty" "$out"
expect_status "  ...and check says the build will fail (exit 1)" 1 "$ENVGUARD" check
expect_contains "  ...naming the member" "crates/empty (from \"crates/*\") has no Cargo.toml" "$out"
expect_status "  ...as cargo does" 101 cargo metadata --format-version 1 --offline
printf '[workspace]\nmembers = "crates/*"\n' > "$shapes/broken-ws/Cargo.toml"
expect_status "members as a string: check exit 1" 1 "$ENVGUARD" check
expect_contains "  ...saying members must be an array" "workspace.members must be an array" "$out"
expect_status "  ...fast exit 125" 125 "$ENVGUARD" coverage --mode fast --dry-run
expect_status "  ...as cargo refuses it" 101 cargo metadata --format-version 1 --offline

echo "# a workspace wrapper under coverage (items 3-5), with Debian's real sccache ($(sccache --version))"
wscrate=$scratch/ws-wrapper
new_crate "$wscrate" sccache
printf '[build]\nrustc-workspace-wrapper = "sccache"\n' > "$wscrate/.cargo/config.toml"
cd "$wscrate"
out=$("$ENVGUARD" coverage --dry-run 2>&1)
expect_contains "coverage empties RUSTC_WORKSPACE_WRAPPER when it is sccache" 'RUSTC_WORKSPACE_WRAPPER: unset -> "" (set to empty, not unset)' "$out"
expect_contains "  ...and says why" "cargo would still run sccache as the workspace wrapper" "$out"
before=$(requests)
expect_status "run --profile coverage -- cargo build succeeds" 0 "$ENVGUARD" run --profile coverage -- cargo build
expect_eq "  ...and sccache is not called (requests unchanged)" "$before" "$(requests)"
expect_status "check --profile coverage: the build will work" 0 "$ENVGUARD" check --profile coverage
expect_contains "  ...saying the profile empties the workspace wrapper" "RUSTC_WORKSPACE_WRAPPER is set to the empty string too" "$out"
out=$(env RUSTC_WORKSPACE_WRAPPER=sccache "$ENVGUARD" coverage --dry-run 2>&1)
expect_contains "RUSTC_WORKSPACE_WRAPPER=sccache in the environment: emptied too" 'RUSTC_WORKSPACE_WRAPPER: "sccache" -> "" (set to empty, not unset)' "$out"
out=$(env CARGO_INCREMENTAL=1 "$ENVGUARD" check)
expect_contains "check: this sccache ($(sccache --version)) is judged by its version on the workspace-wrapper path too (item 4)" "accepts without caching, but sccache 0.5.1 and later refuse" "$out"
printf '[build]\nrustc-wrapper = "%s"\nrustc-workspace-wrapper = "%s"\n' "$scratch/logwrap" "$scratch/logwrap" > "$wscrate/.cargo/config.toml"
out=$("$ENVGUARD" check)
expect_contains "check describes the two wrappers as nesting (item 5)" "workspace members are compiled as \`logwrap logwrap rustc …\` (the two nest)" "$out"
printf '[build]\nrustc-wrapper = "sccache"\n' > "$wscrate/.cargo/config.toml"
out=$(env CARGO_INCREMENTAL=0 "$ENVGUARD" check)
expect_eq "a healthy sccache project gets no warning for an ordinary build (item 14)" "" "$(printf '%s' "$out" | grep -E '^(warning|error):')"

echo "# the preflight (coverage and run --profile): a predicted failure stops before anything runs"
printf '[build]\nrustc-wrapper = "no-such-wrapper-xyz"\nrustc-workspace-wrapper = "no-such-wrapper-xyz"\n' > "$wscrate/.cargo/config.toml"
: > "$record"
expect_status "coverage with a workspace wrapper that does not exist: exit 125" 125 \
  env PATH="$scratch/recording:$PATH" "$ENVGUARD" coverage --mode lcov
expect_contains "  ...the finding" "cargo will try to run the wrapper \"no-such-wrapper-xyz\"" "$out"
expect_contains "  ...and the way out" "--no-preflight" "$out"
expect_eq "  ...nothing was run" "" "$(cat "$record")"
expect_status "  ...a dry run says the same: exit 125" 125 "$ENVGUARD" coverage --mode lcov --dry-run
expect_contains "  ...after printing the command" "command: cargo llvm-cov --workspace --all-features --lcov --output-path lcov.info" "$out"
expect_status "  ...and so does run --profile coverage --dry-run -- cargo build" 125 "$ENVGUARD" run --profile coverage --dry-run -- cargo build
env PATH="$scratch/recording:$PATH" "$ENVGUARD" coverage --mode lcov --no-preflight > "$scratch/no-preflight.out" 2>&1
status=$?
[ "$status" -ne 0 ] && [ "$status" -ne 125 ] && ok "--no-preflight runs it anyway: cargo llvm-cov itself fails (status $status), as predicted" \
  || fail "--no-preflight: status $status" "$(tail -5 "$scratch/no-preflight.out")"
expect_eq "  ...(cargo-llvm-cov was run)" 1 "$(grep -c '^args:' "$record")"
grep -q "no-such-wrapper-xyz" "$scratch/no-preflight.out" && ok "  ...failing on the missing wrapper" || fail "  ...not on the wrapper" "$(tail -5 "$scratch/no-preflight.out")"
rm -rf "$wscrate/target"
expect_status "run --profile coverage -- cargo build: exit 125, cargo not started" 125 "$ENVGUARD" run --profile coverage -- cargo build
[ ! -e "$wscrate/target" ] && ok "  ...no target/ was made" || fail "  ...cargo ran"
expect_status "run --profile coverage --no-preflight -- cargo build: cargo's own failure" 101 "$ENVGUARD" run --profile coverage --no-preflight -- cargo build
printf '[build]\nrustc-wrapper = "sccache"\n' > "$wscrate/.cargo/config.toml"
expect_status "preflight on the child's environment: CARGO_PROFILE_TEST_INCREMENTAL=yes stops coverage (item 7)" 125 \
  env PATH="$scratch/recording:$PATH" CARGO_PROFILE_TEST_INCREMENTAL=yes "$ENVGUARD" coverage --mode lcov
expect_status "  ...as cargo itself stops" 101 env CARGO_PROFILE_TEST_INCREMENTAL=yes cargo build

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
spy "$ENVGUARD" env PATH="$scratch/recording:$PATH" RUSTC_WRAPPER=sccache CARGO_TARGET_DIR=/shared "$ENVGUARD" coverage --mode lcov --clean >/dev/null 2>&1
expect_eq "  ...(and cargo-llvm-cov was really run: clean, then the report)" 2 "$(grep -c '^args:' "$record")"
spy "$ENVGUARD" "$ENVGUARD" run --profile coverage -u HOME A= --prepend-path PATH=/x -- true
expect_eq "envguard coverage and envguard run made no environment write" "" "$(cat "$spy_log")"

cd "$crate"
expect_status "cargo-llvm-cov not installed: exit 127" 127 env CARGO_HOME="$scratch/no-cargo-home" "$ENVGUARD" coverage --mode html
expect_contains "  ...saying how to install it, with --locked as the README does" "cargo install cargo-llvm-cov --locked" "$out"
expect_status "no cargo on PATH: exit 127" 127 env PATH=/usr/bin:/bin CARGO_HOME="$scratch/no-cargo-home" "$ENVGUARD" coverage --mode html
expect_contains "  ...saying cargo is missing, not cargo-llvm-cov (item 13)" "cargo is not on PATH" "$out"

echo "# the whole seed scenario for real: lcov.info from the real cargo-llvm-cov 0.9.1 and llvm-22, sccache bypassed"
covcrate=$scratch/cov-crate
new_crate "$covcrate" sccache
mkdir -p "$scratch/real"
ln -s "$cov09" "$scratch/real/cargo-llvm-cov"
cd "$covcrate"
before=$(requests)
expect_status "envguard coverage --mode lcov succeeds (RUSTC_WRAPPER=sccache, CARGO_TARGET_DIR set in the parent)" 0 \
  env PATH="$scratch/real:$PATH" RUSTC_WRAPPER=sccache CARGO_TARGET_DIR="$scratch/shared2" "$ENVGUARD" coverage --mode lcov
[ -s "$covcrate/lcov.info" ] && ok "  ...lcov.info was written" || fail "  ...no lcov.info" "$out"
lines_hit=$(awk -F: '/^SF:/ {f = ($2 ~ /src\/lib\.rs$/)} f && /^LH:/ {print $2; exit}' "$covcrate/lcov.info" 2>/dev/null)
[ "${lines_hit:-0}" -gt 0 ] && ok "  ...with non-zero line coverage of src/lib.rs (LH:$lines_hit)" || fail "  ...no covered lines of src/lib.rs" "$(head -20 "$covcrate/lcov.info" 2>/dev/null)"
expect_eq "  ...and sccache was bypassed (compile requests unchanged)" "$before" "$(requests)"
[ -d "$covcrate/target/llvm-cov-target" ] && [ ! -e "$scratch/shared2" ] && ok "  ...built in the crate's own target/" || fail "  ...not built in the crate's target/"

finish
