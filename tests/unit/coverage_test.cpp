// coverage.hpp and profile.hpp: the cargo-llvm-cov recipe
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

using Args = std::vector<std::string>;

namespace {
Args main_command(envguard::CoverageOptions options) {
    return envguard::CoverageProfile::commands(options).back();
}
envguard::CoverageOptions mode(envguard::CoverageMode m) {
    envguard::CoverageOptions options;
    options.mode = m;
    return options;
}
bool has_error_for(const std::vector<envguard::Finding>& findings, const std::string& variable) {
    for (const auto& f : findings)
        if (f.severity == envguard::Severity::error && f.variable == variable) return true;
    return false;
}
} // namespace

TEST_CASE("CoverageProfile: the coverage overlay sets RUSTC_WRAPPER to empty, not unset") {
    const auto overlay = envguard::CoverageProfile::llvm_cov().overlay();
    CHECK(overlay.to_string() == "RUSTC_WRAPPER=\"\" (set to empty, not unset)\n"
                                 "CARGO_INCREMENTAL=\"1\"\n"
                                 "CARGO_TARGET_DIR unset\n");
    CHECK(envguard::CoverageProfile::llvm_cov_cached().overlay().to_string() ==
          "CARGO_INCREMENTAL=\"0\"\n");
}

TEST_CASE("CoverageProfile: each mode runs exactly the arguments of the design table") {
    using envguard::CoverageMode;
    const std::string base = "cargo llvm-cov --workspace --all-features";
    auto joined = [](const Args& args) {
        std::string out;
        for (const auto& a : args) out += (out.empty() ? "" : " ") + a;
        return out;
    };
    CHECK(joined(main_command(mode(CoverageMode::html))) == base + " --html");
    CHECK(joined(main_command(mode(CoverageMode::open))) == base + " --html --open");
    CHECK(joined(main_command(mode(CoverageMode::text))) == base);
    CHECK(joined(main_command(mode(CoverageMode::lcov))) == base + " --lcov --output-path lcov.info");
    CHECK(joined(main_command(mode(CoverageMode::json))) ==
          base + " --json --output-path coverage.json");
    CHECK(joined(main_command(mode(CoverageMode::ci))) == base + " --lcov --output-path lcov.info");
    auto fast = mode(CoverageMode::fast);
    fast.exclude = {"py-a", "py-b"};
    CHECK(joined(main_command(fast)) ==
          "cargo llvm-cov --workspace --exclude py-a --exclude py-b --all-features --html");
}

TEST_CASE("CoverageProfile: packages replace --workspace, clean comes first, extras go last") {
    envguard::CoverageOptions options;
    options.mode = envguard::CoverageMode::text;
    options.packages = {"a", "b"};
    options.clean = true;
    options.extra_args = {"--no-cfg-coverage"};
    const auto commands = envguard::CoverageProfile::commands(options);
    REQUIRE(commands.size() == 2);
    CHECK(commands[0] == Args{"cargo", "llvm-cov", "clean", "--workspace"});
    CHECK(commands[1] ==
          Args{"cargo", "llvm-cov", "-p", "a", "-p", "b", "--all-features", "--no-cfg-coverage"});
    options.mode = envguard::CoverageMode::json;
    options.output_path = "out/cov.json";
    options.all_features = false;
    options.clean = false;
    options.extra_args.clear();
    CHECK(envguard::CoverageProfile::commands(options) ==
          std::vector<Args>{{"cargo", "llvm-cov", "-p", "a", "-p", "b", "--json", "--output-path",
                             "out/cov.json"}});
}

TEST_CASE("CoverageProfile: options cargo-llvm-cov would refuse are refused, saying why") {
    envguard::CoverageOptions options;
    options.packages = {""};
    CHECK_THROWS_WITH_AS(envguard::CoverageProfile::commands(options),
                         "envguard: --packages: a package name must not be empty",
                         std::invalid_argument);
    options.packages = {"a"};
    options.exclude = {"b"};
    CHECK_THROWS_WITH_AS(envguard::CoverageProfile::commands(options),
                         doctest::Contains("cannot be combined with --packages"),
                         std::invalid_argument);
    options = {};
    options.output_path = "x.info";
    CHECK_THROWS_WITH_AS(envguard::CoverageProfile::commands(options),
                         "envguard: --output-path applies to the lcov, json, ci and cobertura modes, not to html",
                         std::invalid_argument);
    options.exclude = {"--all"};
    CHECK_THROWS_AS(envguard::CoverageProfile::commands(options), std::invalid_argument);
}

TEST_CASE("CoverageProfile: cobertura mode writes cobertura.xml (GitLab's report format)") {
    auto options = mode(envguard::CoverageMode::cobertura);
    CHECK(main_command(options) == Args{"cargo", "llvm-cov", "--workspace", "--all-features", "--cobertura",
                                        "--output-path", "cobertura.xml"});
    options.output_path = "reports/cov.xml";
    CHECK(main_command(options).back() == "reports/cov.xml");
}

