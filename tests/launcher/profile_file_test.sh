#!/usr/bin/env bash
# Profiles from envguard.toml: found from a subdirectory, the documented example file (examples/envguard.toml)
# run as written, extends of a built-in and of a file profile, every operation as the child sees it,
# the lookup order (nearer file, user file, --config), and every error: file:line:column and the rule,
# exit 125, and the command NOT run.
source "$(dirname "$0")/lib.sh"
example=$(cd "$(dirname "$0")/../../examples" && pwd -P)/envguard.toml
root=$(cd "$scratch" && pwd -P)
marker=$root/ran
touch_marker=(sh -c "touch '$marker'")
# The user's own file must not take part: point the user-level lookup at an empty directory.
export XDG_CONFIG_HOME=$root/xdg
mkdir -p "$XDG_CONFIG_HOME"

project=$root/project
mkdir -p "$project/sub/deeper"
cp "$example" "$project/envguard.toml"
line_of() { grep -n -F "$1" "$2" | head -1 | cut -d: -f1; } # the line a header is on
in_deeper() { (cd "$project/sub/deeper" && "$@"); }

echo "# docs/command.md shows examples/envguard.toml as it is"
readme=$(dirname "$example")/../docs/command.md
expect_eq "docs/command.md's example envguard.toml is examples/envguard.toml" "$(cat "$example")" \
  "$(python3 -c 'import sys; t=open(sys.argv[1]).read(); t=t[t.index("### Profiles in a file"):]; t=t[t.index("```toml\n")+8:]; print(t[:t.index("```\n")], end="")' "$readme")"

echo "# the example file, found from a subdirectory two levels down"
out=$(in_deeper "$ENVGUARD" profiles)
expect_contains "profiles lists a built-in with its origin" "coverage (built-in)" "$out"
for name in coverage-llvm ci ci-coverage; do
  expect_contains "profiles lists $name with file:line" \
    "$name ($project/envguard.toml:$(line_of "[profile.$name]" "$example"))" "$out"
done
expect_contains "  ...its extends" "$(printf 'extends coverage\n    RUSTC_WRAPPER="" (set to empty, not unset)')" "$out"
expect_contains "  ...and which files were read" "profile files read: $project/envguard.toml" "$out"
out=$(cd "$project" && "$ENVGUARD" profiles)
expect_contains "from the file's own directory the origin is relative" "ci (envguard.toml:$(line_of "[profile.ci]" "$example"))" "$out"

echo "# every operation, as the child sees it (profile ci)"
seen=$(in_deeper env RUSTC_WRAPPER=sccache CARGO_TARGET_DIR=/shared CARGO_BUILD_RUSTC_WRAPPER=x PATH=/usr/bin:/bin \
  MANPATH=/usr/share/man "$ENVGUARD" run --profile ci -- /bin/sh -c \
  'printf "%s|" "$CARGO_TERM_COLOR" "$RUST_BACKTRACE" "${RUSTC_WRAPPER+set}:[$RUSTC_WRAPPER]" "${CARGO_TARGET_DIR-unset}" "${CARGO_BUILD_RUSTC_WRAPPER-unset}" "$PATH" "$MANPATH"')
expect_eq "set, set-empty (set and empty), unset, prepend-path (list order kept, relative from the file), append-path" \
  "never|1|set:[]|unset|unset|$project/tools/bin:/opt/ci/bin:/usr/bin:/bin|/usr/share/man:/opt/ci/share/man|" "$seen"
seen=$(in_deeper env -u MANPATH "$ENVGUARD" run --profile ci -- /bin/sh -c 'printf %s "${MANPATH-unset}"')
expect_eq "append-path on an unset variable gives the directory alone" "/opt/ci/share/man" "$seen"

echo "# extends"
seen=$(in_deeper env RUSTC_WRAPPER=sccache CARGO_TARGET_DIR=/shared PATH=/usr/bin:/bin "$ENVGUARD" run --profile coverage-llvm -- \
  /bin/sh -c 'printf "%s|" "${RUSTC_WRAPPER+set}:[$RUSTC_WRAPPER]" "$CARGO_INCREMENTAL" "${CARGO_TARGET_DIR-unset}" "$PATH" "$LLVM_PROFILE_FILE"')
