#!/usr/bin/env bash
# The bash completion script (launcher/completion/envguard.bash), sourced into this bash and asked for
# completions of partial command lines, as bash asks it on TAB (COMP_LINE, COMP_POINT).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../../launcher/completion/envguard.bash"

# complete LINE: the candidates for the cursor at the end of LINE, sorted, on one line
complete_line() {
  COMP_LINE=$1
  COMP_POINT=${#1}
  COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
  COMPREPLY=()
  _envguard
  printf '%s\n' "${COMPREPLY[@]}" | sort -u | paste -sd' '
}
words_in() { printf '%s\n' $1 | sort -u | paste -sd' '; }

echo "# subcommands and options"
expect_eq "envguard <TAB>: the subcommands" "check coverage profiles run" "$(complete_line "$ENVGUARD ")"
expect_eq "envguard co<TAB>" "coverage" "$(complete_line "$ENVGUARD co")"
expect_eq "envguard --<TAB>" "--help --version" "$(complete_line "$ENVGUARD --")"
listed=$("$ENVGUARD" --help | sed -n '/^Subcommands:/,$s/^  \([a-z][a-z0-9-]*\) .*/\1/p' | sort | paste -sd' ')
expect_eq "  ...the same subcommands as envguard --help" "$listed" "$(complete_line "$ENVGUARD ")"
for sub in $listed; do
  # every option that `envguard SUB --help` shows is offered (a new option without completion fails here)
  help_options=$("$ENVGUARD" "$sub" --help | sed -n '/^Options:/,/^$/p' | grep -oE '^  -[-a-zA-Z,]+' |
                 tr ',' '\n' | tr -d ' ' | grep . | sort -u)
  offered=" $(complete_line "$ENVGUARD $sub -") "
  missing=""
  for o in $help_options; do [[ $offered == *" $o "* ]] || missing+=" $o"; done
  if [ -n "$help_options" ] && [ -z "$missing" ]; then
    ok "envguard $sub -<TAB> offers every option of envguard $sub --help ($(echo $help_options))"
  else
    fail "envguard $sub -<TAB> misses options of --help:$missing" "offered:$offered"
  fi
done
expect_eq "envguard coverage --cl<TAB>" "--clean" "$(complete_line "$ENVGUARD coverage --cl")"

echo "# values"
expect_eq "coverage --mode <TAB>: the eight modes" "ci cobertura fast html json lcov open text" \
  "$(complete_line "$ENVGUARD coverage --mode ")"
expect_eq "coverage --mode=l<TAB> (one word with '=')" "lcov" "$(complete_line "$ENVGUARD coverage --dry-run --mode=l")"
expect_eq "check --format <TAB>" "json text" "$(complete_line "$ENVGUARD check --format ")"
builtin=$("$ENVGUARD" profiles | sed -n 's/^\([^ ]*\) (built-in)$/\1/p' | sort | paste -sd' ')
expect_eq "run --profile <TAB>: the profiles of envguard profiles" "$builtin" "$(complete_line "$ENVGUARD run --profile ")"
expect_contains "  ...which include coverage" "coverage" "$builtin"
expect_eq "check --profile coverage-<TAB>" "coverage-cached" "$(complete_line "$ENVGUARD check --profile coverage-")"
expect_eq "run --profile=sc<TAB>" "sccache" "$(complete_line "$ENVGUARD run --profile=sc")"
# Profiles from a file, in the form `envguard profiles` lists them: NAME (origin), indented details.
cat >"$scratch/fake-envguard" <<'FAKE'
#!/bin/sh
[ "$1" = profiles ] || exit 1
printf '%s\n' 'coverage (built-in)' '  the description' '    RUSTC_WRAPPER="" (set to empty, not unset)' \
  'nightly-cov (envguard.toml:3)' '  extends coverage' '    RUSTUP_TOOLCHAIN="nightly"' \
  'profile files read: envguard.toml'
FAKE
chmod +x "$scratch/fake-envguard"
expect_eq "run --profile <TAB> with profiles from a file" "coverage nightly-cov" \
  "$(complete_line "$scratch/fake-envguard run --profile ")"
export ENVGUARD_COMPLETION_PROBE=1
expect_eq "run -u ENVGUARD_COMPLETION_P<TAB>: a variable" "ENVGUARD_COMPLETION_PROBE" \
  "$(complete_line "$ENVGUARD run -u ENVGUARD_COMPLETION_P")"
expect_eq "run ENVGUARD_COMPLETION_P<TAB>: an assignment" "ENVGUARD_COMPLETION_PROBE=" \
  "$(complete_line "$ENVGUARD run --dry-run ENVGUARD_COMPLETION_P")"
expect_eq "run --prepend-path ENVGUARD_COMPLETION_P<TAB>" "ENVGUARD_COMPLETION_PROBE=" \
  "$(complete_line "$ENVGUARD run --prepend-path ENVGUARD_COMPLETION_P")"

echo "# commands and what follows them"
expect_contains "run -- bas<TAB>: commands" "bash" "$(complete_line "$ENVGUARD run --profile coverage -- bas")"
expect_contains "run X=1 bas<TAB>: commands" "bash" "$(complete_line "$ENVGUARD run X=1 bas")"
expect_eq "run -- cargo <TAB>: nothing of envguard's (file names)" "" "$(complete_line "$ENVGUARD run -- cargo ")"
expect_eq "run cargo --<TAB>: the command's, not envguard's options" "" "$(complete_line "$ENVGUARD run cargo --")"
expect_eq "coverage -- --<TAB>: cargo llvm-cov's, not envguard's" "" "$(complete_line "$ENVGUARD coverage -- --")"
expect_eq "an unknown subcommand: nothing" "" "$(complete_line "$ENVGUARD nope --")"

echo "# registered for the command name"
expect_contains "complete -p envguard" "-F _envguard" "$(complete -p envguard)"
finish
