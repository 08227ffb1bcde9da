// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The Rust coverage recipe as data: which variables cargo-llvm-cov needs (and why), which commands
// each coverage mode runs, and what in an environment will make the build fail or go wrong. The facts
// behind each rule were checked against cargo 1.95 and sccache (see the README's "Coverage" section).
#pragma once

#include "config.hpp"
#include "detail/needs_exceptions.hpp"
#include "overlay.hpp"
#include "snapshot.hpp"

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#if ENVGUARD_HAS_EXCEPTIONS // else: not available (detail/needs_exceptions.hpp)
ENVGUARD_NAMESPACE_BEGIN

/// What `cargo llvm-cov` produces.
enum class CoverageMode {
    html, ///< HTML report in target/llvm-cov/html
    open, ///< HTML report, then opened in a browser
    text, ///< summary table on the terminal
    lcov, ///< lcov.info
    json, ///< coverage.json
    fast, ///< HTML, skipping the workspace crates that depend on pyo3 (or those given to exclude)
    ci,   ///< lcov.info, for uploading
    cobertura, ///< cobertura.xml (GitLab's coverage report format)
};

/// Every CoverageMode, in the order `envguard coverage --help` lists them.
inline constexpr CoverageMode all_coverage_modes[] = {
    CoverageMode::html, CoverageMode::open, CoverageMode::text, CoverageMode::lcov,
    CoverageMode::json, CoverageMode::fast, CoverageMode::ci, CoverageMode::cobertura};

/// The mode's name as `envguard coverage --mode` spells it ("html", "open", ...).
ENVGUARD_DECL std::string_view to_string(CoverageMode mode) noexcept;

/// The mode named NAME ("html", "open", ...), or std::nullopt.
ENVGUARD_DECL std::optional<CoverageMode> parse_coverage_mode(std::string_view name) noexcept;

/// What CoverageProfile::commands builds: the mode and the options of `envguard coverage`.
struct CoverageOptions {
    CoverageMode mode = CoverageMode::html; ///< which report to produce
    std::vector<std::string> packages;      ///< `-p a -p b` instead of `--workspace`
    std::vector<std::string> exclude;       ///< `--exclude x` after `--workspace` (fast: the pyo3 crates)
    bool clean = false;                     ///< run `cargo llvm-cov clean --workspace` first
    std::optional<std::string> output_path; ///< lcov, json, ci, cobertura: instead of the default file
    bool all_features = true;               ///< `--all-features` (the default; false for a feature choice)
    std::vector<std::string> features;      ///< `--features a,b`
    bool no_default_features = false;       ///< `--no-default-features`
    std::vector<std::string> extra_args;    ///< appended to the main command as they are
};

/// How bad a Finding is: an error means the build will fail or silently do the wrong thing.
enum class Severity {
    info,    ///< worth knowing, nothing goes wrong
    warning, ///< works here, but is fragile or slow (e.g. an sccache that will refuse it when upgraded)
    error,   ///< the build fails or does something other than intended
};

/// The severity's name: "info", "warning" or "error".
ENVGUARD_DECL std::string_view to_string(Severity severity) noexcept;

/// One thing `check` noticed: how bad, about which variable, what is wrong, what to do.
struct Finding {
    Severity severity;   ///< how bad
    std::string variable; ///< the variable the finding is about, e.g. "RUSTC_WRAPPER"
    std::string problem;  ///< what is wrong, one sentence
    std::string fix;      ///< what to do about it, one sentence

    /// Equal when all four fields are.
    friend ENVGUARD_DECL bool operator==(const Finding& a, const Finding& b);
};

/// True when any of FINDINGS is a Severity::error.
ENVGUARD_DECL bool has_errors(const std::vector<Finding>& findings) noexcept;

/// What in ENV will make a cargo coverage build fail or go somewhere unexpected. Knows only the
/// environment: what cargo's config files add is `envguard check`'s job (which words its findings
/// with the rules below, so both say the same thing about the same setting).
ENVGUARD_DECL std::vector<Finding> check_coverage_environment(const EnvSnapshot& env);

/// What sccache prints when it refuses to run because VARIABLE=1 (CARGO_INCREMENTAL or
/// CARGO_BUILD_INCREMENTAL) is in its environment, in both of its wordings:
/// `0.5.1-0.10: "sccache: increment compilation is  prohibited."; 0.14 and later: "sccache:
/// incremental compilation is prohibited: Unset VARIABLE to continue."` (the two spaces are sccache's).
ENVGUARD_DECL std::string sccache_refusal_text(std::string_view variable);