expect_eq "a built-in's operations, then the profile's own" \
  "set:[]|1|unset|$project/tools/llvm/bin:/usr/bin:/bin|target/coverage/%p-%m.profraw|" "$seen"
seen=$(in_deeper "$ENVGUARD" run --profile ci-coverage -- /bin/sh -c 'printf "%s|" "$CARGO_TERM_COLOR" "$CARGO_INCREMENTAL" "${RUSTC_WRAPPER+set}:[$RUSTC_WRAPPER]"')
expect_eq "a file profile's operations, then the profile's own" "never|1|set:[]|" "$seen"
expect_eq "a command-line assignment overrides a file profile" "always" \
  "$(in_deeper "$ENVGUARD" run --profile ci CARGO_TERM_COLOR=always -- /bin/sh -c 'printf %s "$CARGO_TERM_COLOR"')"

echo "# --dry-run"
rm -f "$marker"
out=$(in_deeper env -u CARGO_TERM_COLOR -u CARGO_INCREMENTAL -u LLVM_PROFILE_FILE RUSTC_WRAPPER=sccache PATH=/usr/bin \
  "$ENVGUARD" run --profile coverage-llvm --dry-run -- "${touch_marker[@]}")
expect_eq "dry run prints the file profile's result" \
  "$(printf '%s\n' 'CARGO_INCREMENTAL: unset -> "1"' 'LLVM_PROFILE_FILE: unset -> "target/coverage/%p-%m.profraw"' \
     "PATH: \"/usr/bin\" -> \"$project/tools/llvm/bin:/usr/bin\"" 'RUSTC_WRAPPER: "sccache" -> "" (set to empty, not unset)' \
     "command: sh -c 'touch '\\''$marker'\\'''")" "$out"
[ -e "$marker" ] && fail "dry run ran nothing" || ok "dry run ran nothing"

echo "# envguard check --profile with a file profile"
printf '[package]\nname = "p"\nversion = "0.1.0"\n' > "$project/Cargo.toml"
out=$(in_deeper env -u RUSTC_WRAPPER -u CARGO_BUILD_RUSTC_WRAPPER "$ENVGUARD" check --profile ci --format json --manifest-path "$project/Cargo.toml")
expect_eq "check renders the file profile (RUSTC_WRAPPER empty: no wrapper)" "ci|None" \
  "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["profile"], d["wrapper"]["program"], sep="|")')"
rm "$project/Cargo.toml"

echo "# lookup: a nearer file replaces a farther profile whole; the user's file comes last"
printf '[profile.ci]\nset.NEAR = "yes"\nset.CARGO_INCREMENTAL = "0"\nextends = "coverage-llvm"\n' > "$project/sub/envguard.toml"
seen=$(in_deeper env -u CARGO_TERM_COLOR "$ENVGUARD" run --profile ci -- /bin/sh -c 'printf "%s|" "$NEAR" "${CARGO_TERM_COLOR-unset}" "$CARGO_INCREMENTAL" "${RUSTC_WRAPPER+set}:[$RUSTC_WRAPPER]"')
expect_eq "the nearer [profile.ci] wins, unmerged, and extends a farther file's profile (its own CARGO_INCREMENTAL after the base's)" "yes|unset|0|set:[]|" "$seen"
out=$(in_deeper "$ENVGUARD" profiles)
expect_contains "profiles shows the nearer origin and what it overrides" \
  "$(printf 'ci (%s:1)\n  extends coverage-llvm\n  overrides %s:%s' "$project/sub/envguard.toml" "$project/envguard.toml" "$(line_of "[profile.ci]" "$example")")" "$out"
