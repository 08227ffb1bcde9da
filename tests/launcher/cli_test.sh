#!/usr/bin/env bash
# The launcher's command line, without cargo: GNU env semantics, bad input, exit codes, dry runs.
source "$(dirname "$0")/lib.sh"

marker=$scratch/ran
touch_marker=(sh -c "touch '$marker'")

echo "# bad input: a clear message, exit 125, nothing run"
for bad in "=X" "-u ''" "-u A=B" "--profile nope" "--prepend-path PATH" "--prepend-path PATH=" "--append-path =/x"; do
  rm -f "$marker"
  eval "args=($bad)"
  out=$("$ENVGUARD" run "${args[@]}" -- "${touch_marker[@]}" 2>&1)
  status=$?
  if [ "$status" -eq 125 ] && [ ! -e "$marker" ] && [[ "$out" == envguard:* ]]; then
    ok "run $bad: exit 125, nothing run ($out)"
  else
    fail "run $bad" "status $status, ran: $([ -e "$marker" ] && echo yes || echo no)" "output: $out"
  fi
done
expect_status "an unknown coverage mode is exit 125" 125 "$ENVGUARD" coverage --mode nope --dry-run
expect_contains "  ...and the message names the mode and the known ones" 'unknown coverage mode "nope" (did you mean open?) (known: html, open, text, lcov, json, fast, ci, cobertura)' "$out"
expect_status "--packages '' is exit 125" 125 "$ENVGUARD" coverage --packages '' --dry-run
expect_contains "  ...and the message says which rule" "--packages: a package name must not be empty" "$out"
expect_status "an unknown option is exit 125" 125 "$ENVGUARD" run --no-such-option true
expect_status "bare envguard lists the subcommands (exit 0, like cargo)" 0 "$ENVGUARD"
for sub in run coverage check profiles; do expect_contains "  ...$sub" "  $sub" "$out"; done
expect_status "a mistyped subcommand: exit 125" 125 "$ENVGUARD" covrage
expect_contains "  ...with a did-you-mean" "unknown subcommand covrage (did you mean coverage?)" "$out"
expect_status "a mistyped option: exit 125" 125 "$ENVGUARD" coverage --lcv --dry-run
expect_contains "  ...with a did-you-mean" "(did you mean --lcov?)" "$out"
expect_status "a mistyped check option: exit 125" 125 "$ENVGUARD" check --fromat json
expect_contains "  ...with a did-you-mean" "(did you mean --format?)" "$out"
expect_status "a mistyped mode: exit 125" 125 "$ENVGUARD" coverage --mode lcv --dry-run
expect_contains "  ...with a did-you-mean" '"lcv" (did you mean lcov?)' "$out"
expect_contains "coverage --help shows --mode MODE" "--mode MODE" "$("$ENVGUARD" coverage --help)"

echo "# coverage outside any cargo project: exit 125 for every mode, --dry-run included (issue 15 item 11)"
for mode in html fast lcov; do
  expect_status "coverage --mode $mode --dry-run in / : exit 125" 125 sh -c "cd / && exec '$ENVGUARD' coverage --mode $mode --dry-run"
  expect_contains "  ...saying why" "no Cargo.toml in / or any parent directory" "$out"
done
out=$(cd / && "$ENVGUARD" check --format json)
expect_eq "check --format json outside a project still writes JSON on stdout, with the error" "True|None" \
  "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("no Cargo.toml" in d["error"], d["will_fail"], sep="|")')"

echo "# exit codes"
expect_status "the child's own exit status" 3 "$ENVGUARD" run sh -c 'exit 3'
expect_status "killed by signal 9: 128+9" 137 "$ENVGUARD" run sh -c 'kill -KILL $$'
expect_status "not found: 127" 127 "$ENVGUARD" run no-such-program-xyz
expect_contains "  ...naming the program" 'cannot run "no-such-program-xyz": not found' "$out"
printf 'not a program\n' > "$scratch/plain"
chmod 644 "$scratch/plain"
expect_status "found but not executable: 126" 126 "$ENVGUARD" run "$scratch/plain"