/// The error for VARIABLE=VALUE when cargo reads VARIABLE as a boolean (CARGO_BUILD_INCREMENTAL,
/// CARGO_PROFILE_<NAME>_INCREMENTAL) and VALUE is neither "true" nor "false": cargo stops. std::nullopt
/// when VALUE is null (the variable is unset) or a valid boolean.
ENVGUARD_DECL std::optional<Finding> cargo_bool_finding(std::string_view variable, const std::string* value);

/// The error for a target directory set to the empty string by VARIABLE (CARGO_TARGET_DIR,
/// CARGO_BUILD_TARGET_DIR or build.target-dir): cargo stops with "the target directory is set to an
/// empty string".
ENVGUARD_DECL Finding empty_target_dir_finding(std::string_view variable);

/// The cargo-llvm-cov recipe: the environment it needs and the commands each mode runs.
class CoverageProfile {
public:
    /// Coverage without sccache: RUSTC_WRAPPER="" (set to empty, NOT unset: unset lets cargo fall
    /// back to the config's wrapper), CARGO_INCREMENTAL=1 (safe only with that empty wrapper), and
    /// CARGO_TARGET_DIR unset (an empty one is a cargo error) so the workspace's target/ is used.
    static CoverageProfile llvm_cov();

    /// Coverage through sccache: the wrapper is kept and CARGO_INCREMENTAL=0, which sccache accepts;
    /// instrumented builds are cached too.
    static CoverageProfile llvm_cov_cached();

    /// "coverage" or "coverage-cached": the name of the matching built-in Profile.
    const std::string& name() const noexcept { return name_; }
    /// The environment changes, to apply() to this process or render() for a child.
    const EnvOverlay& overlay() const noexcept { return overlay_; }

    /// What in ENV (typically overlay().render(current)) will go wrong; see check_coverage_environment.
    std::vector<Finding> check(const EnvSnapshot& env) const;

    /// The commands to run, in order, each an argv starting with "cargo": with options.clean first
    /// `cargo llvm-cov clean --workspace`, then the mode's command. Throws std::invalid_argument,
    /// saying which option and why, for options cargo-llvm-cov would refuse.
    static std::vector<std::vector<std::string>> commands(const CoverageOptions& options);

private:
    CoverageProfile(std::string name, EnvOverlay overlay);

    static bool extra_output_path(const std::vector<std::string>& extra);

    static void validate(const CoverageOptions& options);

    std::string name_;
    EnvOverlay overlay_;
};

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
ENVGUARD_NAMESPACE_BEGIN

namespace detail {

inline bool names_sccache(std::string_view wrapper) noexcept {
    return wrapper.find("sccache") != std::string_view::npos;
}

} // namespace detail

ENVGUARD_DECL std::string_view to_string(CoverageMode mode) noexcept {
    switch (mode) {
    case CoverageMode::html: return "html";
    case CoverageMode::open: return "open";
    case CoverageMode::text: return "text";
    case CoverageMode::lcov: return "lcov";
    case CoverageMode::json: return "json";
    case CoverageMode::fast: return "fast";
    case CoverageMode::ci: return "ci";
    case CoverageMode::cobertura: return "cobertura";
    }
    return "html";
}

ENVGUARD_DECL std::optional<CoverageMode> parse_coverage_mode(std::string_view name) noexcept {
    for (CoverageMode mode : all_coverage_modes)
        if (to_string(mode) == name) return mode;
    return std::nullopt;
}

ENVGUARD_DECL std::string_view to_string(Severity severity) noexcept {
    switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
    }
    return "info";
}

ENVGUARD_DECL bool has_errors(const std::vector<Finding>& findings) noexcept {
    for (const auto& finding : findings)
        if (finding.severity == Severity::error) return true;
    return false;
}

ENVGUARD_DECL bool operator==(const Finding& a, const Finding& b) {
    return a.severity == b.severity && a.variable == b.variable && a.problem == b.problem &&
           a.fix == b.fix;
}

ENVGUARD_DECL std::string sccache_refusal_text(std::string_view variable) {
    return "0.5.1-0.10: \"sccache: increment compilation is  prohibited.\"; 0.14 and later: \"sccache: "
           "incremental compilation is prohibited: Unset " +
           std::string(variable) + " to continue.\"";
}