expect_contains "  ...and the files read, nearest first" "profile files read: $project/sub/envguard.toml, $project/envguard.toml" "$out"
rm "$project/sub/envguard.toml"
mkdir -p "$XDG_CONFIG_HOME/envguard"
printf '[profile.mine]\nset.MINE = "xdg"\n[profile.ci]\nset.CI = "user"\n' > "$XDG_CONFIG_HOME/envguard/envguard.toml"
expect_eq "\$XDG_CONFIG_HOME/envguard/envguard.toml adds profiles" "xdg" \
  "$(in_deeper "$ENVGUARD" run --profile mine -- /bin/sh -c 'printf %s "$MINE"')"
expect_eq "  ...below the project's file" "never-" \
  "$(in_deeper env -u CI "$ENVGUARD" run --profile ci -- /bin/sh -c 'printf %s "$CARGO_TERM_COLOR-${CI-}"')"
rm -r "$XDG_CONFIG_HOME/envguard"
mkdir -p "$root/home/.config/envguard"
printf '[profile.mine]\nset.MINE = "home"\n' > "$root/home/.config/envguard/envguard.toml"
expect_eq "without XDG_CONFIG_HOME: \$HOME/.config/envguard/envguard.toml" "home" \
  "$(in_deeper env -u XDG_CONFIG_HOME HOME="$root/home" "$ENVGUARD" run --profile mine -- /bin/sh -c 'printf %s "$MINE"')"
expect_eq "a relative XDG_CONFIG_HOME is ignored (XDG spec)" "home" \
  "$(in_deeper env XDG_CONFIG_HOME=relative HOME="$root/home" "$ENVGUARD" run --profile mine -- /bin/sh -c 'printf %s "$MINE"')"

echo "# --config FILE: that file alone"
printf '[profile.only]\nset.ONLY = "1"\n' > "$root/other.toml"
expect_eq "run --config FILE --profile" "1" "$(in_deeper "$ENVGUARD" run --config "$root/other.toml" --profile only -- /bin/sh -c 'printf %s "$ONLY"')"
expect_status "  ...and the project's profiles are not read then" 125 \
  in_deeper "$ENVGUARD" run --config "$root/other.toml" --profile ci -- true
expect_contains "  ...(unknown profile, naming the files read)" 'unknown profile "ci" (known: coverage, coverage-cached, sccache, only; profile files read: '"$root/other.toml)" "$out"
expect_status "profiles --config FILE" 0 "$ENVGUARD" profiles --config "$root/other.toml"
expect_contains "  ...lists it" "only ($root/other.toml:1)" "$out"
expect_status "--config of a missing file: 125" 125 "$ENVGUARD" profiles --config "$root/missing.toml"
expect_eq "  ...saying so" "envguard: --config \"$root/missing.toml\": no such file" "$out"

echo "# a built-in profile or no profile does not depend on envguard.toml; a file that redefines a built-in is an error"
broken=$root/broken
mkdir -p "$broken"
printf '[profile.p\n' > "$broken/envguard.toml"
expect_eq "run --profile coverage next to a broken file" "1" \
  "$(cd "$broken" && "$ENVGUARD" run --profile coverage -- /bin/sh -c 'printf %s "$CARGO_INCREMENTAL"')"
expect_eq "run without --profile next to a broken file" "1" "$(cd "$broken" && "$ENVGUARD" run X=1 -- /bin/sh -c 'printf %s "$X"')"
redefines=$root/redefines
mkdir -p "$redefines"
printf '[profile.other]\nset.A = "1"\n\n[profile.coverage]\nset.CARGO_INCREMENTAL = "0"\n' > "$redefines/envguard.toml"
expect_status "a file's [profile.coverage] is never silently ignored by run --profile coverage: exit 125 (issue 15 item 12)" 125 \
  sh -c "cd '$redefines' && exec '$ENVGUARD' run --profile coverage -- /bin/true"
expect_contains "  ...naming the file and line and the rule" "envguard.toml:4: profile \"coverage\": a built-in profile cannot be redefined" "$out"
expect_status "  ...and check --profile coverage says the same" 125 sh -c "cd '$redefines' && exec '$ENVGUARD' check --profile coverage"
expect_status "...but a file profile reads it: 125" 125 sh -c "cd '$broken' && '$ENVGUARD' run --profile p -- true"
expect_status "...and so does a built-in with --config: 125" 125 "$ENVGUARD" run --config "$broken/envguard.toml" --profile coverage -- true

