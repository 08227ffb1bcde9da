#!/usr/bin/env bash
# The generated man page (ENVGUARD_MAN: envguard.1): renders without a warning, and documents every
# subcommand and every option that the program's --help shows, and its version.
source "$(dirname "$0")/lib.sh"
page=${ENVGUARD_MAN:?set ENVGUARD_MAN to the generated envguard.1}

warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
expect_eq "groff -man -Tutf8 -ww: no warning" "" "$warnings"
rendered=$(LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -E UTF-8 -P cat -l "$page" 2>"$scratch/man.err")
expect_eq "man -l --warnings: no warning" "" "$(cat "$scratch/man.err")"
plain=$(printf '%s\n' "$rendered" | sed 's/.\x08//g')  # no overstrike, whatever the pager settings
expect_contains "the NAME section" "envguard - run commands with an exact environment" "$plain"
expect_contains "the version" "$("$ENVGUARD" --version)" "$plain"
for sub in $("$ENVGUARD" --help | sed -n '/^Subcommands:/,$s/^  \([a-z][a-z0-9-]*\) .*/\1/p'); do
  expect_contains "subcommand $sub has a section" "envguard $sub" "$plain"
  for o in $("$ENVGUARD" "$sub" --help | sed -n '/^Options:/,/^$/p' | grep -oE '^  -[-a-zA-Z,]+' | tr ',' ' '); do
    expect_contains "  ...and its option $o" "$o" "$(printf '%s\n' "$plain" | sed -n "/^   envguard $sub\$/,/^   envguard /p")"
  done
done
expect_contains "the exit status section" "EXIT STATUS" "$plain"
finish
