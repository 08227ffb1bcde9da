// main's work after the subcommands are registered: parse, report errors, run the one named.
#include "commands.hpp"

#include "../workspace.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <exception>

namespace launcher {

std::vector<std::string> CommandTable::names() const {
    std::vector<std::string> out;
    for (const auto& entry : entries_) out.push_back(entry.subcommand->get_name());
    return out;
}

std::vector<CLI::App*> CommandTable::subcommands() const {
    std::vector<CLI::App*> out;
    for (const auto& entry : entries_) out.push_back(entry.subcommand);
    return out;
}

int CommandTable::run_parsed() const {
    for (const auto& entry : entries_)
        if (entry.subcommand->parsed()) return entry.action();
    return exit_envguard_error;
}

std::vector<std::string> long_option_names(const CLI::App& subcommand) {
    std::vector<std::string> names;
    for (const CLI::Option* option : subcommand.get_options())
        for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    return names;
}

namespace {

// The first word of ARGS when it looks like a subcommand but is none of NAMES.
bool names_unknown_subcommand(const std::vector<std::string>& args, const std::vector<std::string>& names) {
    return !args.empty() && !args.front().empty() && args.front().front() != '-' &&
           std::find(names.begin(), names.end(), args.front()) == names.end();
}

// For an unknown option: " (did you mean --X?)" with the nearest option of the subcommand given, or "".
std::string unknown_option_hint(const CommandTable& commands) {
    for (CLI::App* subcommand : commands.subcommands()) {
        if (!subcommand->parsed()) continue;
        const std::vector<std::string> names = long_option_names(*subcommand);
        for (const auto& word : subcommand->remaining()) {
            if (word.rfind("--", 0) != 0) continue;
            const std::string option = word.substr(0, word.find('='));
            if (option == "--package" || option == "--mode") continue;
            const std::string hint = suggestion(option, names);
            if (!hint.empty()) return hint;
        }
    }
    return {};
}

std::string comma_list(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
    return out;
}

} // namespace

int dispatch(CLI::App& app, const CommandTable& commands) {
    std::vector<std::string> args = commands.line().options;
    if (args.empty() && !commands.line().had_dashes) { // bare `envguard`: what it can do
        fmt::print("{}", app.help());
        return 0;
    }
    const std::vector<std::string> names = commands.names();
    if (names_unknown_subcommand(args, names)) {
        fmt::print(stderr, "envguard: unknown subcommand {}{} (known: {})\n", shell_quote(args.front()),
                   suggestion(args.front(), names), comma_list(names));
        return exit_envguard_error;
    }
    try {
        std::string program_name = "envguard";
        std::vector<char*> pointers{program_name.data()};
        for (auto& arg : args) pointers.push_back(arg.data());
        app.parse(static_cast<int>(pointers.size()), pointers.data());
        return commands.run_parsed();
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "envguard: {}{}\n", e.what(), unknown_option_hint(commands));
        return exit_envguard_error;
    } catch (const envguard::EnvError& error) {
        return print_env_error(error);
    } catch (const std::exception& error) { // UsageError, ManifestError, ProfileFileError, ...
        fmt::print(stderr, "{}\n", error.what());
        return exit_envguard_error;
    }
}

} // namespace launcher
