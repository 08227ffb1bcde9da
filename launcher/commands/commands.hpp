// The launcher's subcommands, one file each: add_<command> registers the subcommand on the app with
// its options, and with the action that runs it once the whole command line has been parsed (CLI11
// runs its own callbacks before --help is looked at, so the actions wait for main's dispatch).
#pragma once

#include "../cli_support.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace launcher {

// The subcommands registered, each with its action; and the words after "--", which the actions take.
class CommandTable {
public:
    explicit CommandTable(DashSplit line) : line_(std::move(line)) {}

    const DashSplit& line() const { return line_; }
    void add(CLI::App* subcommand, std::function<int()> action) {
        entries_.push_back({subcommand, std::move(action)});
    }
    std::vector<std::string> names() const; // "run", "coverage", ... in the order added
    std::vector<CLI::App*> subcommands() const;
    // The action of the subcommand the command line named (exit status), or 125 when none was parsed.
    int run_parsed() const;

private:
    struct Entry {
        CLI::App* subcommand;
        std::function<int()> action;
    };
    DashSplit line_;
    std::vector<Entry> entries_;
};

void add_run(CLI::App& app, CommandTable& commands);
void add_coverage(CLI::App& app, CommandTable& commands);
void add_check(CLI::App& app, CommandTable& commands);
void add_profiles(CLI::App& app, CommandTable& commands);

// The long names of SUBCOMMAND's options ("--mode", ...), for a did-you-mean.
std::vector<std::string> long_option_names(const CLI::App& subcommand);

// Parses the command line and runs the subcommand it names: help, --version, unknown subcommands and
// options (with a did-you-mean), and every error printed as the user sees it. Returns the exit status.
int dispatch(CLI::App& app, const CommandTable& commands);

} // namespace launcher