echo "# GNU env semantics"
expect_eq "NAME=VALUE splits at the first '='" "B=C" "$("$ENVGUARD" run A=B=C -- sh -c 'printf %s "$A"')"
expect_eq "NAME= sets to empty, not unset" "set:[]" "$("$ENVGUARD" run X= -- sh -c 'printf %s "${X+set}:[$X]"')"
expect_eq "-u unsets" "unset" "$(X=1 "$ENVGUARD" run -u X -- sh -c 'printf %s "${X-unset}"')"
expect_eq "-i starts empty" "" "$(X=1 "$ENVGUARD" run -i /usr/bin/env)"
expect_eq "assignments without -- and the command's own options" "1 -x" "$("$ENVGUARD" run Y=1 sh -c 'printf "%s %s" "$Y" "$1"' sh -x)"
expect_eq "a -- after the command belongs to the command" "-- a" "$("$ENVGUARD" run sh -c 'printf "%s %s" "$1" "$2"' sh -- a)"
expect_eq "without a command, the environment is printed" "A=1" "$("$ENVGUARD" run -i A=1)"
expect_eq "--prepend-path puts DIR first, no dangling separator" "/x:/a" "$(P=/a "$ENVGUARD" run --prepend-path P=/x -- sh -c 'printf %s "$P"')"
expect_eq "--append-path on an unset variable gives DIR alone" "/x" "$("$ENVGUARD" run -u P --append-path P=/x -- sh -c 'printf %s "$P"')"
expect_eq "the program is looked up on the child's PATH" "found" \
  "$(mkdir -p "$scratch/bin" && printf '#!/bin/sh\necho found\n' > "$scratch/bin/only-here" && chmod +x "$scratch/bin/only-here" && "$ENVGUARD" run --prepend-path "PATH=$scratch/bin" -- only-here)"

echo "# --profile coverage, as the child sees it"
seen=$(RUSTC_WRAPPER=sccache CARGO_TARGET_DIR=/shared CARGO_INCREMENTAL=0 "$ENVGUARD" run --profile coverage -- \
  sh -c 'printf "%s|%s|%s" "${RUSTC_WRAPPER+set}:[$RUSTC_WRAPPER]" "$CARGO_INCREMENTAL" "${CARGO_TARGET_DIR-unset}"')
expect_eq "RUSTC_WRAPPER set to empty, CARGO_INCREMENTAL=1, CARGO_TARGET_DIR unset" "set:[]|1|unset" "$seen"
expect_eq "a command-line assignment overrides the profile" "0" \
  "$("$ENVGUARD" run --profile coverage CARGO_INCREMENTAL=0 -- sh -c 'printf %s "$CARGO_INCREMENTAL"')"

echo "# --dry-run"
out=$(RUSTC_WRAPPER=sccache CARGO_TARGET_DIR=/shared "$ENVGUARD" run --profile coverage --dry-run -- "${touch_marker[@]}")
expect_eq "dry run prints each variable before -> after and the command" \
  "$(printf '%s\n' 'CARGO_INCREMENTAL: unset -> "1"' 'CARGO_TARGET_DIR: "/shared" -> unset' \
     'RUSTC_WRAPPER: "sccache" -> "" (set to empty, not unset)' "command: sh -c 'touch '\\''$marker'\\'''")" "$(env -u CARGO_INCREMENTAL true; printf '%s' "$out")"
[ -e "$marker" ] && fail "dry run ran nothing" || ok "dry run ran nothing"

expected_args() {
  case $1 in
    html) echo "--workspace --all-features --html" ;;
    open) echo "--workspace --all-features --html --open" ;;
    text) echo "--workspace --all-features" ;;
    lcov|ci) echo "--workspace --all-features --lcov --output-path lcov.info" ;;
    json) echo "--workspace --all-features --json --output-path coverage.json" ;;
    cobertura) echo "--workspace --all-features --cobertura --output-path cobertura.xml" ;;
  esac
}
cargo_project=$scratch/cargo-project
mkdir -p "$cargo_project"
printf '[package]\nname = "p"\nversion = "0.1.0"\n' > "$cargo_project/Cargo.toml"
in_cargo_project() { (cd "$cargo_project" && "$@"); }
for mode in html open text lcov json ci cobertura; do
  out=$(in_cargo_project "$ENVGUARD" coverage --mode "$mode" --dry-run | grep '^command:')
  expect_eq "coverage --mode $mode --dry-run prints the design's arguments" "command: cargo llvm-cov $(expected_args "$mode")" "$out"
done
for mode in html open text lcov json cobertura; do
  out=$(in_cargo_project "$ENVGUARD" coverage --"$mode" --dry-run | grep '^command:')
  expect_eq "coverage --$mode is --mode $mode" "command: cargo llvm-cov $(expected_args "$mode")" "$out"