echo "# errors: the file, line, column and rule; exit 125; nothing run"
err=$root/errors
mkdir -p "$err/sub"
# refused DESCRIPTION CONTENT EXPECTED-MESSAGE [SUBCOMMAND...]: the file in $err, envguard run from $err/sub
refused() {
  printf '%b' "$2" > "$err/envguard.toml"
  rm -f "$marker"
  out=$(cd "$err/sub" && "$ENVGUARD" run --profile p -- "${touch_marker[@]}" 2>&1)
  local status=$?
  if [ "$status" -eq 125 ] && [ ! -e "$marker" ] && [ "$out" == "$3" ]; then
    ok "$1: exit 125, nothing run"
  else
    fail "$1" "status $status (want 125), ran: $([ -e "$marker" ] && echo yes || echo no)" "expected: $3" "actual:   $out"
  fi
}
f=$err/envguard.toml
keys="(known: description, extends, set, set-empty, unset, prepend-path, append-path)"
refused "TOML syntax" '[profile.p\nset.X = "1"\n' \
  "envguard: cannot read $f:1:11: Error while parsing table header: expected ']', saw '\\n'"
refused "a key TOML defines twice" '[profile.p]\nset.X = "1"\nset.X = "2"\n' \
  "envguard: cannot read $f:3:9: Error while parsing key-value pair: cannot redefine existing string 'set.X'"
refused "unknown top-level key" 'foo = 1\n' \
  "envguard: $f:1:1: unknown key \"foo\" (an envguard.toml holds only [profile.NAME] tables)"
refused "profile is not a table" 'profile = 1\n' \
  "envguard: $f:1:11: profile must be a table of [profile.NAME] tables, not an integer"
refused "a profile is not a table" '[profile]\np = 1\n' \
  "envguard: $f:2:5: profile \"p\": [profile.p] must be a table, not an integer"
refused "unknown key in a profile (the first in the file, not by name)" '[profile.p]\nzz = 1\nsett.X = "1"\n' \
  "envguard: $f:2:1: profile \"p\": unknown key \"zz\" $keys"
refused "unknown key in a later profile" '[profile.p]\nset.X = "1"\n[profile.q]\nsett.X = "1"\n' \
  "envguard: $f:4:1: profile \"q\": unknown key \"sett\" $keys"
refused "bad profile name" '[profile."a b"]\nset.X = "1"\n' \
  "envguard: $f:1:10: profile name \"a b\": a profile name must be letters, digits, '-' and '_', not starting with '-'"
refused "a built-in's name" '[profile.coverage]\nset.X = "1"\n' \
  "envguard: $f:1:10: profile \"coverage\": a built-in profile cannot be redefined; give yours another name and write extends = \"coverage\" in it"
refused "description: wrong type" '[profile.p]\ndescription = 3\n' \
  "envguard: $f:2:15: profile \"p\": description must be a string, not an integer"
refused "set: wrong type" '[profile.p]\nset = ["X"]\n' \
  "envguard: $f:2:7: profile \"p\": set must be a table of NAME = \"value\", not a list"
refused "set value: wrong type" '[profile.p]\nset.X = 1\n' \
  "envguard: $f:2:9: profile \"p\": set.X must be a string in quotes, not an integer"
refused "set-empty: wrong type" '[profile.p]\nset-empty = "X"\n' \
  "envguard: $f:2:13: profile \"p\": set-empty must be a list of variable names, not a string"
refused "unset item: wrong type" '[profile.p]\nunset = ["A", 1]\n' \
  "envguard: $f:2:15: profile \"p\": unset[1] must be a variable name in quotes, not an integer"
refused "prepend-path: wrong type" '[profile.p]\nprepend-path.PATH = 1\n' \
  "envguard: $f:2:21: profile \"p\": prepend-path.PATH must be a directory in quotes or a list of them, not an integer"
refused "append-path: an empty list" '[profile.p]\nappend-path.PATH = []\n' \
  "envguard: $f:2:20: profile \"p\": append-path.PATH: the list of directories is empty"