ENVGUARD_DECL std::optional<Finding> cargo_bool_finding(std::string_view variable, const std::string* value) {
    if (value == nullptr || *value == "true" || *value == "false") return std::nullopt;
    return Finding{Severity::error, std::string(variable),
                   std::string(variable) + "=" + envguard::quote_value(*value) +
                       ": cargo stops with \"provided string was not `true` or `false`\"",
                   "use true or false, or unset it"};
}

ENVGUARD_DECL Finding empty_target_dir_finding(std::string_view variable) {
    const std::string name(variable);
    return {Severity::error, name,
            name + " is set to the empty string: cargo stops with \"the target directory is set to an "
                   "empty string\"",
            "unset " + name + " (not empty) to use the workspace's target/"};
}

namespace detail {

// The rules of check_coverage_environment, one function per setting. INCREMENTAL_ON: whether cargo
// builds incrementally (CARGO_INCREMENTAL=1, or CARGO_BUILD_INCREMENTAL=true without it).
inline bool coverage_incremental_on(const EnvSnapshot& env) {
    if (const std::string* incremental = env.find("CARGO_INCREMENTAL")) return *incremental == "1";
    const std::string* build_incremental = env.find("CARGO_BUILD_INCREMENTAL");
    return build_incremental && *build_incremental == "true";
}

inline std::string coverage_sccache_refuses() {
    return "sccache (0.5.1 and later) refuses to run when CARGO_INCREMENTAL=1 (" +
           sccache_refusal_text("CARGO_INCREMENTAL") + ")";
}

// The wrapper cargo will run: RUSTC_WRAPPER, set (even to ""), beats every other source.
inline void check_coverage_wrapper(const EnvSnapshot& env, bool incremental_on, std::vector<Finding>& out) {
    const std::string* wrapper = env.find("RUSTC_WRAPPER");
    if (wrapper && !wrapper->empty()) {
        if (incremental_on && names_sccache(*wrapper))
            out.push_back({Severity::error, "RUSTC_WRAPPER",
                           "RUSTC_WRAPPER=" + envguard::quote_value(*wrapper) +
                               " together with incremental builds: " + coverage_sccache_refuses(),
                           "set RUSTC_WRAPPER to the empty string (not unset), or set "
                           "CARGO_INCREMENTAL=0 to keep the cache"});
        else if (incremental_on)
            out.push_back({Severity::warning, "RUSTC_WRAPPER",
                           "RUSTC_WRAPPER=" + envguard::quote_value(*wrapper) +
                               " sees CARGO_INCREMENTAL=1; a caching wrapper may refuse it",
                           "set RUSTC_WRAPPER to the empty string (not unset) for coverage"});
        return;
    }
    if (wrapper) return; // set to "": no wrapper, whatever else says
    if (const std::string* build_wrapper = env.find("CARGO_BUILD_RUSTC_WRAPPER"); build_wrapper && !build_wrapper->empty()) {
        const bool fatal = incremental_on && names_sccache(*build_wrapper);
        out.push_back({fatal ? Severity::error : Severity::warning, "CARGO_BUILD_RUSTC_WRAPPER",
                       "RUSTC_WRAPPER is unset, so cargo will run CARGO_BUILD_RUSTC_WRAPPER=" +
                           envguard::quote_value(*build_wrapper) +
                           (fatal ? ": " + coverage_sccache_refuses() : std::string()),
                       "set RUSTC_WRAPPER to the empty string (not unset): it overrides every other wrapper "
                       "setting"});
    } else if (incremental_on) {
        out.push_back({Severity::warning, "RUSTC_WRAPPER",
                       "RUSTC_WRAPPER is unset, so a [build] rustc-wrapper in cargo's config "
                       "(such as sccache) is still used, and CARGO_INCREMENTAL=1 reaches it",
                       "set RUSTC_WRAPPER to the empty string (not unset)"});
    } else {
        out.push_back({Severity::info, "RUSTC_WRAPPER",
                       "RUSTC_WRAPPER is unset: cargo uses build.rustc-wrapper from its "
                       "config files, if they name one",
                       "set RUSTC_WRAPPER to the empty string to be sure no wrapper runs"});
    }
}

inline void check_coverage_workspace_wrapper(const EnvSnapshot& env, bool incremental_on,
                                             std::vector<Finding>& out) {
    const std::string* workspace_wrapper = env.find("RUSTC_WORKSPACE_WRAPPER");
    if (workspace_wrapper && !workspace_wrapper->empty() && incremental_on && names_sccache(*workspace_wrapper))
        out.push_back({Severity::error, "RUSTC_WORKSPACE_WRAPPER",
                       "RUSTC_WORKSPACE_WRAPPER=" + envguard::quote_value(*workspace_wrapper) +
                           " together with incremental builds: " + coverage_sccache_refuses(),
                       "set RUSTC_WORKSPACE_WRAPPER to the empty string (not unset)"});
}

inline void check_coverage_incremental(const EnvSnapshot& env, std::vector<Finding>& out) {
    if (const std::string* incremental = env.find("CARGO_INCREMENTAL"); incremental && *incremental != "0" && *incremental != "1")
        out.push_back({Severity::info, "CARGO_INCREMENTAL",
                       "CARGO_INCREMENTAL=" + envguard::quote_value(*incremental) +
                           ": cargo treats every value but \"1\" as off",
                       "use 1 (on) or 0 (off)"});
    if (auto finding = cargo_bool_finding("CARGO_BUILD_INCREMENTAL", env.find("CARGO_BUILD_INCREMENTAL")))
        out.push_back(std::move(*finding));
}

inline void check_coverage_target_dir(const EnvSnapshot& env, std::vector<Finding>& out) {
    if (const std::string* target_dir = env.find("CARGO_TARGET_DIR")) {
        if (target_dir->empty())
            out.push_back(empty_target_dir_finding("CARGO_TARGET_DIR"));
        else
            out.push_back({Severity::info, "CARGO_TARGET_DIR",
                           "the build goes to CARGO_TARGET_DIR=" + envguard::quote_value(*target_dir) +
                               " (cargo-llvm-cov uses its llvm-cov-target/), not the workspace's target/",
                           "unset CARGO_TARGET_DIR to build in the workspace's target/"});
    }
    if (const std::string* build_target_dir = env.find("CARGO_BUILD_TARGET_DIR"); build_target_dir && build_target_dir->empty())
        out.push_back(empty_target_dir_finding("CARGO_BUILD_TARGET_DIR"));
}

} // namespace detail