TEST_CASE("CoverageProfile: an --output-path after -- replaces the mode's default, never doubles it") {
    auto options = mode(envguard::CoverageMode::json);
    options.extra_args = {"--output-path", "x.json"};
    CHECK(main_command(options) == Args{"cargo", "llvm-cov", "--workspace", "--all-features", "--json",
                                        "--output-path", "x.json"});
    options.extra_args = {"--output-path=y.json"};
    CHECK(main_command(options) ==
          Args{"cargo", "llvm-cov", "--workspace", "--all-features", "--json", "--output-path=y.json"});
    options.extra_args = {"--", "--output-path"}; // after a second --: the test binaries' argument
    CHECK(main_command(options) == Args{"cargo", "llvm-cov", "--workspace", "--all-features", "--json",
                                        "--output-path", "coverage.json", "--", "--output-path"});
    options.extra_args = {"--output-path", "x.json"};
    options.output_path = "z.json";
    CHECK_THROWS_WITH_AS(envguard::CoverageProfile::commands(options), doctest::Contains("given twice"),
                         std::invalid_argument);
}

TEST_CASE("CoverageProfile: features are a choice: --all-features, --features, --no-default-features") {
    auto options = mode(envguard::CoverageMode::text);
    options.all_features = false;
    options.features = {"a", "b"};
    options.no_default_features = true;
    CHECK(main_command(options) ==
          Args{"cargo", "llvm-cov", "--workspace", "--no-default-features", "--features", "a,b"});
    options.all_features = true;
    CHECK_THROWS_WITH_AS(envguard::CoverageProfile::commands(options), doctest::Contains("choose one"),
                         std::invalid_argument);
    options.all_features = false;
    options.features = {"-x"};
    CHECK_THROWS_AS(envguard::CoverageProfile::commands(options), std::invalid_argument);
    options.features = {"a\"&b"};
    CHECK_THROWS_WITH_AS(envguard::CoverageProfile::commands(options), doctest::Contains("is not a feature name"),
                         std::invalid_argument);
    options.features = {"serde/std", "dep:x", "tokio?/rt", "v1.2+x"};
    CHECK_NOTHROW(envguard::CoverageProfile::commands(options));
}

TEST_CASE("CoverageProfile: modes parse from and print as their names") {
    for (auto m : envguard::all_coverage_modes) CHECK(envguard::parse_coverage_mode(envguard::to_string(m)) == m);
    CHECK_FALSE(envguard::parse_coverage_mode("HTML").has_value());
    CHECK_FALSE(envguard::parse_coverage_mode("").has_value());
}

TEST_CASE("check: the rendered coverage overlay has no error-level finding") {
    // The users' situation: sccache as the wrapper, incremental off, a shared target directory.
    const envguard::EnvSnapshot user{{"RUSTC_WRAPPER", "sccache"},
                                     {"CARGO_INCREMENTAL", "1"},
                                     {"CARGO_TARGET_DIR", ""}};
    const auto profile = envguard::CoverageProfile::llvm_cov();
    CHECK(envguard::has_errors(profile.check(user)));
    CHECK_FALSE(envguard::has_errors(profile.check(profile.overlay().render(user))));
    for (const auto& p : envguard::builtin_profiles()) {
        CAPTURE(p.name);
        CHECK_FALSE(envguard::has_errors(p.check(p.overlay.render(envguard::EnvSnapshot{}))));
    }
}

TEST_CASE("check: finds each environment that will fail") {
    using envguard::EnvSnapshot;
    // sccache with incremental on: sccache's refusal
    CHECK(has_error_for(envguard::check_coverage_environment(
                            EnvSnapshot{{"RUSTC_WRAPPER", "/usr/bin/sccache"}, {"CARGO_INCREMENTAL", "1"}}),
                        "RUSTC_WRAPPER"));
    // the same with incremental off is fine
    CHECK_FALSE(envguard::has_errors(envguard::check_coverage_environment(
        EnvSnapshot{{"RUSTC_WRAPPER", "sccache"}, {"CARGO_INCREMENTAL", "0"}})));
    // an empty target dir is cargo's hard error
    CHECK(has_error_for(envguard::check_coverage_environment(EnvSnapshot{{"CARGO_TARGET_DIR", ""}}),
                        "CARGO_TARGET_DIR"));
    CHECK(has_error_for(
        envguard::check_coverage_environment(EnvSnapshot{{"CARGO_BUILD_TARGET_DIR", ""}}),
        "CARGO_BUILD_TARGET_DIR"));
    // CARGO_BUILD_RUSTC_WRAPPER wins while RUSTC_WRAPPER is unset, and not when it is set to ""
    const EnvSnapshot build_wrapper{{"CARGO_BUILD_RUSTC_WRAPPER", "sccache"}, {"CARGO_INCREMENTAL", "1"}};
    CHECK(has_error_for(envguard::check_coverage_environment(build_wrapper), "CARGO_BUILD_RUSTC_WRAPPER"));
    auto overridden = build_wrapper;
    overridden.set("RUSTC_WRAPPER", "");
    CHECK_FALSE(envguard::has_errors(envguard::check_coverage_environment(overridden)));
    CHECK(has_error_for(envguard::check_coverage_environment(EnvSnapshot{{"CARGO_BUILD_INCREMENTAL", "1"}}),
                        "CARGO_BUILD_INCREMENTAL"));
    // unset wrapper with incremental on: a configured sccache would still run — a warning, with the fix
    const auto unset_wrapper =
        envguard::check_coverage_environment(EnvSnapshot{{"CARGO_INCREMENTAL", "1"}});
    REQUIRE_FALSE(unset_wrapper.empty());
    CHECK(unset_wrapper[0].severity == envguard::Severity::warning);
    CHECK(unset_wrapper[0].fix == "set RUSTC_WRAPPER to the empty string (not unset)");
}

