// envguard — the command-line launcher.
//
//   envguard run [-i] [-u NAME]... [--profile P] [--config FILE] [--prepend-path NAME=DIR]... [--append-path NAME=DIR]...
//                [--dry-run] [NAME=VALUE]... [--] [COMMAND [ARG]...]
//   envguard coverage [--mode M] [-p PKG,...] [--exclude PKG,...] [--clean] [--output-path FILE]
//                     [--dry-run] [-- EXTRA cargo llvm-cov ARGS]
//   envguard check [--profile P] [--config FILE] [--format text|json] [--for build|coverage]
//                  [--manifest-path PATH] [--no-rustc-wrapper]
//   envguard profiles [--config FILE]
//
// Built on envguard's public headers only. The child's environment is computed with render() and
// handed to the child (execve, or spawn-and-wait for several commands); the launcher never changes
// its own environment.
#include "cargo_config.hpp"
#include "child_process.hpp"
#include "llvm_cov.hpp"
#include "profile_file.hpp"
#include "workspace.hpp"

#include <envguard/envguard.hpp>

#include <CLI/CLI.hpp>
#include <fmt/color.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#ifdef _WIN32
#    include <shellapi.h> // CommandLineToArgvW (windows.h comes with envguard's Windows backend)
#    include <io.h>       // _isatty
#    define envguard_isatty _isatty
#    define envguard_popen _popen
#    define envguard_pclose _pclose
#else
#    include <unistd.h>
#    define envguard_isatty isatty
#    define envguard_popen popen
#    define envguard_pclose pclose
#endif

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// Exit codes of GNU env: 125 our own error, 126 found but not runnable, 127 not found.
constexpr int exit_envguard_error = 125;
constexpr int exit_not_executable = 126;
constexpr int exit_not_found = 127;

std::string describe(const std::optional<std::string>& value) {
    if (!value) return "unset";
    if (value->empty()) return "\"\" (set to empty, not unset)";
    return envguard::detail::quote_value(*value);
}

// An argument as a POSIX shell would need it written, for printing commands.
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

// Each variable whose value differs between BEFORE and AFTER, as "NAME: before -> after".
void print_changes(const envguard::EnvSnapshot& before, const envguard::EnvSnapshot& after) {
    const envguard::EnvOverlay changes = before.diff(after);
    if (changes.empty()) fmt::print("(no variable changes)\n");
    for (const auto& op : changes.operations())
        fmt::print("{}: {} -> {}\n", op.name, describe(before.get(op.name)), describe(after.get(op.name)));
}

int report(const envguard::EnvError& error) {
    fmt::print(stderr, "{}\n", error.what());
    if (error.code() == envguard::errc::command_not_found) return exit_not_found;
    if (error.code() == envguard::errc::command_not_executable) return exit_not_executable;
    return exit_envguard_error;
}

[[noreturn]] void usage_error(const std::string& message) { throw std::invalid_argument(message); }

// "NAME=DIR" for --prepend-path/--append-path.
std::pair<std::string, std::string> split_name_dir(const std::string& text, const char* option) {
    const auto equals = text.find('=');
    if (equals == std::string::npos)
        usage_error(fmt::format("envguard: {} wants NAME=DIR, got {}", option, shell_quote(text)));
    return {text.substr(0, equals), text.substr(equals + 1)};
}

// A built-in, or a [profile.NAME] from envguard.toml (read only for a name that is not built in, or
// when --config names a file): see launcher/profile_file.hpp.
envguard::Profile require_profile(const std::string& name, const std::string& config_file) {
    return launcher::resolve_profile(name, config_file);
}

// An option's value that is really the next option (`-u --dry-run`): refuse it, so that a dry run
// the user asked for is never taken as a value and a command run instead.
const CLI::Validator not_an_option(
    [](std::string& value) -> std::string {
        if (value.size() > 1 && value.front() == '-')
            return "needs a value, but got " + value + " (an option?)";
        return {};
    },
    "", "not an option");

// "a,b" -> {"a", "b"}, keeping empty pieces so that the library refuses "a," and ",a" by name.
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

// The candidate closest to WORD by edit distance, when it is close enough to be a likely typo.
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

// ARG quoted for the shell popen runs: sh (single quotes) or cmd.exe (double quotes).
std::string command_quote(const std::string& arg) {
#ifdef _WIN32
    return "\"" + arg + "\"";
#else
    return shell_quote(arg);
#endif
}

// The output of COMMAND (a shell command line) and its exit status; stderr goes to ERRORS.
int capture(const std::string& command, std::string& output, std::string& errors) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path error_file = fs::temp_directory_path(ec) /
                                fmt::format("envguard-{}-{}.err", static_cast<unsigned long>(std::rand()),
                                            reinterpret_cast<std::uintptr_t>(&output) & 0xffff);
#ifdef _WIN32
    std::FILE* pipe = envguard_popen(("\"" + command + " 2>\"" + error_file.string() + "\"\"").c_str(), "r");
#else
    std::FILE* pipe = envguard_popen((command + " 2>" + shell_quote(error_file.string())).c_str(), "r");
#endif
    if (pipe == nullptr) return -1;
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
    const int status = envguard_pclose(pipe);
    if (std::FILE* file = std::fopen(error_file.string().c_str(), "r")) {
        while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) errors.append(buffer, got);
        std::fclose(file);
    }
    fs::remove(error_file, ec);
    return status;
}

// What cargo would see from the current directory: its workspace root, its config, the prediction.
struct CargoContext {
    std::filesystem::path dir;  // where cargo runs (config files are found from here, as cargo does)
    std::filesystem::path root; // the workspace root directory
    launcher::CargoConfig config;
    launcher::Prediction prediction;
    std::vector<std::string> sccache_stats;
    bool sccache_found = false;
};

std::vector<std::string> output_of(const std::string& program, const char* argument);

