// How `envguard coverage` picks its mode from --mode and the shorthands (--html, --lcov, ...).
// Pure functions (tests/launcher/cli_spec.cpp).
#pragma once

#include <string>
#include <vector>

namespace launcher {

// Every coverage mode's name, in the library's order.
std::vector<std::string> coverage_mode_names();

// "envguard: unknown coverage mode "NAME" (did you mean X?) (known: html, ...)".
std::string unknown_coverage_mode_message(const std::string& name);

// The mode --mode MODE and the shorthand flags FLAGS name ("html" when none): UsageError when two
// different ones were given.
std::string chosen_coverage_mode(const std::string& mode, const std::vector<std::string>& flags);

} // namespace launcher