TEST_CASE("Profile: the built-ins are coverage, coverage-cached and sccache") {
    std::vector<std::string> names;
    for (const auto& p : envguard::builtin_profiles()) names.push_back(p.name);
    CHECK(names == std::vector<std::string>{"coverage", "coverage-cached", "sccache"});
    REQUIRE(envguard::find_builtin_profile("coverage") != nullptr);
    CHECK(envguard::find_builtin_profile("coverage")->overlay ==
          envguard::CoverageProfile::llvm_cov().overlay());
    CHECK(envguard::find_builtin_profile("nope") == nullptr);
    CHECK(envguard::find_builtin_profile("sccache")->overlay.to_string() ==
          "RUSTC_WRAPPER=\"sccache\"\nCARGO_INCREMENTAL=\"0\"\n");
}

TEST_CASE("sccache_refusal_text: both of sccache's wordings, naming the variable it found") {
    CHECK(envguard::sccache_refusal_text("CARGO_BUILD_INCREMENTAL") ==
          "0.5.1-0.10: \"sccache: increment compilation is  prohibited.\"; 0.14 and later: \"sccache: "
          "incremental compilation is prohibited: Unset CARGO_BUILD_INCREMENTAL to continue.\"");
    // check_coverage_environment words its refusal with it
    envguard::EnvSnapshot env;
    env.set("RUSTC_WRAPPER", "sccache");
    env.set("CARGO_INCREMENTAL", "1");
    const auto findings = envguard::check_coverage_environment(env);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].problem.find(envguard::sccache_refusal_text("CARGO_INCREMENTAL")) != std::string::npos);
}

TEST_CASE("cargo_bool_finding: only true and false are booleans to cargo") {
    const std::string yes = "yes", truth = "true", falsity = "false";
    CHECK_FALSE(envguard::cargo_bool_finding("CARGO_BUILD_INCREMENTAL", nullptr));
    CHECK_FALSE(envguard::cargo_bool_finding("CARGO_BUILD_INCREMENTAL", &truth));
    CHECK_FALSE(envguard::cargo_bool_finding("CARGO_BUILD_INCREMENTAL", &falsity));
    const auto finding = envguard::cargo_bool_finding("CARGO_PROFILE_DEV_INCREMENTAL", &yes);
    REQUIRE(finding);
    CHECK(finding->severity == envguard::Severity::error);
    CHECK(finding->variable == "CARGO_PROFILE_DEV_INCREMENTAL");
    CHECK(finding->problem ==
          "CARGO_PROFILE_DEV_INCREMENTAL=\"yes\": cargo stops with \"provided string was not `true` or `false`\"");
    CHECK(finding->fix == "use true or false, or unset it");
}

TEST_CASE("empty_target_dir_finding: the same error for each of the three settings") {
    for (const char* variable : {"CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR", "build.target-dir"}) {
        CAPTURE(variable);
        const auto finding = envguard::empty_target_dir_finding(variable);
        CHECK(finding.severity == envguard::Severity::error);
        CHECK(finding.variable == variable);
        CHECK(finding.problem == std::string(variable) +
                                     " is set to the empty string: cargo stops with \"the target directory is "
                                     "set to an empty string\"");
        CHECK(finding.fix == "unset " + std::string(variable) + " (not empty) to use the workspace's target/");
    }
    envguard::EnvSnapshot env;
    env.set("RUSTC_WRAPPER", "");
    env.set("CARGO_BUILD_TARGET_DIR", "");
    const auto findings = envguard::check_coverage_environment(env);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0] == envguard::empty_target_dir_finding("CARGO_BUILD_TARGET_DIR"));
}
