// What every subcommand of the launcher shares: exit codes, the program's arguments (UTF-8 on
// Windows too) split at the first "--", how errors are printed, quoting and splitting of option
// values, the validators the options use, and the output lines common to run, coverage and check.
#pragma once

#include <envguard/envguard.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace launcher {

// Exit codes of GNU env: 125 our own error, 126 found but not runnable, 127 not found.
constexpr int exit_envguard_error = 125;
constexpr int exit_not_executable = 126;
constexpr int exit_not_found = 127;

// A command line the user got wrong: its message is printed as it is, and the exit status is 125.
class UsageError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

[[noreturn]] void usage_error(const std::string& message);

// The program's arguments without argv[0]. On Windows, from the real (UTF-16) command line converted to
// UTF-8, since the CRT's argv is in the ANSI code page.
std::vector<std::string> program_arguments(int argc, char** argv);

// The arguments split at the first "--": what comes after it is the command (run) or extra
// `cargo llvm-cov` arguments (coverage), kept away from CLI11 so that it is passed on exactly as given.
struct DashSplit {
    std::vector<std::string> options;      // before the first "--"
    std::vector<std::string> after_dashes; // after it
    bool had_dashes = false;               // whether there was a "--" at all
};
DashSplit split_at_dashes(std::vector<std::string> args);

// Prints ERROR's message on stderr; returns the exit status it means (127, 126 or 125).
int print_env_error(const envguard::EnvError& error);

// A value as check and --dry-run show it: unset, "" (set to empty, not unset), or quoted.
std::string display_value(const std::optional<std::string>& value);

// ARG as a POSIX shell would need it written, for printing commands (and for popen on POSIX).
std::string shell_quote(const std::string& arg);

// ARGV as one shell-quoted line.
std::string join_command(const std::vector<std::string>& argv);

// "NAME=DIR" for --prepend-path/--append-path (OPTION names the option in the error).
std::pair<std::string, std::string> split_name_dir(const std::string& text, const char* option);

// "a,b" -> {"a", "b"}, keeping empty pieces so that the library refuses "a," and ",a" by name.
std::vector<std::string> split_commas(const std::vector<std::string>& values);

// The candidate closest to WORD by edit distance, when it is close enough (at most 2 edits) to be a typo.
std::optional<std::string> did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean X?)" for did_you_mean's answer, or "".
std::string suggestion(const std::string& word, const std::vector<std::string>& candidates);

// An option's value that is really the next option (`-u --dry-run`): refused, so that a dry run the
// user asked for is never taken as a value and a command run instead.
extern const CLI::Validator not_an_option;

// A repeatable option of APP that collects into VALUES: one value per occurrence (`-u A -u B`; never
// the following words) that is not an option (not_an_option), shown as TYPE_NAME in the help.
CLI::Option* add_repeated_option(CLI::App& app, const std::string& names, std::vector<std::string>& values,
                                 const std::string& help, const std::string& type_name);

// A value from KNOWN (the empty string too when ALLOW_EMPTY): any other value throws UsageError with
// MESSAGE(value), so that the user sees the launcher's own sentence, not CLI11's.
CLI::Validator one_of(std::vector<std::string> known, std::string (*message)(const std::string& value),
                      bool allow_empty);

// Each variable whose value differs between BEFORE and AFTER, as "NAME: before -> after", on stdout.
void print_changes(const envguard::EnvSnapshot& before, const envguard::EnvSnapshot& after);

// The findings of severity AT_LEAST or more, each with its fix, every line starting with PREFIX.
void print_findings(std::FILE* out, const std::vector<envguard::Finding>& findings, envguard::Severity at_least,
                    const char* prefix);

} // namespace launcher