ENVGUARD_DECL std::vector<Finding> check_coverage_environment(const EnvSnapshot& env) {
    std::vector<Finding> findings;
    const bool incremental_on = detail::coverage_incremental_on(env);
    detail::check_coverage_wrapper(env, incremental_on, findings);
    detail::check_coverage_workspace_wrapper(env, incremental_on, findings);
    detail::check_coverage_incremental(env, findings);
    detail::check_coverage_target_dir(env, findings);
    return findings;
}

ENVGUARD_DECL CoverageProfile CoverageProfile::llvm_cov() {
    EnvOverlay overlay;
    overlay.set_empty("RUSTC_WRAPPER").set("CARGO_INCREMENTAL", "1").unset("CARGO_TARGET_DIR");
    return CoverageProfile("coverage", std::move(overlay));
}

ENVGUARD_DECL CoverageProfile CoverageProfile::llvm_cov_cached() {
    EnvOverlay overlay;
    overlay.set("CARGO_INCREMENTAL", "0");
    return CoverageProfile("coverage-cached", std::move(overlay));
}

ENVGUARD_DECL std::vector<Finding> CoverageProfile::check(const EnvSnapshot& env) const { return check_coverage_environment(env); }

ENVGUARD_DECL std::vector<std::vector<std::string>> CoverageProfile::commands(const CoverageOptions& options) {
    validate(options);
    // The commands made in place and every word through one push_back(std::string&&): the vectors'
    // initializer-list constructors and their other insertions would each be compiled again in
    // every file that includes this header (issue #19).
    std::vector<std::vector<std::string>> result(options.clean ? 2 : 1);
    if (options.clean)
        for (const char* word : {"cargo", "llvm-cov", "clean", "--workspace"}) result.front().push_back(word);
    std::vector<std::string>& args = result.back();
    const auto add = [&args](std::string_view word) { args.push_back(std::string(word)); };
    add("cargo");
    add("llvm-cov");
    if (options.packages.empty()) {
        add("--workspace");
        for (const auto& crate : options.exclude) {
            add("--exclude");
            add(crate);
        }
    } else {
        for (const auto& package : options.packages) {
            add("-p");
            add(package);
        }
    }
    if (options.all_features) add("--all-features");
    if (options.no_default_features) add("--no-default-features");
    if (!options.features.empty()) {
        std::string list;
        for (const auto& feature : options.features) (list += list.empty() ? "" : ",") += feature;
        add("--features");
        add(list);
    }
    // An --output-path among the extra arguments replaces the mode's default file (cargo-llvm-cov
    // would refuse it twice).
    const bool extra_output = extra_output_path(options.extra_args);
    auto output = [&](const char* flag, const char* default_path) {
        add(flag);
        if (extra_output) return;
        add("--output-path");
        add(options.output_path ? std::string_view(*options.output_path) : std::string_view(default_path));
    };
    switch (options.mode) {
    case CoverageMode::html:
    case CoverageMode::fast: add("--html"); break;
    case CoverageMode::open:
        add("--html");
        add("--open");
        break;
    case CoverageMode::text: break;
    case CoverageMode::lcov:
    case CoverageMode::ci: output("--lcov", "lcov.info"); break;
    case CoverageMode::json: output("--json", "coverage.json"); break;
    case CoverageMode::cobertura: output("--cobertura", "cobertura.xml"); break;
    }
    for (const auto& arg : options.extra_args) add(arg);
    return result;
}