// The prediction for ENV, with the version of the sccache that would run (wrapper or workspace
// wrapper) when it can be asked. WITH_STATS: also its request and cache counts.
launcher::Prediction predict_with_sccache(CargoContext& c, const envguard::EnvSnapshot& env, launcher::PredictFor what,
                                          bool with_stats) {
    launcher::Prediction p = launcher::predict(c.config, env, c.dir, c.root, std::nullopt, what);
    for (const auto* w : {&p.wrapper, &p.workspace_wrapper}) {
        if (!launcher::is_sccache(w->program)) continue;
        try {
            const std::string sccache = envguard::find_program(*w->program, env);
            // Whether it refuses CARGO_INCREMENTAL=1 depends on its version: predict again knowing it.
            const auto version = output_of(sccache, "--version");
            if (!version.empty() && launcher::parse_version(version.front())) {
                const std::string text = version.front().rfind("sccache ", 0) == 0
                                             ? version.front().substr(std::string("sccache ").size())
                                             : version.front();
                p = launcher::predict(c.config, env, c.dir, c.root, text, what);
            }
            c.sccache_found = true;
            if (with_stats) { // starts its server if it is not running: one that cannot start is a finding
                using namespace std::chrono_literals;
                const launcher::SccacheServer server = launcher::probe_sccache_server(sccache, env, 20s);
                c.sccache_stats = server.stats;
                if (!server.problem.empty())
                    p.findings.push_back(launcher::sccache_server_finding(sccache, server.problem, env));
            }
        } catch (const envguard::EnvError&) {
        }
        break;
    }
    return p;
}

// A profile that sets RUSTC_WRAPPER to the empty string bypasses sccache (the coverage profiles do).
// cargo would still run an sccache configured as the workspace wrapper (RUSTC_WORKSPACE_WRAPPER,
// CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER or build.rustc-workspace-wrapper), which refuses the
// CARGO_INCREMENTAL=1 the profile sets: such a profile empties RUSTC_WORKSPACE_WRAPPER too. Returns
// the note to print, or "" when nothing was added.
std::string neutralize_workspace_sccache(envguard::EnvOverlay& overlay, const envguard::EnvSnapshot& parent,
                                         const launcher::CargoConfig& config, const std::filesystem::path& dir,
                                         const std::filesystem::path& root) {
    const envguard::EnvSnapshot child = overlay.render(parent);
    const std::string* wrapper = child.find("RUSTC_WRAPPER");
    const bool bypasses = wrapper && wrapper->empty() && !(parent.find("RUSTC_WRAPPER") && parent.find("RUSTC_WRAPPER")->empty());
    if (!bypasses) return {};
    const launcher::Prediction p = launcher::predict(config, child, dir, root);
    if (!launcher::is_sccache(p.workspace_wrapper.program)) return {};
    overlay.set_empty("RUSTC_WORKSPACE_WRAPPER");
    return fmt::format("envguard: the profile bypasses sccache, and cargo would still run {} as the workspace "
                       "wrapper ({}): RUSTC_WORKSPACE_WRAPPER is set to the empty string too",
                       *p.workspace_wrapper.program, p.workspace_wrapper.rule);
}

// The cargo context of the current directory, or nullopt outside a cargo project.
std::optional<CargoContext> cargo_context(const envguard::EnvSnapshot& env) {
    CargoContext c;
    c.dir = std::filesystem::current_path();
    try {
        c.root = launcher::find_workspace_root(c.dir).parent_path();
    } catch (const launcher::ManifestError&) {
        return std::nullopt;
    }
    c.config = launcher::read_cargo_config(c.dir, env, c.root);
    return c;
}

void print_findings(std::FILE* out, const std::vector<envguard::Finding>& findings, envguard::Severity at_least,
                    const char* prefix) {
    for (const auto& f : findings)
        if (f.severity >= at_least)
            fmt::print(out, "{}{}: {}{}\n    fix: {}\n", prefix, envguard::to_string(f.severity),
                       f.variable.empty() ? std::string() : f.variable + ": ", f.problem, f.fix);
}

// The preflight: check's prediction on the child's environment before anything runs. A predicted
// failure prints the findings and their fixes; the caller exits 125 and runs nothing.
// LLVM_COV_ARGS: the arguments of `cargo llvm-cov` when that is what runs (its version and llvm tools
// are checked too; a missing cargo-llvm-cov is left to the caller's exit 127).
bool preflight_passes(CargoContext& c, const envguard::EnvSnapshot& child, launcher::PredictFor what,
                      const std::string& what_runs,
                      const std::optional<std::vector<std::string>>& llvm_cov_args = std::nullopt) {
    c.prediction = predict_with_sccache(c, child, what, true); // an sccache in the chain: its server answers
    if (llvm_cov_args) {
        const launcher::LlvmCovFacts facts = launcher::gather_llvm_cov_facts(child);
        if (facts.program) {
            const launcher::LlvmCovReport report = launcher::assess_llvm_cov(
                facts, c.config, child, c.prediction, launcher::has_no_rustc_wrapper(*llvm_cov_args), true);
            c.prediction.findings.insert(c.prediction.findings.end(), report.findings.begin(), report.findings.end());
        }
    }
    if (!c.prediction.will_fail()) return true;
    fmt::print(stderr, "envguard: preflight: `{}` would fail here:\n", what_runs);
    print_findings(stderr, c.prediction.findings, envguard::Severity::error, "  ");
    fmt::print(stderr, "envguard: nothing was run (exit 125); fix the above, or pass --no-preflight to run "
                       "anyway\n");
    return false;
}

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

