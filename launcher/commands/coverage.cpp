// envguard coverage [--mode M | --html | --lcov | ...] [-p PKG,...] [--exclude PKG,...] [--clean]
//                   [--output-path FILE] [--dry-run] [--no-preflight] [-- EXTRA cargo llvm-cov ARGS]
#include "commands.hpp"
#include "coverage_mode.hpp"

#include "../cargo_context.hpp"
#include "../child_process.hpp"
#include "../llvm_cov.hpp"
#include "../workspace.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

namespace launcher {

namespace {

struct CoverageOptions {
    std::string mode;
    std::vector<std::string> mode_flags; // --html, --lcov, ...: shorthands for --mode
    std::vector<std::string> packages;
    std::vector<std::string> exclude;
    bool workspace = false;
    bool clean = false;
    std::string output_path;
    bool output_path_given = false;
    std::vector<std::string> features;
    bool all_features = false;
    bool no_default_features = false;
    bool dry_run = false;
    bool no_preflight = false;
};

// The library's coverage options for the command line's, validated; EXTRA goes to cargo llvm-cov.
envguard::CoverageOptions library_options(const CoverageOptions& given, const std::vector<std::string>& extra) {
    envguard::CoverageOptions options;
    const std::string mode_name = chosen_coverage_mode(given.mode, given.mode_flags);
    const auto mode = envguard::parse_coverage_mode(mode_name);
    if (!mode) usage_error(unknown_coverage_mode_message(mode_name));
    options.mode = *mode;
    options.packages = split_commas(given.packages);
    options.exclude = split_commas(given.exclude);
    if (given.workspace && !options.packages.empty())
        usage_error("envguard: coverage: --workspace and -p/--package: choose one (--workspace is the default; "
                    "-p names the packages instead)");
    options.clean = given.clean;
    if (given.output_path_given) options.output_path = given.output_path;
    options.features = split_commas(given.features);
    options.no_default_features = given.no_default_features;
    options.all_features = given.all_features || (options.features.empty() && !options.no_default_features);
    options.extra_args = extra;
    (void)envguard::CoverageProfile::commands(options); // validates the options before anything is read
    return options;
}

// The pyo3 crates of the workspace, from cargo's own resolved graph (`cargo metadata`), or from the
// manifests when cargo metadata cannot run (said on stderr). MEMBERS gets every member's name.
std::vector<std::string> pyo3_crates(const envguard::EnvSnapshot& child, const envguard::CoverageOptions& options,
                                     std::vector<std::string>& members) {
    std::string why;
    try {
        const std::string cargo = envguard::find_program("cargo", child);
        std::string command = popen_quote(cargo) + " metadata --format-version 1";
        if (options.all_features) command += " --all-features";
        if (options.no_default_features) command += " --no-default-features";
        if (!options.features.empty()) {
            std::string list;
            for (const auto& feature : options.features) list += (list.empty() ? "" : ",") + feature;
            command += " --features " + popen_quote(list);
        }
#ifndef _WIN32
        // cargo metadata runs `rustc -vV` through the wrappers: not through a refusing sccache
        command = "RUSTC_WRAPPER= RUSTC_WORKSPACE_WRAPPER= " + command;
#endif
        std::string output, errors;
        const int status = capture_command_output(command, output, errors);
        if (status == 0) {
            const auto found = members_depending_on(output, "pyo3");
            members = found.members;
            return found.depending;
        }
        while (!errors.empty() && (errors.back() == '\n' || errors.back() == '\r')) errors.pop_back();
        const auto last_line = errors.rfind('\n');
        why = "`cargo metadata` failed: " + (errors.empty() ? std::string("no message")
                                                             : errors.substr(last_line == std::string::npos ? 0 : last_line + 1));
        // cargo itself cannot load this workspace: so cannot cargo llvm-cov
        if (errors.find("failed to parse manifest") != std::string::npos ||
            errors.find("failed to load manifest") != std::string::npos ||
            errors.find("invalid type") != std::string::npos)
            throw ManifestError("envguard: cargo cannot load this workspace:\n" + errors);
    } catch (const envguard::EnvError& error) {
        why = std::string("cargo is not on PATH (") + error.what() + ")";
    } catch (const ManifestError& error) {
        if (why.empty()) why = error.what();
        else throw;
    }
    fmt::print(stderr, "envguard: fast mode: {}; reading the Cargo.toml files instead (this misses what only "
                       "cargo resolves: pyo3 reached through crates outside the workspace, as numpy's)\n",
               why);
    const auto workspace = load_workspace(std::filesystem::current_path());
    members.clear();
    for (const auto& crate : workspace.members) members.push_back(crate.name);
    return crates_depending_on(workspace, "pyo3");
}

// Fast mode without --exclude: the crates that depend on pyo3 are left out (said on stderr).
void leave_out_pyo3_crates(envguard::CoverageOptions& options, const envguard::EnvSnapshot& child) {
    std::vector<std::string> members;
    const std::vector<std::string> pyo3 = pyo3_crates(child, options, members);
    if (options.packages.empty()) {
        if (!members.empty() && pyo3.size() == members.size())
            throw ManifestError(fmt::format(
                "envguard: fast mode: every workspace member depends on pyo3 ({}), so nothing would be "
                "left to cover (cargo: \"no packages to compile\"); use another mode",
                join_command(pyo3)));
        options.exclude = pyo3;
        fmt::print(stderr, "envguard: fast mode: excluding {} (the workspace crates that depend on pyo3)\n",
                   pyo3.empty() ? std::string("nothing") : join_command(pyo3));
        return;
    }
    // fast with -p: the packages given, minus those that depend on pyo3 (said, never silent)
    std::vector<std::string> kept, dropped;
    for (const auto& package : options.packages)
        (std::find(pyo3.begin(), pyo3.end(), package) != pyo3.end() ? dropped : kept).push_back(package);
    if (kept.empty())
        throw ManifestError(fmt::format(
            "envguard: fast mode: every package given depends on pyo3 ({}); fast mode leaves those "
            "out, so nothing would be left (use --mode html to cover them)",
            join_command(dropped)));
    options.packages = kept;
    fmt::print(stderr, "envguard: fast mode: {} (of the packages given){}\n",
               dropped.empty() ? std::string("none depends on pyo3")
                               : "leaving out " + join_command(dropped) + " (depending on pyo3)",
               dropped.empty() ? "" : "; covering " + join_command(kept));
}

// 0 when cargo and cargo-llvm-cov can be found in CHILD; else says what to install and returns 127.
int missing_coverage_tools(const envguard::EnvSnapshot& child) {
    try {
        (void)envguard::find_program("cargo", child);
    } catch (const envguard::EnvError&) {
        fmt::print(stderr, "envguard: cargo is not on PATH: install Rust (https://rustup.rs), or put "
                           "~/.cargo/bin on PATH\n");
        return exit_not_found;
    }
    // cargo finds `cargo llvm-cov` as a program cargo-llvm-cov on PATH or in $CARGO_HOME/bin.
    if (!find_cargo_llvm_cov(child)) {
        fmt::print(stderr,
                   "envguard: `cargo llvm-cov` is not installed (no cargo-llvm-cov on PATH or in "
                   "$CARGO_HOME/bin).\nInstall it with:\n  cargo install cargo-llvm-cov --locked\n  rustup "
                   "component add llvm-tools-preview\n");
        return exit_not_found;
    }
    return 0;
}

// Runs COMMANDS one after the other in CHILD, stopping at the first failure or stop signal.
int run_coverage_commands(const std::vector<std::vector<std::string>>& commands, const envguard::EnvSnapshot& child) {
    int status = 0;
    const StopSignals stop; // SIGINT/SIGTERM/...: passed on to the running command
    for (const auto& argv : commands) {
        std::fflush(stdout);
        status = run_forwarding_stop_signals(argv, child);
        if (const int signal = stop.received()) { // the command has ended; nothing more is started
            fmt::print(stderr, "envguard: stopped by {} while `{}` ran (it exited with status {}); "
                               "nothing more is run\n",
                       signal_name(signal), join_command(argv), status);
            return 128 + signal;
        }
        if (status != 0) {
            fmt::print(stderr, "envguard: `{}` exited with status {}\n", join_command(argv), status);
            return status;
        }
    }
    return status;
}

int run_coverage(const CoverageOptions& given, const std::vector<std::string>& extra) {
    envguard::CoverageOptions options = library_options(given, extra);
    const envguard::EnvSnapshot parent = envguard::EnvSnapshot::capture();
    // cargo llvm-cov works in a cargo project: outside one, say so (for every mode and --dry-run)
    std::optional<CargoContext> context = find_cargo_context(parent);
    if (!context)
        throw ManifestError(fmt::format(
            "envguard: coverage: no Cargo.toml in {} or any parent directory: run it in a cargo project",
            std::filesystem::current_path().string()));
    envguard::EnvOverlay overlay = envguard::CoverageProfile::llvm_cov().overlay();
    const std::string note = neutralize_workspace_sccache(overlay, parent, context->config, context->dir, context->root);
    if (!note.empty()) fmt::print(stderr, "{}\n", note);
    const envguard::EnvSnapshot child = overlay.render(parent);
    if (options.mode == envguard::CoverageMode::fast && options.exclude.empty()) leave_out_pyo3_crates(options, child);
    const auto commands = envguard::CoverageProfile::commands(options);

    if (given.dry_run) {
        print_changes(parent, child);
        for (const auto& argv : commands) fmt::print("command: {}\n", join_command(argv));
    }
    // (a dry run makes it too, after printing: its exit status says whether the real run would start)
    if (!given.no_preflight &&
        !preflight_passes(*context, child, PredictFor::coverage, join_command(commands.back()), extra))
        return exit_envguard_error;
    if (given.dry_run) return 0;
    if (const int status = missing_coverage_tools(child)) return status;
    return run_coverage_commands(commands, child);
}

} // namespace

void add_coverage(CLI::App& app, CommandTable& commands) {
    auto options = std::make_shared<CoverageOptions>();
    CLI::App* coverage = app.add_subcommand(
        "coverage", "Run cargo llvm-cov with sccache bypassed: RUSTC_WRAPPER=\"\", CARGO_INCREMENTAL=1, "
                    "no CARGO_TARGET_DIR");
    coverage->add_option("--mode", options->mode, "html (default), open, text, lcov, json, fast, ci or cobertura")
        ->type_name("MODE")
        ->check(not_an_option)
        ->check(one_of(coverage_mode_names(), unknown_coverage_mode_message, true));
    for (auto mode : envguard::all_coverage_modes) {
        const std::string name(envguard::to_string(mode));
        if (mode == envguard::CoverageMode::fast || mode == envguard::CoverageMode::ci) continue;
        coverage->add_flag_callback("--" + name, [options, name] { options->mode_flags.push_back(name); },
                                    "Same as --mode " + name);
    }
    add_repeated_option(*coverage, "-p,--package,--packages", options->packages,
                        "Only these packages (a,b or repeated)", "PKG,...");
    coverage->add_flag("--workspace", options->workspace, "The whole workspace (the default without -p)");
    add_repeated_option(*coverage, "--exclude", options->exclude,
                        "Leave these workspace packages out (fast mode: instead of the pyo3 crates)", "PKG,...");
    add_repeated_option(*coverage, "-F,--features", options->features,
                        "Build with these features (instead of --all-features)", "FEATURES");
    coverage->add_flag("--all-features", options->all_features, "Build with every feature (the default)");
    coverage->add_flag("--no-default-features", options->no_default_features,
                       "Build without the default features (instead of --all-features)");
    coverage->add_flag("--no-preflight", options->no_preflight, "Run even when check predicts that the build will fail");
    coverage->add_flag("--clean", options->clean, "Run `cargo llvm-cov clean --workspace` first");
    CLI::Option* output_path = coverage->add_option("--output-path", options->output_path,
                                                    "Report file for the lcov, json, ci and cobertura modes")
                                   ->type_name("FILE")
                                   ->check(not_an_option);
    coverage->add_flag("--dry-run", options->dry_run, "Print the environment changes and the commands; run nothing");
    coverage->footer("Arguments after -- go to `cargo llvm-cov` as they are.\nExamples:\n"
                     "  envguard coverage --mode open\n"
                     "  envguard coverage --mode text -p my-crate\n"
                     "  envguard coverage --mode lcov --clean -- --no-cfg-coverage\n"
                     "Exit status: cargo's; 125 envguard's own error; 127 cargo-llvm-cov not installed.");
    commands.add(coverage, [coverage, output_path, options, &commands] {
        options->output_path_given = output_path->count() > 0;
        const std::vector<std::string> unexpected = coverage->remaining();
        if (!unexpected.empty()) {
            const std::string& first = unexpected.front();
            usage_error(fmt::format("envguard: coverage: unexpected {}{}; put cargo llvm-cov arguments after --",
                                    join_command(unexpected),
                                    suggestion(first.substr(0, first.find('=')), long_option_names(*coverage))));
        }
        return run_coverage(*options, commands.line().after_dashes);
    });
}

} // namespace launcher