ENVGUARD_DECL CoverageProfile::CoverageProfile(std::string name, EnvOverlay overlay)
    : name_(std::move(name)), overlay_(std::move(overlay)) {}

ENVGUARD_DECL bool CoverageProfile::extra_output_path(const std::vector<std::string>& extra) {
    for (const auto& arg : extra) {
        if (arg == "--") break; // what follows goes to the test binaries
        if (arg == "--output-path" || arg.rfind("--output-path=", 0) == 0) return true;
    }
    return false;
}

ENVGUARD_DECL void CoverageProfile::validate(const CoverageOptions& options) {
    auto check_crate = [](const std::string& crate, const char* option) {
        if (crate.empty())
            throw std::invalid_argument(std::string("envguard: ") + option +
                                        ": a package name must not be empty");
        if (crate.front() == '-')
            throw std::invalid_argument(std::string("envguard: ") + option + ": \"" + crate +
                                        "\" is not a package name (it starts with '-')");
    };
    for (const auto& crate : options.packages) check_crate(crate, "--packages");
    for (const auto& crate : options.exclude) check_crate(crate, "--exclude");
    if (!options.packages.empty() && !options.exclude.empty())
        throw std::invalid_argument(
            "envguard: --exclude works on the whole workspace and cannot be combined with "
            "--packages (cargo refuses --exclude without --workspace)");
    const bool writes_file = options.mode == CoverageMode::lcov || options.mode == CoverageMode::json ||
                             options.mode == CoverageMode::ci || options.mode == CoverageMode::cobertura;
    if (options.output_path && !writes_file)
        throw std::invalid_argument(std::string("envguard: --output-path applies to the lcov, "
                                                "json, ci and cobertura modes, not to ") +
                                    std::string(to_string(options.mode)));
    if (options.output_path && extra_output_path(options.extra_args))
        throw std::invalid_argument("envguard: --output-path is given twice (once before --, once "
                                    "after it, for cargo llvm-cov): give it once");
    if (options.all_features && (options.no_default_features || !options.features.empty()))
        throw std::invalid_argument("envguard: --all-features cannot be combined with --features or "
                                    "--no-default-features (choose one)");
    // cargo's feature names: letters, digits, '_', '-', '+', '.'; "dep/feature" and "dep?/feature"
    for (const auto& feature : options.features) {
        bool valid = !feature.empty() && feature.front() != '-';
        for (char c : feature)
            valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                              c == '_' || c == '-' || c == '+' || c == '.' || c == '/' || c == '?' || c == ':');
        if (!valid)
            throw std::invalid_argument("envguard: --features: \"" + feature +
                                        "\" is not a feature name (letters, digits, _ - + . and "
                                        "dep/feature)");
    }
    if (options.output_path && options.output_path->empty())
        throw std::invalid_argument("envguard: --output-path must not be empty");
}

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
#endif // ENVGUARD_HAS_EXCEPTIONS
