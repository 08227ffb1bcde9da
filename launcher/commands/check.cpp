// envguard check [--profile P] [--config FILE] [--format text|json] [--for build|coverage]
//                [--manifest-path PATH] [--no-rustc-wrapper]
#include "check_report.hpp"
#include "commands.hpp"

#include "../cargo_context.hpp"
#include "../profile_file.hpp"
#include "../workspace.hpp"

#include <fmt/core.h>

#ifdef _WIN32
#    include <io.h> // _isatty
#    define ENVGUARD_ISATTY _isatty
#else
#    include <unistd.h>
#    define ENVGUARD_ISATTY isatty
#endif

#include <filesystem>
#include <memory>

namespace launcher {

namespace {

struct CheckOptions {
    std::string profile;
    std::string config_file;
    std::string format = "text";
    std::string manifest_path;
    std::string for_what; // "build", "coverage", or "" (coverage when the profile's name says so)
    bool no_rustc_wrapper = false; // predict `cargo llvm-cov --no-rustc-wrapper`
};

std::string unknown_format_message(const std::string& format) {
    return fmt::format("envguard: check: unknown format \"{}\"{} (known: text, json)", format,
                       suggestion(format, {"text", "json"}));
}

std::string unknown_for_message(const std::string& for_what) {
    return fmt::format("envguard: check: --for {}{}: known: build (cargo build, the dev profile), "
                       "coverage (cargo llvm-cov, which runs cargo test: the test profile)",
                       shell_quote(for_what), suggestion(for_what, {"build", "coverage"}));
}

// The workspace root, as cargo finds it: from DIR, or from --manifest-path (a Cargo.toml, not a
// directory). ManifestError when there is none.
std::filesystem::path checked_workspace_root(const std::filesystem::path& dir, const std::string& manifest_path) {
    namespace fs = std::filesystem;
    if (manifest_path.empty()) return find_workspace_root(dir).parent_path();
    const fs::path manifest = fs::absolute(manifest_path).lexically_normal();
    std::error_code ec;
    if (fs::is_directory(manifest, ec))
        throw ManifestError(fmt::format(
            "envguard: check: --manifest-path {} is a directory, but cargo expects the path of a Cargo.toml{}",
            shell_quote(manifest_path),
            fs::exists(manifest / "Cargo.toml", ec) ? " (" + (manifest / "Cargo.toml").string() + " exists)" : ""));
    if (manifest.filename() != "Cargo.toml")
        throw ManifestError(fmt::format("envguard: check: --manifest-path {}: the manifest path must be a path to a "
                                        "Cargo.toml file (as cargo's)",
                                        shell_quote(manifest_path)));
    if (!fs::exists(manifest, ec))
        throw ManifestError(
            fmt::format("envguard: check: --manifest-path {}: no such file", shell_quote(manifest_path)));
    return find_workspace_root(manifest.parent_path()).parent_path();
}

// The environment check predicts for: the current one, or the one OPTIONS' profile renders (with the
// workspace wrapper emptied as run and coverage do: NOTE says so, or stays "").
envguard::EnvSnapshot checked_environment(const CheckOptions& options, const std::filesystem::path& dir,
                                          const std::filesystem::path& root, std::string& note) {
    const envguard::EnvSnapshot parent = envguard::EnvSnapshot::capture();
    if (options.profile.empty()) return parent;
    envguard::EnvOverlay overlay = resolve_profile(options.profile, options.config_file).overlay;
    const CargoConfig config = read_cargo_config(dir, overlay.render(parent), root);
    note = neutralize_workspace_sccache(overlay, parent, config, dir, root);
    return overlay.render(parent);
}

// The prediction with everything check adds: sccache's answers, the note, cargo llvm-cov, the workspace.
CheckReport gather_check_report(const CheckOptions& options, const std::filesystem::path& dir,
                                const std::filesystem::path& root) {
    std::string note;
    const envguard::EnvSnapshot env = checked_environment(options, dir, root, note);
    CargoContext context;
    context.dir = dir;
    context.root = root;
    context.config = read_cargo_config(dir, env, root);
    CheckReport report;
    report.dir = dir;
    report.root = root;
    report.profile = options.profile;
    report.what = check_predicts_for(options.for_what, options.profile);
    report.prediction = predict_with_sccache(context, env, report.what, true);
    report.config = context.config;
    report.sccache_stats = context.sccache_stats;
    report.sccache_found = context.sccache_found;
    std::vector<envguard::Finding>& findings = report.prediction.findings;
    if (!note.empty())
        findings.push_back({envguard::Severity::info, "RUSTC_WORKSPACE_WRAPPER", note.substr(std::string("envguard: ").size()),
                            "nothing to do: envguard run/coverage with this profile do the same"});
    // cargo llvm-cov: its version, and for coverage the chain it runs and its llvm tools
    const bool for_coverage = report.what == PredictFor::coverage;
    report.llvm_cov = assess_llvm_cov(gather_llvm_cov_facts(env), report.config, env, report.prediction,
                                      options.no_rustc_wrapper, for_coverage);
    if (for_coverage) findings.insert(findings.end(), report.llvm_cov.findings.begin(), report.llvm_cov.findings.end());
    // A workspace cargo cannot load fails every command
    try {
        (void)load_workspace(root);
    } catch (const ManifestError& error) {
        std::string problem = error.what();
        if (problem.rfind("envguard: ", 0) == 0) problem = problem.substr(10);
        findings.push_back({envguard::Severity::error, "", problem,
                            "fix the workspace's Cargo.toml (members = [\"crates/*\"], each member "
                            "directory with a Cargo.toml)"});
    }
    return report;
}

int run_check(const CheckOptions& options) {
    // As cargo: config files and relative paths from the current directory; --manifest-path names a
    // Cargo.toml (not a directory), whose workspace is the one built.
    const std::filesystem::path dir = std::filesystem::current_path();
    std::filesystem::path root;
    try {
        root = checked_workspace_root(dir, options.manifest_path);
    } catch (const ManifestError& error) {
        if (options.format == "json") fmt::print("{}\n", check_error_json(error.what()).dump(2)); // JSON, even for this
        else fmt::print(stderr, "{}\n", error.what());
        return exit_envguard_error;
    }
    const CheckReport report = gather_check_report(options, dir, root);
    if (options.format == "json") fmt::print("{}\n", check_json(report).dump(2));
    else fmt::print("{}", check_text(report, ENVGUARD_ISATTY(1) != 0));
    return report.prediction.will_fail() ? 1 : 0;
}

} // namespace

void add_check(CLI::App& app, CommandTable& commands) {
    auto options = std::make_shared<CheckOptions>();
    CLI::App* check = app.add_subcommand(
        "check", "Predict what cargo will do here: which wrapper, incremental or not, where the build goes");
    check->add_option("--profile", options->profile, "Check the environment this profile renders")
        ->type_name("P")
        ->check(not_an_option);
    check->add_option("--config", options->config_file, "Read profiles from FILE only")
        ->type_name("FILE")
        ->check(not_an_option);
    check->add_option("--format", options->format, "text (default) or json")
        ->type_name("FORMAT")
        ->check(not_an_option)
        ->check(one_of({"text", "json"}, unknown_format_message, false));
    check->add_option("--for", options->for_what,
                      "build (cargo build) or coverage (cargo llvm-cov: the test profile, coverage findings); "
                      "default: coverage with a --profile whose name contains \"coverage\", else build")
        ->type_name("WHAT")
        ->check(not_an_option)
        ->check(one_of({"build", "coverage"}, unknown_for_message, true));
    check->add_option("--manifest-path", options->manifest_path,
                      "The Cargo.toml of the workspace to build, as cargo's --manifest-path: config files are "
                      "still found from the current directory")
        ->type_name("PATH")
        ->check(not_an_option);
    check->add_flag("--no-rustc-wrapper", options->no_rustc_wrapper,
                    "For coverage: predict `cargo llvm-cov --no-rustc-wrapper` (0.7.0 and later then do not run "
                    "as the wrapper)");
    check->footer("Reads .cargo/config(.toml) from here up to / and $CARGO_HOME, like cargo.\nExamples:\n"
                  "  envguard check\n  envguard check --profile coverage\n  envguard check --format json\n"
                  "Exit status: 0 the build will work; 1 an error-level finding; 125 something could not be read.");
    commands.add(check, [options, &commands] {
        if (commands.line().had_dashes) usage_error("envguard: check: takes no arguments after --");
        return run_check(*options);
    });
}

} // namespace launcher
