// envguard run [-i] [-u NAME]... [--profile P] [--config FILE] [--prepend-path NAME=DIR]...
//              [--append-path NAME=DIR]... [--dry-run] [--no-preflight] [NAME=VALUE]... [--] [COMMAND [ARG]...]
#include "commands.hpp"
#include "run_words.hpp"

#include "../cargo_context.hpp"
#include "../profile_file.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

namespace launcher {

namespace {

struct RunOptions {
    bool ignore_environment = false;
    std::vector<std::string> unset;
    std::string profile;
    std::string config_file;
    std::vector<std::string> prepend_path;
    std::vector<std::string> append_path;
    bool dry_run = false;
    bool no_preflight = false;
};

// The overlay RUN's options and leading NAME=VALUE words make (the profile's operations first).
envguard::EnvOverlay run_overlay(const RunOptions& options, const RunWords& words) {
    envguard::EnvOverlay overlay;
    if (options.ignore_environment) overlay.clear();
    if (!options.profile.empty()) {
        const envguard::Profile profile = resolve_profile(options.profile, options.config_file);
        for (const auto& op : profile.overlay.operations()) add_operation(overlay, op);
    }
    for (const auto& name : options.unset) overlay.unset(name);
    for (const auto& [name, value] : words.assignments) overlay.set(name, value);
    for (const auto& text : options.prepend_path) {
        const auto [name, dir] = split_name_dir(text, "--prepend-path");
        overlay.prepend_path(name, dir);
    }
    for (const auto& text : options.append_path) {
        const auto [name, dir] = split_name_dir(text, "--append-path");
        overlay.append_path(name, dir);
    }
    return overlay;
}

int run_command(const RunOptions& options, const std::vector<std::string>& words) {
    const envguard::EnvSnapshot parent = envguard::EnvSnapshot::capture();
    const RunWords split = split_run_words(words);
    envguard::EnvOverlay overlay = run_overlay(options, split);
    const std::vector<std::string>& command = split.command;
    // With a profile, before a cargo command: the coverage rule for a workspace sccache, and the
    // preflight (check's prediction on the child's environment).
    std::optional<CargoContext> context;
    if (!options.profile.empty() && runs_cargo(command)) context = find_cargo_context(parent);
    if (context) {
        const std::string note = neutralize_workspace_sccache(overlay, parent, context->config, context->dir, context->root);
        if (!note.empty()) fmt::print(stderr, "{}\n", note);
    }
    const envguard::EnvSnapshot child = overlay.render(parent);
    if (options.dry_run) {
        print_changes(parent, child);
        fmt::print("command: {}\n", command.empty() ? "(none: the environment would be printed)"
                                                    : join_command(command));
    }
    // (a dry run makes it too, after printing: its exit status says whether the real run would start)
    if (context && !options.no_preflight) {
        const std::optional<std::vector<std::string>> llvm_cov_args = cargo_llvm_cov_arguments(command);
        if (!preflight_passes(*context, child, cargo_command_predicts(command), join_command(command), llvm_cov_args))
            return exit_envguard_error;
    }
    if (options.dry_run) return 0;
    if (command.empty()) { // like env: print the environment the command would have had
        for (const auto& [name, value] : child) fmt::print("{}={}\n", name, value);
        return 0;
    }
    std::fflush(stdout);
    envguard::exec(command, child); // returns only by throwing
}

} // namespace

void add_run(CLI::App& app, CommandTable& commands) {
    auto options = std::make_shared<RunOptions>();
    CLI::App* run = app.add_subcommand("run", "Run COMMAND with a changed environment (like env)");
    run->prefix_command(); // the first NAME=VALUE or command word ends the options
    run->add_flag("-i,--ignore-environment", options->ignore_environment, "Start from an empty environment");
    add_repeated_option(*run, "-u,--unset", options->unset, "Remove NAME from the environment", "NAME");
    run->add_option("--profile", options->profile, "Apply a profile first (see `envguard profiles`)")
        ->type_name("P")
        ->check(not_an_option);
    run->add_option("--config", options->config_file, "Read profiles from FILE only (default: envguard.toml "
                                                       "here and upwards, then the user's)")
        ->type_name("FILE")
        ->check(not_an_option);
    add_repeated_option(*run, "--prepend-path", options->prepend_path, "Put DIR first in the path list NAME",
                        "NAME=DIR");
    add_repeated_option(*run, "--append-path", options->append_path, "Put DIR last in the path list NAME",
                        "NAME=DIR");
    run->add_flag("--dry-run", options->dry_run, "Print each variable before -> after and the command; run nothing");
    run->add_flag("--no-preflight", options->no_preflight,
                  "With --profile and a cargo command: run it even when check predicts a failure");
    run->footer("NAME=VALUE sets (NAME= sets to the empty string, not unset). Without COMMAND, prints "
                "the environment.\nExamples:\n"
                "  envguard run --profile coverage -- cargo llvm-cov --html\n"
                "  envguard run RUSTC_WRAPPER= CARGO_INCREMENTAL=1 -u CARGO_TARGET_DIR -- cargo build\n"
                "Exit status: the command's; 125 envguard's own error; 126 not executable; 127 not found.");
    commands.add(run, [run, options, &commands] {
        std::vector<std::string> known;
        for (const CLI::Option* option : run->get_options())
            for (const auto& name : option->get_lnames()) known.push_back("--" + name);
        for (const CLI::Option* option : run->get_options())
            for (const auto& name : option->get_snames()) known.push_back("-" + name);
        const std::vector<std::string> words =
            run_words(run->remaining(), commands.line().after_dashes, commands.line().had_dashes, known);
        return run_command(*options, words);
    });
}

} // namespace launcher
