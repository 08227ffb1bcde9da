// The words `envguard run` gets after its options, as GNU env reads them: leading NAME=VALUE
// assignments, then the command. Pure functions (tests/launcher/cli_spec.cpp).
#pragma once

#include "../cargo_config.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace launcher {

// REMAINING (what CLI11 left after run's options: prefix_command() hands over the first NAME=VALUE or
// command word and all after it), then AFTER_DASHES. A "--" between them is kept when the command had
// started before it (it belongs to the command); NAME=VALUE words after "--" are still assignments, as
// with GNU env. An option among the leading words is refused with UsageError: KNOWN_OPTIONS ("--unset",
// "-u", ...) must come before NAME=VALUE and the command, and an unknown one is refused (a command
// that starts with '-' goes after --).
std::vector<std::string> run_words(const std::vector<std::string>& remaining,
                                   const std::vector<std::string>& after_dashes, bool had_dashes,
                                   const std::vector<std::string>& known_options);

struct RunWords {
    std::vector<std::pair<std::string, std::string>> assignments; // NAME=VALUE, split at the first '='
    std::vector<std::string> command;                             // from the first word without '='
};
RunWords split_run_words(const std::vector<std::string>& words);

// Whether COMMAND runs cargo (a program whose stem is "cargo").
bool runs_cargo(const std::vector<std::string>& command);

// What a cargo COMMAND builds for: coverage for `cargo llvm-cov` and `cargo test`, else build.
PredictFor cargo_command_predicts(const std::vector<std::string>& command);

// The arguments after `cargo llvm-cov` when COMMAND is that, else nullopt.
std::optional<std::vector<std::string>> cargo_llvm_cov_arguments(const std::vector<std::string>& command);

} // namespace launcher
