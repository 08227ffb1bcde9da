// envguard — the command-line launcher.
//
//   envguard run [-i] [-u NAME]... [--profile P] [--config FILE] [--prepend-path NAME=DIR]... [--append-path NAME=DIR]...
//                [--dry-run] [NAME=VALUE]... [--] [COMMAND [ARG]...]
//   envguard coverage [--mode M] [-p PKG,...] [--exclude PKG,...] [--clean] [--output-path FILE]
//                     [--dry-run] [-- EXTRA cargo llvm-cov ARGS]
//   envguard profiles [--config FILE]
//
// Built on envguard's public headers only. The child's environment is computed with render() and
// handed to the child (execve, or spawn-and-wait for several commands); the launcher never changes
// its own environment.
#include "cargo_config.hpp"
#include "child_process.hpp"
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
#include <cstdio>
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

struct RunOptions {
    bool ignore_environment = false;
    std::vector<std::string> unset;
    std::string profile;
    std::string config_file;
    std::vector<std::string> prepend_path;
    std::vector<std::string> append_path;
    bool dry_run = false;
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
    const envguard::EnvSnapshot child = overlay.render(parent);

    if (options.dry_run) {
        print_changes(parent, child);
        fmt::print("command: {}\n", command.empty() ? "(none: the environment would be printed)"
                                                    : join_command(command));
        return 0;
    }
    if (command.empty()) { // like env: print the environment the command would have had
        for (const auto& [name, value] : child) fmt::print("{}={}\n", name, value);
        return 0;
    }
    std::fflush(stdout);
    envguard::exec(command, child); // returns only by throwing
}

struct CoverageCli {
    std::string mode = "html";
    std::vector<std::string> packages;
    std::vector<std::string> exclude;
    bool clean = false;
    std::string output_path;
    bool output_path_given = false;
    bool dry_run = false;
};

// cargo finds `cargo llvm-cov` as a program cargo-llvm-cov on PATH or in $CARGO_HOME/bin.
bool llvm_cov_installed(const envguard::EnvSnapshot& env) {
    try {
        (void)envguard::find_program("cargo-llvm-cov", env);
        return true;
    } catch (const envguard::EnvError&) {
    }
    std::string cargo_home;
    if (const std::string* home = env.find("CARGO_HOME"); home && !home->empty()) // "" counts as unset
        cargo_home = *home;
    else if (const std::string* user_home = launcher::home_directory(env))
        cargo_home = *user_home + "/.cargo";
    std::error_code ec;
    return !cargo_home.empty() && std::filesystem::exists(cargo_home + "/bin/cargo-llvm-cov", ec);
}