int do_run(const RunOptions& options, const std::vector<std::string>& words) {
    const envguard::EnvSnapshot parent = envguard::EnvSnapshot::capture();
    envguard::EnvOverlay overlay;
    if (options.ignore_environment) overlay.clear();
    if (!options.profile.empty()) {
        const envguard::Profile profile = require_profile(options.profile, options.config_file);
        for (const auto& op : profile.overlay.operations()) launcher::add_operation(overlay, op);
    }
    for (const auto& name : options.unset) overlay.unset(name);
    // GNU env: leading NAME=VALUE words are assignments (split at the first '='); the first word
    // without '=' starts the command.
    std::size_t first_command_word = 0;
    for (; first_command_word < words.size(); ++first_command_word) {
        const std::string& word = words[first_command_word];
        const auto equals = word.find('=');
        if (equals == std::string::npos) break;
        overlay.set(word.substr(0, equals), word.substr(equals + 1));
    }
    for (const auto& text : options.prepend_path) {
        auto [name, dir] = split_name_dir(text, "--prepend-path");
        overlay.prepend_path(name, dir);
    }
    for (const auto& text : options.append_path) {
        auto [name, dir] = split_name_dir(text, "--append-path");
        overlay.append_path(name, dir);
    }
    const std::vector<std::string> command(words.begin() + static_cast<std::ptrdiff_t>(first_command_word),
                                           words.end());
    // With a profile, before a cargo command: the coverage rule for a workspace sccache, and the
    // preflight (check's prediction on the child's environment).
    const bool runs_cargo = !command.empty() && (std::filesystem::path(command.front()).stem() == "cargo");
    std::optional<CargoContext> context;
    if (!options.profile.empty() && runs_cargo) context = cargo_context(parent);
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
        const bool tests = command.size() > 1 && (command[1] == "llvm-cov" || command[1] == "test");
        const bool llvm_cov = command.size() > 1 && command[1] == "llvm-cov";
        if (!preflight_passes(*context, child, tests ? launcher::PredictFor::coverage : launcher::PredictFor::build,
                              join_command(command),
                              llvm_cov ? std::optional<std::vector<std::string>>(std::vector<std::string>(
                                             command.begin() + 2, command.end()))
                                       : std::nullopt))
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

struct CoverageCli {
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

// cargo finds `cargo llvm-cov` as a program cargo-llvm-cov on PATH or in $CARGO_HOME/bin.
bool llvm_cov_installed(const envguard::EnvSnapshot& env) { return launcher::find_cargo_llvm_cov(env).has_value(); }

std::string known_modes() {
    std::string out;
    for (auto mode : envguard::all_coverage_modes) out += (out.empty() ? "" : ", ") + std::string(envguard::to_string(mode));
    return out;
}

// The pyo3 crates of the workspace, from cargo's own resolved graph (`cargo metadata`), or from the
// manifests when cargo metadata cannot run (said on stderr). MEMBERS gets every member's name.
std::vector<std::string> pyo3_crates(const envguard::EnvSnapshot& child, const envguard::CoverageOptions& options,
                                     std::vector<std::string>& members) {
    std::string why;
    try {
        const std::string cargo = envguard::find_program("cargo", child);
        std::string command = command_quote(cargo) + " metadata --format-version 1";
        if (options.all_features) command += " --all-features";
        if (options.no_default_features) command += " --no-default-features";
        if (!options.features.empty()) {
            std::string list;
            for (const auto& feature : options.features) list += (list.empty() ? "" : ",") + feature;
            command += " --features " + command_quote(list);
        }
#ifndef _WIN32
        // cargo metadata runs `rustc -vV` through the wrappers: not through a refusing sccache
        command = "RUSTC_WRAPPER= RUSTC_WORKSPACE_WRAPPER= " + command;
#endif
        std::string output, errors;
        const int status = capture(command, output, errors);
        if (status == 0) {
            const auto found = launcher::members_depending_on(output, "pyo3");
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
            throw launcher::ManifestError("envguard: cargo cannot load this workspace:\n" + errors);
    } catch (const envguard::EnvError& error) {
        why = std::string("cargo is not on PATH (") + error.what() + ")";
    } catch (const launcher::ManifestError& error) {
        if (why.empty()) why = error.what();
        else throw;
    }
    fmt::print(stderr, "envguard: fast mode: {}; reading the Cargo.toml files instead (this misses what only "
                       "cargo resolves: pyo3 reached through crates outside the workspace, as numpy's)\n",
               why);
    const auto workspace = launcher::load_workspace(std::filesystem::current_path());
    members.clear();
    for (const auto& crate : workspace.members) members.push_back(crate.name);
    return launcher::crates_depending_on(workspace, "pyo3");
}

int do_coverage(const CoverageCli& cli, const std::vector<std::string>& extra) {
    envguard::CoverageOptions options;
    // --mode MODE, or one shorthand (--html, --lcov, ...), not two different ones
    std::string mode_name = cli.mode;
    for (const auto& flag : cli.mode_flags) {
        if (!mode_name.empty() && mode_name != flag)
            usage_error(fmt::format("envguard: coverage: choose one mode: {} and {} were both given",
                                    cli.mode.empty() || mode_name != cli.mode ? "--" + mode_name : "--mode " + mode_name,
                                    "--" + flag));
        mode_name = flag;
    }
    if (mode_name.empty()) mode_name = "html";
    const auto mode = envguard::parse_coverage_mode(mode_name);
    if (!mode)
        usage_error(fmt::format("envguard: unknown coverage mode \"{}\"{} (known: {})", mode_name,
                                suggestion(mode_name, [] {
                                    std::vector<std::string> names;
                                    for (auto m : envguard::all_coverage_modes) names.emplace_back(envguard::to_string(m));
                                    return names;
                                }()),
                                known_modes()));
    options.mode = *mode;
    options.packages = split_commas(cli.packages);
    options.exclude = split_commas(cli.exclude);
    if (cli.workspace && !options.packages.empty())
        usage_error("envguard: coverage: --workspace and -p/--package: choose one (--workspace is the default; "
                    "-p names the packages instead)");
    options.clean = cli.clean;
    if (cli.output_path_given) options.output_path = cli.output_path;
    options.features = split_commas(cli.features);
    options.no_default_features = cli.no_default_features;
    options.all_features = cli.all_features || (options.features.empty() && !options.no_default_features);
    options.extra_args = extra;
    (void)envguard::CoverageProfile::commands(options); // validates the options before anything is read

    const envguard::EnvSnapshot parent = envguard::EnvSnapshot::capture();
    // cargo llvm-cov works in a cargo project: outside one, say so (for every mode and --dry-run)
    std::optional<CargoContext> context = cargo_context(parent);
    if (!context)
        throw launcher::ManifestError(fmt::format(
            "envguard: coverage: no Cargo.toml in {} or any parent directory: run it in a cargo project",
            std::filesystem::current_path().string()));
    envguard::EnvOverlay overlay = envguard::CoverageProfile::llvm_cov().overlay();
    const std::string note = neutralize_workspace_sccache(overlay, parent, context->config, context->dir, context->root);
    if (!note.empty()) fmt::print(stderr, "{}\n", note);
    const envguard::EnvSnapshot child = overlay.render(parent);

    if (options.mode == envguard::CoverageMode::fast && options.exclude.empty()) {
        std::vector<std::string> members;
        const std::vector<std::string> pyo3 = pyo3_crates(child, options, members);
        if (options.packages.empty()) {
            if (!members.empty() && pyo3.size() == members.size())
                throw launcher::ManifestError(fmt::format(
                    "envguard: fast mode: every workspace member depends on pyo3 ({}), so nothing would be "
                    "left to cover (cargo: \"no packages to compile\"); use another mode",
                    join_command(pyo3)));
            options.exclude = pyo3;
            fmt::print(stderr, "envguard: fast mode: excluding {} (the workspace crates that depend on pyo3)\n",
                       pyo3.empty() ? std::string("nothing") : join_command(pyo3));
        } else {
            // fast with -p: the packages given, minus those that depend on pyo3 (said, never silent)
            std::vector<std::string> kept, dropped;
            for (const auto& package : options.packages)
                (std::find(pyo3.begin(), pyo3.end(), package) != pyo3.end() ? dropped : kept).push_back(package);
            if (kept.empty())
                throw launcher::ManifestError(fmt::format(
                    "envguard: fast mode: every package given depends on pyo3 ({}); fast mode leaves those "
                    "out, so nothing would be left (use --mode html to cover them)",
                    join_command(dropped)));
            options.packages = kept;
            fmt::print(stderr, "envguard: fast mode: {} (of the packages given){}\n",
                       dropped.empty() ? std::string("none depends on pyo3")
                                       : "leaving out " + join_command(dropped) + " (depending on pyo3)",
                       dropped.empty() ? "" : "; covering " + join_command(kept));
        }
    }
    const auto commands = envguard::CoverageProfile::commands(options);

    if (cli.dry_run) {
        print_changes(parent, child);
        for (const auto& argv : commands) fmt::print("command: {}\n", join_command(argv));
    }
    // (a dry run makes it too, after printing: its exit status says whether the real run would start)
    if (!cli.no_preflight && !preflight_passes(*context, child, launcher::PredictFor::coverage,
                                               join_command(commands.back()), extra))
        return exit_envguard_error;
    if (cli.dry_run) return 0;
    try {
        (void)envguard::find_program("cargo", child);
    } catch (const envguard::EnvError&) {
        fmt::print(stderr, "envguard: cargo is not on PATH: install Rust (https://rustup.rs), or put "
                           "~/.cargo/bin on PATH\n");
        return exit_not_found;
    }
    if (!llvm_cov_installed(child)) {
        fmt::print(stderr,
                   "envguard: `cargo llvm-cov` is not installed (no cargo-llvm-cov on PATH or in "
                   "$CARGO_HOME/bin).\nInstall it with:\n  cargo install cargo-llvm-cov --locked\n  rustup "
                   "component add llvm-tools-preview\n");
        return exit_not_found;
    }
    int status = 0;
    const launcher::StopSignals stop; // SIGINT/SIGTERM/...: passed on to the running command
    for (const auto& argv : commands) {
        std::fflush(stdout);
        status = launcher::run_forwarding_stop_signals(argv, child);
        if (const int signal = stop.received()) { // the command has ended; nothing more is started
            fmt::print(stderr, "envguard: stopped by {} while `{}` ran (it exited with status {}); "
                               "nothing more is run\n",
                       launcher::signal_name(signal), join_command(argv), status);
            return 128 + signal;
        }
        if (status != 0) {
            fmt::print(stderr, "envguard: `{}` exited with status {}\n", join_command(argv), status);
            return status;
        }
    }
    return status;
}

struct CheckCli {
    std::string profile;
    std::string config_file;
    std::string format = "text";
    std::string manifest_path;
    std::string for_what; // "build", "coverage", or "" (coverage when the profile's name says so)
    bool no_rustc_wrapper = false; // predict `cargo llvm-cov --no-rustc-wrapper`
};

nlohmann::json json_source(const launcher::Source& source) {
    if (source.file.empty()) return nullptr;
    return {{"file", source.file.string()}, {"line", source.line}};
}

nlohmann::json json_wrapper(const launcher::WrapperPrediction& wrapper) {
    return {{"program", wrapper.program ? nlohmann::json(*wrapper.program) : nlohmann::json(nullptr)},
            {"rule", wrapper.rule},
            {"source", json_source(wrapper.source)}};
}

nlohmann::json json_llvm_tool(const launcher::LlvmTool& tool) {
    return {{"path", tool.path ? nlohmann::json(*tool.path) : nlohmann::json(nullptr)},
            {"rule", tool.rule},
            {"llvm_major", tool.major ? nlohmann::json(*tool.major) : nlohmann::json(nullptr)}};
}

nlohmann::json json_llvm_cov(const launcher::LlvmCovReport& r) {
    nlohmann::json out{{"installed", r.installed}};
    if (!r.installed) return out;
    out["program"] = *r.program;
    out["version"] = r.version ? nlohmann::json(r.version_text) : nlohmann::json(nullptr);
    out["supported"] = r.supported;
    if (!r.version) return out;
    out["mode"] = r.mode;
    out["no_rustc_wrapper"] = r.no_rustc_wrapper;
    out["preexisting_wrapper"] = json_wrapper(r.preexisting);
    out["chain"] = r.chain;
    out["target_dir"] = r.target_dir ? nlohmann::json(r.target_dir->string()) : nlohmann::json(nullptr);
    out["llvm_cov"] = json_llvm_tool(r.llvm_cov);
    out["llvm_profdata"] = json_llvm_tool(r.llvm_profdata);
    out["rustc_llvm_major"] = r.rustc_llvm_major ? nlohmann::json(*r.rustc_llvm_major) : nlohmann::json(nullptr);
    return out;
}

// The output lines of `SCCACHE ARGUMENT` (stderr dropped).
std::vector<std::string> output_of(const std::string& program, const char* argument) {
    std::vector<std::string> lines;
    #ifdef _WIN32
    // cmd /c strips one pair of quotes around the whole line: quote it once more, for paths with ( ) &
    std::FILE* pipe = envguard_popen(("\"\"" + program + "\" " + argument + " 2>NUL\"").c_str(), "r");
#else
    std::FILE* pipe = envguard_popen((shell_quote(program) + " " + argument + " 2>/dev/null").c_str(), "r");
#endif
    if (pipe == nullptr) return lines;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        std::string line(buffer);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        lines.push_back(line);
    }
    envguard_pclose(pipe);
    return lines;
}

// Coverage context: a profile whose name says coverage (coverage, coverage-cached, ci-coverage, ...).
bool coverage_profile_name(const std::string& name) { return name.find("coverage") != std::string::npos; }

int do_check(const CheckCli& cli) {
    if (cli.format != "text" && cli.format != "json")
        usage_error(fmt::format("envguard: check: unknown format \"{}\"{} (known: text, json)", cli.format,
                                suggestion(cli.format, {"text", "json"})));
    if (!cli.for_what.empty() && cli.for_what != "build" && cli.for_what != "coverage")
        usage_error(fmt::format("envguard: check: --for {}{}: known: build (cargo build, the dev profile), "
                                "coverage (cargo llvm-cov, which runs cargo test: the test profile)",
                                shell_quote(cli.for_what), suggestion(cli.for_what, {"build", "coverage"})));
    namespace fs = std::filesystem;
    // As cargo: config files and relative paths from the current directory; --manifest-path names a
    // Cargo.toml (not a directory), whose workspace is the one built.
    const fs::path dir = fs::current_path();
    fs::path root;
    try {
        if (!cli.manifest_path.empty()) {
            const fs::path manifest = fs::absolute(cli.manifest_path).lexically_normal();
            std::error_code ec;
            if (fs::is_directory(manifest, ec))
                throw launcher::ManifestError(fmt::format(
                    "envguard: check: --manifest-path {} is a directory, but cargo expects the path of a "
                    "Cargo.toml{}",
                    shell_quote(cli.manifest_path),
                    fs::exists(manifest / "Cargo.toml", ec) ? " (" + (manifest / "Cargo.toml").string() + " exists)" : ""));
            if (manifest.filename() != "Cargo.toml")
                throw launcher::ManifestError(fmt::format(
                    "envguard: check: --manifest-path {}: the manifest path must be a path to a Cargo.toml "
                    "file (as cargo's)",
                    shell_quote(cli.manifest_path)));
            if (!fs::exists(manifest, ec))
                throw launcher::ManifestError(fmt::format("envguard: check: --manifest-path {}: no such file",
                                                          shell_quote(cli.manifest_path)));
            root = launcher::find_workspace_root(manifest.parent_path()).parent_path();
        } else {
            root = launcher::find_workspace_root(dir).parent_path();
        }
    } catch (const launcher::ManifestError& error) {
        if (cli.format == "json") { // a JSON reader gets JSON, even for this
            nlohmann::json out{{"schema", "envguard-check/1"}, {"error", error.what()}, {"will_fail", nullptr}};
            fmt::print("{}\n", out.dump(2));
        } else {
            fmt::print(stderr, "{}\n", error.what());
        }
        return exit_envguard_error;
    }

    envguard::EnvSnapshot env = envguard::EnvSnapshot::capture();
    CargoContext context;
    context.dir = dir;
    context.root = root;
    std::string note;
    if (!cli.profile.empty()) {
        const envguard::EnvSnapshot parent = env;
        envguard::EnvOverlay overlay = require_profile(cli.profile, cli.config_file).overlay;
        context.config = launcher::read_cargo_config(dir, overlay.render(parent), root);
        note = neutralize_workspace_sccache(overlay, parent, context.config, dir, root);
        env = overlay.render(parent);
    }
    context.config = launcher::read_cargo_config(dir, env, root);
    const launcher::CargoConfig& config = context.config;
    const launcher::PredictFor what = cli.for_what == "coverage" ? launcher::PredictFor::coverage
                                      : cli.for_what == "build"  ? launcher::PredictFor::build
                                      : coverage_profile_name(cli.profile) ? launcher::PredictFor::coverage
                                                                           : launcher::PredictFor::build;
    launcher::Prediction p = predict_with_sccache(context, env, what, true);
    const std::vector<std::string>& stats = context.sccache_stats;
    const bool wrapper_is_sccache = context.sccache_found;
    if (!note.empty())
        p.findings.push_back({envguard::Severity::info, "RUSTC_WORKSPACE_WRAPPER", note.substr(std::string("envguard: ").size()),
                              "nothing to do: envguard run/coverage with this profile do the same"});
    // cargo llvm-cov: its version, and for coverage the chain it runs and its llvm tools
    const launcher::LlvmCovReport llvm_cov =
        launcher::assess_llvm_cov(launcher::gather_llvm_cov_facts(env), config, env, p, cli.no_rustc_wrapper,
                                  what == launcher::PredictFor::coverage);
    if (what == launcher::PredictFor::coverage)
        p.findings.insert(p.findings.end(), llvm_cov.findings.begin(), llvm_cov.findings.end());
    // A workspace cargo cannot load fails every command
    try {
        (void)launcher::load_workspace(root);
    } catch (const launcher::ManifestError& error) {
        std::string problem = error.what();
        if (problem.rfind("envguard: ", 0) == 0) problem = problem.substr(10);
        p.findings.push_back({envguard::Severity::error, "", problem,
                              "fix the workspace's Cargo.toml (members = [\"crates/*\"], each member "
                              "directory with a Cargo.toml)"});
    }

    if (cli.format == "json") {
        nlohmann::json out;
        out["schema"] = "envguard-check/1";
        out["directory"] = dir.string();
        out["workspace_root"] = root.string();
        out["profile"] = cli.profile.empty() ? nlohmann::json(nullptr) : nlohmann::json(cli.profile);
        out["for"] = what == launcher::PredictFor::coverage ? "coverage" : "build";
        out["cargo_profile"] = p.cargo_profile;
        out["config_files"] = nlohmann::json::array();
        for (const auto& file : config.files) out["config_files"].push_back(file.string());
        out["wrapper"] = json_wrapper(p.wrapper);
        out["workspace_wrapper"] = json_wrapper(p.workspace_wrapper);
        out["wrapper_nesting"] = p.wrapper_nesting.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.wrapper_nesting);
        out["incremental"] = {{"enabled", p.incremental},
                              {"rule", p.incremental_rule},
                              {"source", json_source(p.incremental_source)}};
        out["wrapper_sees_cargo_incremental"] =
            p.wrapper_sees_incremental ? nlohmann::json(*p.wrapper_sees_incremental) : nlohmann::json(nullptr);
        out["target_dir"] = {{"path", p.target_dir ? nlohmann::json(p.target_dir->string()) : nlohmann::json(nullptr)},
                             {"rule", p.target_dir_rule},
                             {"source", json_source(p.target_dir_source)}};
        out["findings"] = nlohmann::json::array();
        for (const auto& f : p.findings)
            out["findings"].push_back({{"severity", std::string(envguard::to_string(f.severity))},
                                       {"variable", f.variable},
                                       {"problem", f.problem},
                                       {"fix", f.fix}});
        out["will_fail"] = p.will_fail();
        if (wrapper_is_sccache) out["sccache_stats"] = stats;
        out["cargo_llvm_cov"] = json_llvm_cov(llvm_cov);
        fmt::print("{}\n", out.dump(2));
        return p.will_fail() ? 1 : 0;
    }

    const bool colour = envguard_isatty(1) != 0;
    auto paint = [&](fmt::text_style style, const std::string& text) {
        return colour ? fmt::format(style, "{}", text) : text;
    };
    auto from = [](const launcher::Source& source) {
        return source.file.empty() ? std::string() : " [" + source.describe() + "]";
    };
    fmt::print("envguard check: {}{}\n", dir.string(),
               cli.profile.empty() ? std::string() : " (with profile " + cli.profile + ")");
    fmt::print("config files:      {}\n", config.files.empty() ? std::string("(none)") : config.files.front().string());
    for (std::size_t i = 1; i < config.files.size(); ++i) fmt::print("                   {}\n", config.files[i].string());
    fmt::print("wrapper:           {} — {}\n", p.wrapper.program ? *p.wrapper.program : std::string("none"),
               p.wrapper.rule);
    fmt::print("workspace wrapper: {} — {}\n",
               p.workspace_wrapper.program ? *p.workspace_wrapper.program : std::string("none"),
               p.workspace_wrapper.rule);
    if (!p.wrapper_nesting.empty()) fmt::print("nesting:           {}\n", p.wrapper_nesting);
    fmt::print("incremental:       {} ({} profile) — {}{}\n", p.incremental ? "on" : "off", p.cargo_profile, p.incremental_rule,
               from(p.incremental_source));
    if (p.wrapper.program || p.workspace_wrapper.program)
        fmt::print("the wrapper sees:  CARGO_INCREMENTAL {}\n", describe(p.wrapper_sees_incremental));
    fmt::print("target directory:  {} — {}{}\n", p.target_dir ? p.target_dir->string() : std::string("(error)"),
               p.target_dir_rule, from(p.target_dir_source));
    for (const auto& line : stats) fmt::print("sccache:           {}\n", line);
    if (!llvm_cov.installed) {
        fmt::print("cargo-llvm-cov:    not installed (no cargo-llvm-cov in $CARGO_HOME/bin or on PATH)\n");
    } else {
        fmt::print("cargo-llvm-cov:    {} ({}){}\n", llvm_cov.version ? llvm_cov.version_text : std::string("unknown version"),
                   *llvm_cov.program,
                   !llvm_cov.version ? std::string()
                   : llvm_cov.mode == "wrapper"
                       ? " — wrapper mode: it sets RUSTC_WRAPPER to itself and runs the pre-existing wrapper"
                       : llvm_cov.no_rustc_wrapper && *llvm_cov.version >= launcher::llvm_cov_wrapper_mode
                           ? " — --no-rustc-wrapper: the instrumentation flags go through RUSTFLAGS"
                           : " — before 0.7.0: the instrumentation flags go through RUSTFLAGS");
        if (what == launcher::PredictFor::coverage && llvm_cov.version) {
            fmt::print("coverage chain:    {}\n", llvm_cov.chain_text());
            if (llvm_cov.mode == "wrapper")
                fmt::print("pre-existing:      {} — {}\n",
                           llvm_cov.preexisting.program ? *llvm_cov.preexisting.program : std::string("none"),
                           llvm_cov.preexisting.rule);
            if (llvm_cov.target_dir) fmt::print("coverage build:    {}\n", llvm_cov.target_dir->string());
            for (const auto* tool : {&llvm_cov.llvm_cov, &llvm_cov.llvm_profdata})
                fmt::print("{:<19}{} — {}{}\n", tool->name + ":", tool->path ? *tool->path : std::string("(not found)"),
                           tool->major ? fmt::format("LLVM {}, ", *tool->major) : std::string(), tool->rule);
            if (llvm_cov.rustc_llvm_major) fmt::print("rustc's LLVM:      {}\n", *llvm_cov.rustc_llvm_major);
        }
    }
    for (const auto& f : p.findings) {
        const auto style = f.severity == envguard::Severity::error     ? fg(fmt::color::red) | fmt::emphasis::bold
                           : f.severity == envguard::Severity::warning ? fg(fmt::color::yellow)
                                                                       : fmt::text_style();
        fmt::print("{} {}{}\n    fix: {}\n", paint(style, std::string(envguard::to_string(f.severity)) + ":"),
                   f.variable.empty() ? std::string() : f.variable + ": ", f.problem, f.fix);
    }
    const std::size_t errors = static_cast<std::size_t>(std::count_if(
        p.findings.begin(), p.findings.end(),
        [](const envguard::Finding& f) { return f.severity == envguard::Severity::error; }));
    fmt::print("{}\n", errors == 0 ? paint(fg(fmt::color::green), "result: the build will work here")
                                   : paint(fg(fmt::color::red) | fmt::emphasis::bold,
                                           fmt::format("result: the build will FAIL here ({} error{})", errors,
                                                       errors == 1 ? "" : "s")));
    return errors == 0 ? 0 : 1;
}

int do_profiles(const std::string& config_file) {
    fmt::print("{}", launcher::profiles_listing(config_file));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    // What follows the first "--" is the command (run) or extra cargo llvm-cov arguments (coverage);
    // it is kept away from CLI11 so that it is passed on exactly as given.
#ifdef _WIN32
    // The CRT's argv is in the ANSI code page; envguard's API is UTF-8: take the real command line.
    std::vector<std::string> args;
    std::string program_name = argc > 0 ? argv[0] : "envguard";
    {
        int count = 0;
        wchar_t** wide = ::CommandLineToArgvW(::GetCommandLineW(), &count);
        for (int i = 1; wide != nullptr && i < count; ++i) args.push_back(envguard::detail::to_utf8(wide[i]));
        if (wide != nullptr) ::LocalFree(wide);
    }
#else
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string program_name = argc > 0 ? argv[0] : "envguard";
#endif
    std::vector<std::string> after_dashes;
    bool had_dashes = false;
    for (std::size_t i = 0; i < args.size(); ++i)
        if (args[i] == "--") {
            after_dashes.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
            args.resize(i);
            had_dashes = true;
            break;
        }

    CLI::App app{"Run commands with an exact environment: set, set to empty (not unset), unset.", "envguard"};
    app.require_subcommand(1);
    app.set_version_flag("--version", fmt::format("envguard {}.{}.{}", ENVGUARD_VERSION_MAJOR,
                                                  ENVGUARD_VERSION_MINOR, ENVGUARD_VERSION_PATCH));

    RunOptions run_options;
    CLI::App* run = app.add_subcommand("run", "Run COMMAND with a changed environment (like env)");
    run->prefix_command(); // the first NAME=VALUE or command word ends the options
    run->add_flag("-i,--ignore-environment", run_options.ignore_environment,
                  "Start from an empty environment");
    run->add_option("-u,--unset", run_options.unset, "Remove NAME from the environment")
        ->type_name("NAME")
        ->allow_extra_args(false)
        ->check(not_an_option);
    run->add_option("--profile", run_options.profile, "Apply a profile first (see `envguard profiles`)")
        ->type_name("P")
        ->check(not_an_option);
    run->add_option("--config", run_options.config_file, "Read profiles from FILE only (default: envguard.toml "
                                                         "here and upwards, then the user's)")
        ->type_name("FILE")
        ->check(not_an_option);
    run->add_option("--prepend-path", run_options.prepend_path, "Put DIR first in the path list NAME")
        ->type_name("NAME=DIR")
        ->allow_extra_args(false)
        ->check(not_an_option);
    run->add_option("--append-path", run_options.append_path, "Put DIR last in the path list NAME")
        ->type_name("NAME=DIR")
        ->allow_extra_args(false)
        ->check(not_an_option);
    run->add_flag("--dry-run", run_options.dry_run,
                  "Print each variable before -> after and the command; run nothing");
    run->add_flag("--no-preflight", run_options.no_preflight,
                  "With --profile and a cargo command: run it even when check predicts a failure");
    run->footer("NAME=VALUE sets (NAME= sets to the empty string, not unset). Without COMMAND, prints "
                "the environment.\nExamples:\n"
                "  envguard run --profile coverage -- cargo llvm-cov --html\n"
                "  envguard run RUSTC_WRAPPER= CARGO_INCREMENTAL=1 -u CARGO_TARGET_DIR -- cargo build\n"
                "Exit status: the command's; 125 envguard's own error; 126 not executable; 127 not found.");

    CoverageCli coverage_cli;
    CLI::App* coverage = app.add_subcommand(
        "coverage", "Run cargo llvm-cov with sccache bypassed: RUSTC_WRAPPER=\"\", CARGO_INCREMENTAL=1, "
                    "no CARGO_TARGET_DIR");
    coverage->add_option("--mode", coverage_cli.mode, "html (default), open, text, lcov, json, fast, ci or cobertura")
        ->type_name("MODE")
        ->check(not_an_option);
    for (auto mode : envguard::all_coverage_modes) {
        const std::string name(envguard::to_string(mode));
        if (mode == envguard::CoverageMode::fast || mode == envguard::CoverageMode::ci) continue;
        coverage->add_flag_callback("--" + name, [&coverage_cli, name] { coverage_cli.mode_flags.push_back(name); },
                                    "Same as --mode " + name);
    }
    coverage->add_option("-p,--package,--packages", coverage_cli.packages, "Only these packages (a,b or repeated)")
        ->type_name("PKG,...")
        ->allow_extra_args(false)
        ->check(not_an_option);
    coverage->add_flag("--workspace", coverage_cli.workspace, "The whole workspace (the default without -p)");
    coverage->add_option("--exclude", coverage_cli.exclude,
                         "Leave these workspace packages out (fast mode: instead of the pyo3 crates)")
        ->type_name("PKG,...")
        ->allow_extra_args(false)
        ->check(not_an_option);
    coverage->add_option("-F,--features", coverage_cli.features, "Build with these features (instead of --all-features)")
        ->type_name("FEATURES")
        ->allow_extra_args(false)
        ->check(not_an_option);
    coverage->add_flag("--all-features", coverage_cli.all_features, "Build with every feature (the default)");
    coverage->add_flag("--no-default-features", coverage_cli.no_default_features,
                       "Build without the default features (instead of --all-features)");
    coverage->add_flag("--no-preflight", coverage_cli.no_preflight,
                       "Run even when check predicts that the build will fail");
    coverage->add_flag("--clean", coverage_cli.clean, "Run `cargo llvm-cov clean --workspace` first");
    CLI::Option* output_path = coverage->add_option("--output-path", coverage_cli.output_path,
                                                    "Report file for the lcov, json, ci and cobertura modes")
                                   ->type_name("FILE")
                                   ->check(not_an_option);
    coverage->add_flag("--dry-run", coverage_cli.dry_run,
                       "Print the environment changes and the commands; run nothing");
    coverage->footer("Arguments after -- go to `cargo llvm-cov` as they are.\nExamples:\n"
                     "  envguard coverage --mode open\n"
                     "  envguard coverage --mode text -p my-crate\n"
                     "  envguard coverage --mode lcov --clean -- --no-cfg-coverage\n"
                     "Exit status: cargo's; 125 envguard's own error; 127 cargo-llvm-cov not installed.");

    CheckCli check_cli;
    CLI::App* check = app.add_subcommand(
        "check", "Predict what cargo will do here: which wrapper, incremental or not, where the build goes");
    check->add_option("--profile", check_cli.profile, "Check the environment this profile renders")
        ->type_name("P")
        ->check(not_an_option);
    check->add_option("--config", check_cli.config_file, "Read profiles from FILE only")
        ->type_name("FILE")
        ->check(not_an_option);
    check->add_option("--format", check_cli.format, "text (default) or json")
        ->type_name("FORMAT")
        ->check(not_an_option);
    check->add_option("--for", check_cli.for_what,
                      "build (cargo build) or coverage (cargo llvm-cov: the test profile, coverage findings); "
                      "default: coverage with a --profile whose name contains \"coverage\", else build")
        ->type_name("WHAT")
        ->check(not_an_option);
    check->add_option("--manifest-path", check_cli.manifest_path,
                      "The Cargo.toml of the workspace to build, as cargo's --manifest-path: config files are "
                      "still found from the current directory")
        ->type_name("PATH")
        ->check(not_an_option);
    check->add_flag("--no-rustc-wrapper", check_cli.no_rustc_wrapper,
                    "For coverage: predict `cargo llvm-cov --no-rustc-wrapper` (0.7.0 and later then do not run "
                    "as the wrapper)");
    check->footer("Reads .cargo/config(.toml) from here up to / and $CARGO_HOME, like cargo.\nExamples:\n"
                  "  envguard check\n  envguard check --profile coverage\n  envguard check --format json\n"
                  "Exit status: 0 the build will work; 1 an error-level finding; 125 something could not be read.");

    CLI::App* profiles = app.add_subcommand(
        "profiles", "List the profiles, built-in and from envguard.toml files, and what each does");
    std::string profiles_config_file;
    profiles->add_option("--config", profiles_config_file, "Read profiles from FILE only")
        ->type_name("FILE")
        ->check(not_an_option);
    profiles->footer("[profile.NAME] tables in envguard.toml here or in a parent directory, or in "
                     "$XDG_CONFIG_HOME/envguard/ (~/.config/envguard/), add profiles.\nExample:\n"
                     "  envguard profiles");

    const std::vector<std::string> subcommands{"run", "coverage", "check", "profiles"};
    if (args.empty() && !had_dashes) { // bare `envguard`: what it can do
        fmt::print("{}", app.help());
        return 0;
    }
    if (!args.empty() && !args.front().empty() && args.front().front() != '-' &&
        std::find(subcommands.begin(), subcommands.end(), args.front()) == subcommands.end()) {
        fmt::print(stderr, "envguard: unknown subcommand {}{} (known: run, coverage, check, profiles)\n",
                   shell_quote(args.front()), suggestion(args.front(), subcommands));
        return exit_envguard_error;
    }
    try {
        std::vector<char*> pointers{program_name.data()};
        for (auto& arg : args) pointers.push_back(arg.data());
        app.parse(static_cast<int>(pointers.size()), pointers.data());
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::string hint;
        // An unknown option: the nearest one the subcommand has
        for (CLI::App* sub : {run, coverage, check, profiles}) {
            if (!sub->parsed() || hint.size()) continue;
            std::vector<std::string> names;
            for (const CLI::Option* o : sub->get_options())
                for (const auto& n : o->get_lnames()) names.push_back("--" + n);
            for (const auto& word : sub->remaining()) {
                if (word.rfind("--", 0) != 0) continue;
                const std::string option = word.substr(0, word.find('='));
                if (option == "--package" || option == "--mode") continue;
                hint = suggestion(option, names);
                if (!hint.empty()) break;
            }
        }
        fmt::print(stderr, "envguard: {}{}\n", e.what(), hint);
        return exit_envguard_error;
    }

    try {
        if (run->parsed()) {
            std::vector<std::string> words = run->remaining();
            // prefix_command() hands over an unknown option as if it started the command; GNU env
            // refuses it, and so do we (a command starting with '-' goes after --)
            for (const auto& word : words) {
                if (word.find('=') != std::string::npos) continue;
                if (word.size() > 1 && word.front() == '-') {
                    const std::string option = word.substr(0, word.find('='));
                    bool known = false;
                    for (const CLI::Option* o : run->get_options())
                        known = known || o->check_name(option);
                    usage_error(known ? fmt::format("envguard: run: {} must come before NAME=VALUE and the "
                                                    "command",
                                                    option)
                                      : fmt::format("envguard: run: unknown option {} (a command that "
                                                    "starts with '-' goes after --)",
                                                    shell_quote(word)));
                }
                break;
            }
            // a "--" after the command belongs to the command
            const bool command_started =
                std::any_of(words.begin(), words.end(),
                            [](const std::string& w) { return w.find('=') == std::string::npos; });
            if (had_dashes && command_started) words.push_back("--");
            // (after "--", NAME=VALUE words are still assignments, as with GNU env)
            words.insert(words.end(), after_dashes.begin(), after_dashes.end());
            return do_run(run_options, words);
        }
        if (coverage->parsed()) {
            coverage_cli.output_path_given = output_path->count() > 0;
            if (!coverage->remaining().empty()) {
                std::vector<std::string> names;
                for (const CLI::Option* o : coverage->get_options())
                    for (const auto& n : o->get_lnames()) names.push_back("--" + n);
                const std::string first = coverage->remaining().front();
                usage_error(fmt::format("envguard: coverage: unexpected {}{}; put cargo llvm-cov "
                                        "arguments after --",
                                        join_command(coverage->remaining()),
                                        suggestion(first.substr(0, first.find('=')), names)));
            }
            return do_coverage(coverage_cli, after_dashes);
        }
        if ((profiles->parsed() || check->parsed()) && had_dashes)
            usage_error(fmt::format("envguard: {}: takes no arguments after --",
                                    profiles->parsed() ? "profiles" : "check"));
        if (profiles->parsed()) return do_profiles(profiles_config_file);
        if (check->parsed()) return do_check(check_cli);
    } catch (const envguard::EnvError& error) {
        return report(error);
    } catch (const launcher::ManifestError& error) {
        fmt::print(stderr, "{}\n", error.what());
        return exit_envguard_error;
    } catch (const std::exception& error) {
        fmt::print(stderr, "{}\n", error.what());
        return exit_envguard_error;
    }
    return exit_envguard_error;
}