refused "bad variable name (library rule)" '[profile.p]\nset = { "A=B" = "1" }\n' \
  "envguard: $f:2:9: profile \"p\": cannot set \"A=B\": a variable name must not contain '='"
refused "empty variable name (library rule)" '[profile.p]\nset-empty = [""]\n' \
  "envguard: $f:2:14: profile \"p\": cannot set \"\": a variable name must not be empty"
refused "a name starting with = (library rule)" '[profile.p]\nunset = ["=C:"]\n' \
  "envguard: $f:2:10: profile \"p\": cannot unset \"=C:\": a variable name must not start with '='"
refused "bad value (library rule), shown at the value" '[profile.p]\nset.X = "a\\u0000b"\n' \
  "envguard: $f:2:9: profile \"p\": cannot set \"X\": a value must not contain a NUL character"
refused "empty directory (library rule)" '[profile.p]\nprepend-path.PATH = ""\n' \
  "envguard: $f:2:21: profile \"p\": cannot prepend to \"PATH\": a directory to add to a path list must not be empty (an empty entry means the current directory)"
refused "directory with the separator (library rule)" '[profile.p]\nappend-path.PATH = ["/a", "/b:/c"]\n' \
  "envguard: $f:2:27: profile \"p\": cannot append to \"PATH\": a directory to add to a path list must not contain ':', the list separator"
refused "a variable both set and unset" '[profile.p]\nset.X = "1"\nunset = ["X"]\n' \
  "envguard: $f:3:10: profile \"p\": \"X\" is already in set (line 2): a profile sets, sets to empty or unsets a variable once"
refused "a variable twice in set-empty" '[profile.p]\nset-empty = ["X", "X"]\n' \
  "envguard: $f:2:19: profile \"p\": \"X\" is already in set-empty (line 2): a profile sets, sets to empty or unsets a variable once"
refused "a directory twice" '[profile.p]\nprepend-path.PATH = ["/a", "/a"]\n' \
  "envguard: $f:2:28: profile \"p\": prepend-path.PATH lists \"/a\" twice"
refused "extends: wrong type" '[profile.p]\nextends = ["coverage"]\n' \
  "envguard: $f:2:11: profile \"p\": extends must be a string: the name of one profile, not a list"
refused "extends: empty" '[profile.p]\nextends = ""\n' \
  "envguard: $f:2:11: profile \"p\": extends must name a profile, not be empty"
refused "extends: unknown target" '[profile.p]\nextends = "nope"\n' \
  "envguard: $f:2:11: profile \"p\": extends \"nope\": no such profile (known: coverage, coverage-cached, sccache, p)"
refused "extends: a cycle" '[profile.p]\nextends = "q"\n[profile.q]\nextends = "r"\n[profile.r]\nextends = "p"\n' \
  "envguard: $f:2:11: profile \"p\": extends cycle: p -> q -> r -> p"
refused "extends: itself" '[profile.p]\nset.X = "1"\nextends = "p"\n' \
  "envguard: $f:3:11: profile \"p\": extends cycle: p -> p"
printf '[profile.p]\nsett.X = "1"\n' > "$f"
expect_status "envguard profiles reports the same errors: 125" 125 sh -c "cd '$err/sub' && '$ENVGUARD' profiles"
expect_eq "  ...with the same message" "envguard: $f:2:1: profile \"p\": unknown key \"sett\" $keys" "$out"
printf '[package]\nname = "p"\nversion = "0.1.0"\n' > "$err/Cargo.toml"
expect_status "envguard check --profile too: 125" 125 sh -c "cd '$err/sub' && '$ENVGUARD' check --profile p"
expect_eq "  ...with the same message" "envguard: $f:2:1: profile \"p\": unknown key \"sett\" $keys" "$out"
printf '[profile.p]\nset.X = "1"\n' > "$f"
expect_eq "a good file in the same place works (the error cases are not a fluke of the place)" "1" \
  "$(cd "$err/sub" && "$ENVGUARD" run --profile p -- /bin/sh -c 'printf %s "$X"')"

finish