int do_coverage(const CoverageCli& cli, const std::vector<std::string>& extra) {
    envguard::CoverageOptions options;
    const auto mode = envguard::parse_coverage_mode(cli.mode);
    if (!mode)
        usage_error(fmt::format("envguard: unknown coverage mode \"{}\" (known: html, open, text, lcov, "
                                "json, fast, ci)",
                                cli.mode));
    options.mode = *mode;
    options.packages = split_commas(cli.packages);
    options.exclude = split_commas(cli.exclude);
    options.clean = cli.clean;
    if (cli.output_path_given) options.output_path = cli.output_path;
    options.extra_args = extra;
    if (options.mode == envguard::CoverageMode::fast && options.exclude.empty() &&
        options.packages.empty()) {
        const auto workspace = launcher::load_workspace(std::filesystem::current_path());
        options.exclude = launcher::crates_depending_on(workspace, "pyo3");
        fmt::print(stderr, "envguard: fast mode: excluding {} (the workspace crates that depend on pyo3)\n",
                   options.exclude.empty() ? std::string("nothing") : join_command(options.exclude));
    }
    const auto commands = envguard::CoverageProfile::commands(options); // validates the options

    const envguard::EnvSnapshot parent = envguard::EnvSnapshot::capture();
    const auto profile = envguard::CoverageProfile::llvm_cov();
    const envguard::EnvSnapshot child = profile.overlay().render(parent);
    if (cli.dry_run) {
        print_changes(parent, child);
        for (const auto& argv : commands) fmt::print("command: {}\n", join_command(argv));
        return 0;
    }
    if (!llvm_cov_installed(child)) {
        fmt::print(stderr,
                   "envguard: `cargo llvm-cov` is not installed (no cargo-llvm-cov on PATH or in "
                   "$CARGO_HOME/bin).\nInstall it with:\n  cargo install cargo-llvm-cov\n  rustup "
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

// `sccache --show-stats`, briefly: its request and cache lines.
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

// sccache's request and cache counts. Asking for them starts sccache's server if it is not running
// (documented in the README).
std::vector<std::string> sccache_stats(const std::string& sccache) {
    std::vector<std::string> lines;
    for (const auto& line : output_of(sccache, "--show-stats"))
        for (const char* wanted : {"Compile requests ", "Cache hits ", "Cache misses "}) {
            const std::size_t digits = line.find_first_not_of(' ', std::string(wanted).size());
            if (line.rfind(wanted, 0) == 0 && digits != std::string::npos &&
                std::isdigit(static_cast<unsigned char>(line[digits])))
                lines.push_back(line);
        }
    return lines;
}

int do_check(const CheckCli& cli) {
    if (cli.format != "text" && cli.format != "json")
        usage_error(fmt::format("envguard: check: unknown format \"{}\" (known: text, json)", cli.format));
    namespace fs = std::filesystem;
    fs::path dir = cli.manifest_path.empty() ? fs::current_path() : fs::path(cli.manifest_path);
    if (!cli.manifest_path.empty()) {
        std::error_code ec;
        if (!fs::exists(dir, ec))
            usage_error(fmt::format("envguard: check: --manifest-path {}: no such file or directory",
                                    shell_quote(cli.manifest_path)));
        if (!fs::is_directory(dir, ec)) {
            if (dir.filename() != "Cargo.toml")
                usage_error(fmt::format("envguard: check: --manifest-path {}: give a directory or a "
                                        "Cargo.toml",
                                        shell_quote(cli.manifest_path)));
            dir = dir.parent_path().empty() ? fs::current_path() : dir.parent_path();
        }
    }
    dir = fs::absolute(dir).lexically_normal();
    const fs::path root = launcher::find_workspace_root(dir).parent_path();

    envguard::EnvSnapshot env = envguard::EnvSnapshot::capture();
    if (!cli.profile.empty()) env = require_profile(cli.profile, cli.config_file).overlay.render(env);
    const launcher::CargoConfig config = launcher::read_cargo_config(dir, env, root);
    launcher::Prediction p = launcher::predict(config, env, dir, root);
    std::vector<std::string> stats;
    const bool wrapper_is_sccache =
        p.wrapper.program && fs::path(*p.wrapper.program).filename().string().find("sccache") != std::string::npos;
    if (wrapper_is_sccache) {
        try {
            const std::string sccache = envguard::find_program(*p.wrapper.program, env);
            // Whether it refuses CARGO_INCREMENTAL=1 depends on its version: predict again knowing it.
            const auto version = output_of(sccache, "--version");
            if (!version.empty() && launcher::parse_version(version.front()))
                p = launcher::predict(config, env, dir, root, version.front().substr(std::string("sccache ").size()));
            stats = sccache_stats(sccache);
        } catch (const envguard::EnvError&) {
        }
    }

    if (cli.format == "json") {
        nlohmann::json out;
        out["schema"] = "envguard-check/1";
        out["directory"] = dir.string();
        out["workspace_root"] = root.string();
        out["profile"] = cli.profile.empty() ? nlohmann::json(nullptr) : nlohmann::json(cli.profile);
        out["config_files"] = nlohmann::json::array();
        for (const auto& file : config.files) out["config_files"].push_back(file.string());
        out["wrapper"] = json_wrapper(p.wrapper);
        out["workspace_wrapper"] = json_wrapper(p.workspace_wrapper);
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
    fmt::print("incremental:       {} — {}{}\n", p.incremental ? "on" : "off", p.incremental_rule,
               from(p.incremental_source));
    if (p.wrapper.program || p.workspace_wrapper.program)
        fmt::print("the wrapper sees:  CARGO_INCREMENTAL {}\n", describe(p.wrapper_sees_incremental));
    fmt::print("target directory:  {} — {}{}\n", p.target_dir ? p.target_dir->string() : std::string("(error)"),
               p.target_dir_rule, from(p.target_dir_source));
    for (const auto& line : stats) fmt::print("sccache:           {}\n", line);
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
    run->footer("NAME=VALUE sets (NAME= sets to the empty string, not unset). Without COMMAND, prints "
                "the environment.\nExamples:\n"
                "  envguard run --profile coverage -- cargo llvm-cov --html\n"
                "  envguard run RUSTC_WRAPPER= CARGO_INCREMENTAL=1 -u CARGO_TARGET_DIR -- cargo build\n"
                "Exit status: the command's; 125 envguard's own error; 126 not executable; 127 not found.");

    CoverageCli coverage_cli;
    CLI::App* coverage = app.add_subcommand(
        "coverage", "Run cargo llvm-cov with sccache bypassed: RUSTC_WRAPPER=\"\", CARGO_INCREMENTAL=1, "
                    "no CARGO_TARGET_DIR");
    coverage->add_option("--mode", coverage_cli.mode, "html, open, text, lcov, json, fast or ci")
        ->capture_default_str()
        ->check(not_an_option);
    coverage->add_option("-p,--packages", coverage_cli.packages, "Only these packages (a,b or repeated)")
        ->type_name("PKG,...")
        ->allow_extra_args(false)
        ->check(not_an_option);
    coverage->add_option("--exclude", coverage_cli.exclude,
                         "Leave these workspace packages out (fast mode: instead of the pyo3 crates)")
        ->type_name("PKG,...")
        ->allow_extra_args(false)
        ->check(not_an_option);
    coverage->add_flag("--clean", coverage_cli.clean, "Run `cargo llvm-cov clean --workspace` first");
    CLI::Option* output_path = coverage->add_option("--output-path", coverage_cli.output_path,
                                                    "Report file for lcov, json and ci modes")
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
    check->add_option("--manifest-path", check_cli.manifest_path,
                      "The project directory or its Cargo.toml; the prediction is for cargo run there "
                      "(default: here)")
        ->type_name("DIR")
        ->check(not_an_option);
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

    static const char* const subcommands[] = {"run", "coverage", "check", "profiles"};
    if (!args.empty() && !args.front().empty() && args.front().front() != '-' &&
        std::none_of(std::begin(subcommands), std::end(subcommands),
                     [&](const char* known) { return args.front() == known; })) {
        fmt::print(stderr, "envguard: unknown subcommand {} (known: run, coverage, check, profiles)\n",
                   shell_quote(args.front()));
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
        fmt::print(stderr, "envguard: {}\n", e.what());
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
            if (!coverage->remaining().empty())
                usage_error(fmt::format("envguard: coverage: unexpected {}; put cargo llvm-cov "
                                        "arguments after --",
                                        join_command(coverage->remaining())));
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
