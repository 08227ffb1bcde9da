#include "cli_support.hpp"


#include <fmt/core.h>

#ifdef _WIN32
#    include <shellapi.h> // CommandLineToArgvW (windows.h comes with envguard's Windows backend)
#endif

#include <algorithm>

namespace launcher {

void usage_error(const std::string& message) { throw UsageError(message); }

std::vector<std::string> program_arguments(int argc, char** argv) {
#ifdef _WIN32
    (void)argc;
    (void)argv;
    std::vector<std::string> args;
    int count = 0;
    wchar_t** wide = ::CommandLineToArgvW(::GetCommandLineW(), &count);
    for (int i = 1; wide != nullptr && i < count; ++i) args.push_back(envguard::to_utf8(wide[i]));
    if (wide != nullptr) ::LocalFree(wide);
    return args;
#else
    if (argc < 1) return {};
    return std::vector<std::string>(argv + 1, argv + argc);
#endif
}

DashSplit split_at_dashes(std::vector<std::string> args) {
    DashSplit split;
    const auto dashes = std::find(args.begin(), args.end(), "--");
    if (dashes != args.end()) {
        split.after_dashes.assign(dashes + 1, args.end());
        args.erase(dashes, args.end());
        split.had_dashes = true;
    }
    split.options = std::move(args);
    return split;
}

int print_env_error(const envguard::EnvError& error) {
    fmt::print(stderr, "{}\n", error.what());
    if (error.code() == envguard::errc::command_not_found) return exit_not_found;
    if (error.code() == envguard::errc::command_not_executable) return exit_not_executable;
    return exit_envguard_error;
}

std::string display_value(const std::optional<std::string>& value) {
    if (!value) return "unset";
    if (value->empty()) return "\"\" (set to empty, not unset)";
    return envguard::quote_value(*value);
}

std::string shell_quote(const std::string& arg) {
    if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789-_./=:,+@%") == std::string::npos)
        return arg;
    std::string out = "'";
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string join_command(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& arg : argv) out += (out.empty() ? "" : " ") + shell_quote(arg);
    return out;
}

std::pair<std::string, std::string> split_name_dir(const std::string& text, const char* option) {
    const auto equals = text.find('=');
    if (equals == std::string::npos)
        usage_error(fmt::format("envguard: {} wants NAME=DIR, got {}", option, shell_quote(text)));
    return {text.substr(0, equals), text.substr(equals + 1)};
}

std::vector<std::string> split_commas(const std::vector<std::string>& values) {
    std::vector<std::string> out;
    for (const auto& value : values) {
        std::size_t start = 0;
        for (;;) {
            const auto comma = value.find(',', start);
            out.push_back(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    return out;
}

std::optional<std::string> did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = 3; // at most 2 edits
    for (const auto& candidate : candidates) {
        std::vector<std::size_t> row(candidate.size() + 1);
        for (std::size_t j = 0; j <= candidate.size(); ++j) row[j] = j;
        for (std::size_t i = 1; i <= word.size(); ++i) {
            std::size_t diagonal = row[0];
            row[0] = i;
            for (std::size_t j = 1; j <= candidate.size(); ++j) {
                const std::size_t above = row[j];
                row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] == candidate[j - 1] ? 0 : 1)});
                diagonal = above;
            }
        }
        if (row[candidate.size()] < best_distance) {
            best_distance = row[candidate.size()];
            best = candidate;
        }
    }
    return best;
}

std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
    const auto best = did_you_mean(word, candidates);
    return best ? fmt::format(" (did you mean {}?)", *best) : std::string();
}

const CLI::Validator not_an_option(
    [](std::string& value) -> std::string {
        if (value.size() > 1 && value.front() == '-')
            return "needs a value, but got " + value + " (an option?)";
        return {};
    },
    "", "not an option");

CLI::Option* add_repeated_option(CLI::App& app, const std::string& names, std::vector<std::string>& values,
                                 const std::string& help, const std::string& type_name) {
    return app.add_option(names, values, help)->type_name(type_name)->allow_extra_args(false)->check(not_an_option);
}

CLI::Validator one_of(std::vector<std::string> known, std::string (*message)(const std::string& value),
                      bool allow_empty) {
    return CLI::Validator(
        [known = std::move(known), message, allow_empty](std::string& value) -> std::string {
            if (allow_empty && value.empty()) return {};
            if (std::find(known.begin(), known.end(), value) == known.end()) usage_error(message(value));
            return {};
        },
        "", "one of");
}

void print_changes(const envguard::EnvSnapshot& before, const envguard::EnvSnapshot& after) {
    const envguard::EnvOverlay changes = before.diff(after);
    if (changes.empty()) fmt::print("(no variable changes)\n");
    for (const auto& op : changes.operations())
        fmt::print("{}: {} -> {}\n", op.name, display_value(before.get(op.name)), display_value(after.get(op.name)));
}

void print_findings(std::FILE* out, const std::vector<envguard::Finding>& findings, envguard::Severity at_least,
                    const char* prefix) {
    for (const auto& finding : findings)
        if (finding.severity >= at_least)
            fmt::print(out, "{}{}: {}{}\n    fix: {}\n", prefix, envguard::to_string(finding.severity),
                       finding.variable.empty() ? std::string() : finding.variable + ": ", finding.problem,
                       finding.fix);
}

} // namespace launcher
