#include "run_words.hpp"

#include "../cli_support.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>

namespace launcher {

std::vector<std::string> run_words(const std::vector<std::string>& remaining,
                                   const std::vector<std::string>& after_dashes, bool had_dashes,
                                   const std::vector<std::string>& known_options) {
    // prefix_command() hands over an unknown option as if it started the command; GNU env refuses
    // it, and so do we (a command starting with '-' goes after --)
    for (const auto& word : remaining) {
        if (word.find('=') != std::string::npos) continue;
        if (word.size() > 1 && word.front() == '-') {
            const bool known = std::find(known_options.begin(), known_options.end(), word) != known_options.end();
            usage_error(known ? fmt::format("envguard: run: {} must come before NAME=VALUE and the command", word)
                              : fmt::format("envguard: run: unknown option {} (a command that starts with '-' "
                                            "goes after --)",
                                            shell_quote(word)));
        }
        break;
    }
    std::vector<std::string> words = remaining;
    const bool command_started =
        std::any_of(words.begin(), words.end(), [](const std::string& w) { return w.find('=') == std::string::npos; });
    if (had_dashes && command_started) words.push_back("--");
    words.insert(words.end(), after_dashes.begin(), after_dashes.end());
    return words;
}

RunWords split_run_words(const std::vector<std::string>& words) {
    RunWords out;
    std::size_t first_command_word = 0;
    for (; first_command_word < words.size(); ++first_command_word) {
        const std::string& word = words[first_command_word];
        const auto equals = word.find('=');
        if (equals == std::string::npos) break;
        out.assignments.emplace_back(word.substr(0, equals), word.substr(equals + 1));
    }
    out.command.assign(words.begin() + static_cast<std::ptrdiff_t>(first_command_word), words.end());
    return out;
}

bool runs_cargo(const std::vector<std::string>& command) {
    return !command.empty() && std::filesystem::path(command.front()).stem() == "cargo";
}

PredictFor cargo_command_predicts(const std::vector<std::string>& command) {
    const bool tests = command.size() > 1 && (command[1] == "llvm-cov" || command[1] == "test");
    return tests ? PredictFor::coverage : PredictFor::build;
}

std::optional<std::vector<std::string>> cargo_llvm_cov_arguments(const std::vector<std::string>& command) {
    if (command.size() > 1 && command[1] == "llvm-cov")
        return std::vector<std::string>(command.begin() + 2, command.end());
    return std::nullopt;
}

} // namespace launcher