done
expect_status "two different modes: exit 125" 125 in_cargo_project "$ENVGUARD" coverage --html --lcov --dry-run
expect_contains "  ...saying choose one" "choose one mode" "$out"
cmd_of() { in_cargo_project "$ENVGUARD" coverage --dry-run "$@" | grep '^command:'; }
expect_eq "--mode json -- --output-path x.json: one --output-path, the user's (item 10)" \
  "command: cargo llvm-cov --workspace --all-features --json --output-path x.json" "$(cmd_of --mode json -- --output-path x.json)"
expect_status "--output-path before and after --: exit 125" 125 in_cargo_project "$ENVGUARD" coverage --mode json --output-path a.json --dry-run -- --output-path b.json
expect_eq "--features replaces --all-features" "command: cargo llvm-cov --workspace --features a,b --html" "$(cmd_of --features a,b)"
expect_eq "--no-default-features replaces --all-features" "command: cargo llvm-cov --workspace --no-default-features --html" "$(cmd_of --no-default-features)"
expect_eq "--all-features given is the default" "command: cargo llvm-cov --workspace --all-features --html" "$(cmd_of --all-features)"
expect_status "--all-features with --features: exit 125" 125 in_cargo_project "$ENVGUARD" coverage --all-features --features a --dry-run
expect_eq "--package a (cargo's spelling) is -p" "command: cargo llvm-cov -p a --all-features --html" "$(cmd_of --package a)"
expect_eq "--workspace is the default" "command: cargo llvm-cov --workspace --all-features --html" "$(cmd_of --workspace)"
expect_status "--workspace with -p: exit 125" 125 in_cargo_project "$ENVGUARD" coverage --workspace -p a --dry-run

echo "# help and version"
for sub in run coverage profiles; do
  out=$("$ENVGUARD" "$sub" --help)
  expect_contains "$sub --help shows an example" "Example" "$out"
done
expect_eq "--version" "envguard 1.0.0" "$("$ENVGUARD" --version)"
out=$("$ENVGUARD" profiles)
expect_contains "profiles lists coverage with its operations" 'RUSTC_WRAPPER="" (set to empty, not unset)' "$out"
expect_contains "profiles lists coverage-cached" "coverage-cached (built-in)" "$out"
expect_contains "profiles lists sccache" "sccache (built-in)" "$out"

echo "# envguard check: what cannot be read is exit 125 with a message naming the file"
project=$scratch/project
mkdir -p "$project/.cargo"
in_project() { (cd "$project" && "$@"); }
printf '[package]\nname = "p"\nversion = "0.1.0"\n' > "$project/Cargo.toml"
printf '[build\nrustc-wrapper = "x"\n' > "$project/.cargo/config.toml"
expect_status "malformed TOML: exit 125" 125 in_project "$ENVGUARD" check
expect_contains "  ...naming the file, line and column" "$project/.cargo/config.toml:1:7:" "$out"
rm "$project/.cargo/config.toml"
mkdir "$project/.cargo/config.toml"
expect_status "a directory where the config file should be: exit 125" 125 in_project "$ENVGUARD" check
expect_contains "  ...saying so" "it is a directory, not a file" "$out"
rmdir "$project/.cargo/config.toml"
if [ "$(id -u)" -eq 0 ]; then # root reads any mode-000 file: use a file no one can read instead
  ln -s /proc/self/mem "$project/.cargo/config.toml"
else
  printf '[build]\n' > "$project/.cargo/config.toml" && chmod 000 "$project/.cargo/config.toml"
fi
expect_status "an unreadable config file: exit 125" 125 in_project "$ENVGUARD" check
expect_contains "  ...naming it" "cannot read $project/.cargo/config.toml" "$out"
rm -f "$project/.cargo/config.toml"
printf '[package\n' > "$project/Cargo.toml"
expect_status "a malformed Cargo.toml: exit 125" 125 in_project "$ENVGUARD" check
expect_contains "  ...naming it" "$project/Cargo.toml:1:" "$out"
expect_status "no Cargo.toml anywhere up: exit 125" 125 sh -c "cd / && exec '$ENVGUARD' check"
expect_status "an unknown --format: exit 125" 125 "$ENVGUARD" check --format xml
printf '[package]\nname = "p"\nversion = "0.1.0"\n' > "$project/Cargo.toml"
printf '[build]\nrustc-wrapper = "sccache"\n' > "$project/.cargo/config.toml"
# a stand-in sccache on a PATH of its own. It stays: this test runs in every suite (clang, C++20, the
# sanitizers), where the real sccache 0.16 is not installed; check_differential.py and real_tools run it.
mkdir -p "$scratch/no-programs"
printf '#!/bin/sh\n[ "$1" = --show-stats ] && echo "Compile requests                      7"\nexit 0\n' > "$scratch/no-programs/sccache"
chmod +x "$scratch/no-programs/sccache"
expect_status "the seed's failing case (sccache configured, CARGO_INCREMENTAL=1): exit 1" 1 \
  in_project env -u RUSTC_WRAPPER CARGO_INCREMENTAL=1 PATH="$scratch/no-programs" "$ENVGUARD" check
expect_contains "  ...with the finding and its fix" 'RUSTC_WRAPPER is unset and' "$out"
expect_contains "  ...(fix)" "Set RUSTC_WRAPPER to the empty string (not unset)" "$out"
expect_contains "  ...and sccache's stats, from the sccache cargo would run" "Compile requests                      7" "$out"
printf '#!/bin/sh\n[ "$1" = --version ] && echo "sccache 0.4.0-pre.6"\nexit 0\n' > "$scratch/no-programs/sccache"
expect_status "...but an sccache older than 0.5.1 does not refuse: exit 0, with a warning" 0 \
  in_project env -u RUSTC_WRAPPER CARGO_INCREMENTAL=1 PATH="$scratch/no-programs" "$ENVGUARD" check
expect_contains "  ...naming its version" "which this sccache (0.4.0-pre.6) accepts without caching" "$out"
printf '#!/bin/sh\n[ "$1" = --show-stats ] && echo "Compile requests                      7"\nexit 0\n' > "$scratch/no-programs/sccache"
rm "$scratch/no-programs/sccache"
expect_status "a configured wrapper that is not installed: exit 1" 1 \
  in_project env -u RUSTC_WRAPPER PATH="$scratch/no-programs" "$ENVGUARD" check
expect_contains "  ...saying cargo will fail to run it" 'cargo will try to run the wrapper "sccache"' "$out"
printf '#!/bin/sh\nexit 0\n' > "$scratch/no-programs/sccache" && chmod +x "$scratch/no-programs/sccache"
expect_status "...and with --profile coverage: exit 0" 0 \
  in_project env -u RUSTC_WRAPPER CARGO_INCREMENTAL=1 PATH="$scratch/no-programs" "$ENVGUARD" check --profile coverage
out=$(in_project env -u RUSTC_WRAPPER CARGO_INCREMENTAL=1 PATH="$scratch/no-programs" "$ENVGUARD" check --format json)
expect_eq "check --format json: the documented fields" "envguard-check/1|sccache|True|True" \
  "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("|".join(str(x) for x in [d["schema"], d["wrapper"]["program"], d["incremental"]["enabled"], d["will_fail"]]))')"

echo "# check --manifest-path means what it means to cargo (issue 15 item 15)"
expect_status "a directory is refused, as cargo does: exit 125" 125 "$ENVGUARD" check --manifest-path "$project"
expect_contains "  ...pointing to the Cargo.toml" "is a directory, but cargo expects the path of a Cargo.toml ($project/Cargo.toml exists)" "$out"
elsewhere=$scratch/elsewhere
mkdir -p "$elsewhere/.cargo"
printf '[build]\ntarget-dir = "td-here"\n' > "$elsewhere/.cargo/config.toml"
out=$(cd "$elsewhere" && env -u CARGO_TARGET_DIR -u CARGO_BUILD_TARGET_DIR "$ENVGUARD" check --format json --manifest-path "$project/Cargo.toml")
expect_eq "from elsewhere: the config files of the current directory, as cargo reads them" "$elsewhere/td-here|$elsewhere/.cargo/config.toml" \
  "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["target_dir"]["path"], d["config_files"][0], sep="|")')"

echo "# check: which workspace a crate belongs to (target directory = <root>/target)"
target_of() { (cd "$1" && "$ENVGUARD" check --format json) | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_dir"]["path"])'; }
ws=$scratch/ws-layouts
mkdir -p "$ws/excl/inner/src" "$ws/explicit/root" "$ws/explicit/member/src"
printf '[workspace]\nexclude = ["inner"]\n' > "$ws/excl/Cargo.toml"
printf '[package]\nname = "inner"\nversion = "0.1.0"\n' > "$ws/excl/inner/Cargo.toml"
expect_eq "a crate in workspace.exclude is its own workspace" "$ws/excl/inner/target" "$(target_of "$ws/excl/inner")"
printf '[workspace]\nmembers = ["../member"]\n' > "$ws/explicit/root/Cargo.toml"
printf '[package]\nname = "member"\nversion = "0.1.0"\nworkspace = "../root"\n' > "$ws/explicit/member/Cargo.toml"
expect_eq "package.workspace names the root" "$ws/explicit/root/target" "$(target_of "$ws/explicit/member")"

finish
