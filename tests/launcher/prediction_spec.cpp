// Specs for the launcher's pure parts: check's prediction (launcher/cargo_config), the workspace
// readers (launcher/workspace: cargo metadata's graph, the manifest fallback) and the profile-file
// loader (launcher/profile_file). One case per scenario of issue 15, so that none comes back
// unnoticed; the end-to-end tests (cargo_test.sh, check_differential.py) hold the same scenarios
// against real cargo.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "cargo_config.hpp"
#include "profile_file.hpp"
#include "workspace.hpp"

#include <envguard/envguard.hpp>

#include <unistd.h> // getpid

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using launcher::PredictFor;

namespace {

// A scratch directory with a crate in it, removed at the end of the case.
struct Scratch {
    fs::path dir;
    Scratch() {
        static std::atomic<int> counter{0};
        dir = fs::temp_directory_path() /
              ("envguard-spec-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(dir);
        fs::create_directories(dir / "home");
        write("Cargo.toml", "[package]\nname = \"c\"\nversion = \"0.1.0\"\n");
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    void write(const std::string& relative, const std::string& text) const {
        const fs::path path = dir / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path) << text;
    }
    // The environment: HOME in the scratch directory (no user config), PATH with a fake sccache,
    // plus VARIABLES. The fake stays: predict() only needs a program of that name to exist (its version
    // is an argument); the real sccache 0.16 runs in check_differential.py.
    envguard::EnvSnapshot env(std::vector<std::pair<std::string, std::string>> variables = {}) const {
        write("bin/sccache", "#!/bin/sh\nexit 0\n");
        fs::permissions(dir / "bin/sccache", fs::perms::owner_all);
        write("bin/logwrap", "#!/bin/sh\nexec \"$@\"\n");
        fs::permissions(dir / "bin/logwrap", fs::perms::owner_all);
        envguard::EnvSnapshot env;
        env.set("HOME", (dir / "home").string());
        env.set("PATH", (dir / "bin").string());
        for (const auto& [name, value] : variables) env.set(name, value);
        return env;
    }
    launcher::Prediction predict(const envguard::EnvSnapshot& env, PredictFor what = PredictFor::build,
                                 std::optional<std::string> sccache_version = std::nullopt) const {
        const launcher::CargoConfig config = launcher::read_cargo_config(dir, env, dir);
        return launcher::predict(config, env, dir, dir, sccache_version, what);
    }
};

const envguard::Finding* finding_about(const launcher::Prediction& p, const std::string& variable) {
    for (const auto& f : p.findings)
        if (f.variable == variable) return &f;
    return nullptr;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace

TEST_CASE("item 4: an sccache older than 0.5.1 as the workspace wrapper is a warning, not an error") {
    Scratch s;
    s.write(".cargo/config.toml", "[build]\nrustc-workspace-wrapper = \"sccache\"\n");
    const auto env = s.env({{"CARGO_INCREMENTAL", "1"}});
    const auto old = s.predict(env, PredictFor::build, "0.4.0-pre.6");
    CHECK_FALSE(old.will_fail());
    REQUIRE(finding_about(old, "RUSTC_WORKSPACE_WRAPPER") != nullptr);
    CHECK(finding_about(old, "RUSTC_WORKSPACE_WRAPPER")->severity == envguard::Severity::warning);
    CHECK(contains(finding_about(old, "RUSTC_WORKSPACE_WRAPPER")->problem, "accepts without caching"));
    const auto current = s.predict(env, PredictFor::build, "0.10.0");
    CHECK(current.will_fail());
    const auto unknown = s.predict(env);
    CHECK(unknown.will_fail()); // no version known: the refusing versions are assumed
}

TEST_CASE("item 5: the two wrappers nest; neither overrides the other") {
    Scratch s;
    s.write(".cargo/config.toml", "[build]\nrustc-wrapper = \"logwrap\"\n");
    const auto p = s.predict(s.env({{"RUSTC_WORKSPACE_WRAPPER", "sccache"}}));
    REQUIRE(p.wrapper.program);
    REQUIRE(p.workspace_wrapper.program);
    CHECK(*p.wrapper.program == "logwrap");
    CHECK(*p.workspace_wrapper.program == "sccache");
    CHECK(contains(p.wrapper_nesting, "`logwrap sccache rustc …` (the two nest)"));
    CHECK_FALSE(contains(p.workspace_wrapper.rule, "overrides every other setting"));
    CHECK(contains(p.workspace_wrapper.rule, "wins over CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER"));
}

TEST_CASE("item 6: [env] CARGO_BUILD_INCREMENTAL is described as incremental, not the target directory") {
    Scratch s;
    s.write(".cargo/config.toml", "[env]\nCARGO_BUILD_INCREMENTAL = { value = \"1\", force = true }\n");
    const auto p = s.predict(s.env());
    const auto* f = finding_about(p, "CARGO_BUILD_INCREMENTAL");
    REQUIRE(f != nullptr);
    CHECK(contains(f->problem, "incremental setting ignores [env]"));
    CHECK_FALSE(contains(f->problem, "target directory"));
    CHECK(p.incremental); // cargo's own choice is unchanged
}

TEST_CASE("item 7: CARGO_PROFILE_<P>_INCREMENTAL values cargo rejects are errors") {
    Scratch s;
    for (const char* variable : {"CARGO_PROFILE_DEV_INCREMENTAL", "CARGO_PROFILE_TEST_INCREMENTAL"}) {
        CAPTURE(variable);
        const auto bad = s.predict(s.env({{variable, "yes"}}));
        CHECK(bad.will_fail());
        REQUIRE(finding_about(bad, variable) != nullptr);
        CHECK(contains(finding_about(bad, variable)->problem, "provided string was not `true` or `false`"));
        CHECK_FALSE(s.predict(s.env({{variable, "false"}})).will_fail());
    }
}

TEST_CASE("item 8: workspaces cargo cannot load are refused by the manifest reader") {
    Scratch s;
    s.write("Cargo.toml", "[workspace]\nmembers = \"crates/*\"\n");
    CHECK_THROWS_WITH_AS(launcher::load_workspace(s.dir), doctest::Contains("must be an array"),
                         launcher::ManifestError);
    s.write("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n");
    s.write("crates/real/Cargo.toml", "[package]\nname = \"real\"\nversion = \"0.1.0\"\n");
    fs::create_directories(s.dir / "crates/empty");
    CHECK_THROWS_WITH_AS(launcher::load_workspace(s.dir), doctest::Contains("has no Cargo.toml"),
                         launcher::ManifestError);
    fs::remove(s.dir / "crates/empty");
    CHECK(launcher::load_workspace(s.dir).members.size() == 1);
}

TEST_CASE("item 9: for coverage (cargo test) the test profile's incremental setting counts") {
    Scratch s;
    s.write("Cargo.toml", "[package]\nname = \"c\"\nversion = \"0.1.0\"\n[profile.test]\nincremental = false\n");
    const auto build = s.predict(s.env(), PredictFor::build);
    CHECK(build.incremental);
    CHECK(build.cargo_profile == "dev");
    const auto coverage = s.predict(s.env(), PredictFor::coverage);
    CHECK_FALSE(coverage.incremental);
    CHECK(coverage.cargo_profile == "test");
    CHECK(contains(coverage.incremental_rule, "profile.test.incremental = false"));
    // test inherits dev's setting when it has none of its own
    s.write("Cargo.toml", "[package]\nname = \"c\"\nversion = \"0.1.0\"\n[profile.dev]\nincremental = false\n");
    CHECK_FALSE(s.predict(s.env(), PredictFor::coverage).incremental);
    // CARGO_PROFILE_TEST_INCREMENTAL beats the files
    CHECK(s.predict(s.env({{"CARGO_PROFILE_TEST_INCREMENTAL", "true"}}), PredictFor::coverage).incremental);
}

TEST_CASE("item 14: a healthy sccache project gets no finding for an ordinary build") {
    Scratch s;
    s.write(".cargo/config.toml", "[build]\nrustc-wrapper = \"sccache\"\n");
    const auto p = s.predict(s.env({{"CARGO_INCREMENTAL", "0"}}));
    CHECK(p.findings.empty());
    // for coverage the wrapper that is still on is worth a word
    const auto coverage = s.predict(s.env({{"CARGO_INCREMENTAL", "0"}}), PredictFor::coverage);
    CHECK(finding_about(coverage, "RUSTC_WRAPPER") != nullptr);
}

TEST_CASE("item 15: relative paths in the environment are taken from the directory cargo runs in") {
    Scratch s;
    fs::create_directories(s.dir / "elsewhere");
    const auto env = s.env({{"CARGO_TARGET_DIR", "td"}});
    const launcher::CargoConfig config = launcher::read_cargo_config(s.dir / "elsewhere", env, s.dir);
    const auto p = launcher::predict(config, env, s.dir / "elsewhere", s.dir);
    REQUIRE(p.target_dir);
    CHECK(*p.target_dir == (s.dir / "elsewhere" / "td").lexically_normal());
}

TEST_CASE("items 1 and 11: the pyo3 members come from cargo metadata's resolved graph") {
    // a (member) -> my-bindings (member, renamed by a) -> pyo3; np (member) -> numpy -> pyo3;
    // core -> a (so core too), with a self-edge: a cycle does not loop
    const std::string metadata = R"({
      "packages": [
        {"id": "a 0.1.0", "name": "a"}, {"id": "b 0.1.0", "name": "my-bindings"},
        {"id": "np 0.1.0", "name": "np"}, {"id": "numpy 0.22.0", "name": "numpy"},
        {"id": "pyo3 0.22.0", "name": "pyo3"}, {"id": "core 0.1.0", "name": "core"}],
      "workspace_members": ["a 0.1.0", "b 0.1.0", "np 0.1.0", "core 0.1.0"],
      "resolve": {"nodes": [
        {"id": "a 0.1.0", "deps": [{"name": "bindings", "pkg": "b 0.1.0"}]},
        {"id": "b 0.1.0", "dependencies": ["pyo3 0.22.0"]},
        {"id": "np 0.1.0", "deps": [{"name": "numpy", "pkg": "numpy 0.22.0"}]},
        {"id": "numpy 0.22.0", "deps": [{"name": "pyo3", "pkg": "pyo3 0.22.0"}]},
        {"id": "pyo3 0.22.0", "deps": []},
        {"id": "core 0.1.0", "deps": [{"name": "a", "pkg": "a 0.1.0"}, {"name": "core", "pkg": "core 0.1.0"}]}]}
    })";
    const auto found = launcher::members_depending_on(metadata, "pyo3");
    CHECK(found.members == std::vector<std::string>{"a", "my-bindings", "np", "core"});
    CHECK(found.depending == std::vector<std::string>{"a", "my-bindings", "np", "core"});
    const auto alone = launcher::members_depending_on(
        R"({"packages": [{"id": "x", "name": "x"}], "workspace_members": ["x"], "resolve": {"nodes": [{"id": "x", "deps": []}]}})",
        "pyo3");
    CHECK(alone.depending.empty());
    CHECK(alone.members == std::vector<std::string>{"x"});
    CHECK_THROWS_AS(launcher::members_depending_on("{\"packages\": []}", "pyo3"), launcher::ManifestError);
    CHECK_THROWS_AS(launcher::members_depending_on("not json", "pyo3"), launcher::ManifestError);
}

TEST_CASE("item 12: a file's [profile.coverage] is an error for --profile coverage, naming the file") {
    Scratch s;
    s.write("envguard.toml", "[profile.coverage]\nset.CARGO_INCREMENTAL = \"0\"\n");
    const fs::path here = fs::current_path();
    fs::current_path(s.dir);
    CHECK_THROWS_WITH_AS(launcher::resolve_profile("coverage", ""),
                         doctest::Contains("envguard.toml:1: profile \"coverage\": a built-in profile cannot be redefined"),
                         launcher::ProfileFileError);
    // a broken file elsewhere does not stop a built-in
    s.write("envguard.toml", "[profile.p\n");
    CHECK(launcher::resolve_profile("coverage", "").name == "coverage");
    fs::current_path(here);
}

TEST_CASE("the profile-file loader: extends and a nearer file's profile replace a farther one whole") {
    Scratch s;
    s.write("envguard.toml", "[profile.mine]\nextends = \"coverage\"\nset.A = \"1\"\n");
    s.write("sub/envguard.toml", "[profile.mine]\nset.B = \"2\"\n");
    const auto set = launcher::load_profiles({s.dir / "sub/envguard.toml", s.dir / "envguard.toml"});
    const launcher::ListedProfile* mine = set.find("mine");
    REQUIRE(mine != nullptr);
    CHECK(mine->profile.overlay.to_string() == "B=\"2\"\n");
    CHECK(mine->overrides.size() == 1);
    const auto far = launcher::load_profiles({s.dir / "envguard.toml"});
    CHECK(contains(far.find("mine")->profile.overlay.to_string(), "RUSTC_WRAPPER=\"\""));
}

TEST_CASE("the manifest fallback: an inherited dependency renamed in [workspace.dependencies]") {
    Scratch s;
    s.write("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n[workspace.dependencies]\n"
                          "py = { package = \"pyo3\", version = \"0.22\" }\n");
    s.write("crates/a/Cargo.toml", "[package]\nname = \"a\"\nversion = \"0.1.0\"\n[dependencies]\npy.workspace = true\n");
    s.write("crates/b/Cargo.toml", "[package]\nname = \"b\"\nversion = \"0.1.0\"\n[dev-dependencies]\na = { path = \"../a\" }\n");
    s.write("crates/c/Cargo.toml", "[package]\nname = \"c\"\nversion = \"0.1.0\"\n");
    CHECK(launcher::crates_depending_on(launcher::load_workspace(s.dir), "pyo3") == std::vector<std::string>{"a", "b"});
}

// ---- predict()'s parts, one per setting ----

TEST_CASE("predict_incremental: CARGO_INCREMENTAL beats CARGO_BUILD_INCREMENTAL, only \"1\" is on") {
    const launcher::CargoConfig config;
    envguard::EnvSnapshot env;
    env.set("CARGO_INCREMENTAL", "yes");
    env.set("CARGO_BUILD_INCREMENTAL", "true");
    auto result = launcher::predict_incremental(config, env, PredictFor::build);
    CHECK_FALSE(result.on);
    CHECK(result.rule == "CARGO_INCREMENTAL=\"yes\" in the environment (every value but \"1\" is off)");
    env.unset("CARGO_INCREMENTAL");
    result = launcher::predict_incremental(config, env, PredictFor::build);
    CHECK(result.on);
    CHECK(result.rule == "CARGO_BUILD_INCREMENTAL=\"true\" in the environment");
    CHECK(result.source.file.empty());
}

TEST_CASE("predict_incremental: coverage reads the test profile, which falls back to dev's") {
    launcher::CargoConfig config;
    config.dev_incremental = launcher::ConfigBool{false, {"/w/.cargo/config.toml", 3}};
    const envguard::EnvSnapshot env;
    auto result = launcher::predict_incremental(config, env, PredictFor::coverage);
    CHECK_FALSE(result.on);
    CHECK(result.rule == "profile.dev.incremental = false (cargo llvm-cov runs cargo test, whose test "
                         "profile inherits dev's setting)");
    CHECK(result.source.line == 3);
    config.dev_incremental.reset();
    result = launcher::predict_incremental(config, env, PredictFor::coverage);
    CHECK(result.on);
    CHECK(result.rule == "the test profile's default (it inherits dev's)");
    CHECK(launcher::predict_incremental(config, env, PredictFor::build).rule == "the dev profile's default");
}

TEST_CASE("profile_incremental_findings: a value cargo cannot read as a boolean is an error") {
    envguard::EnvSnapshot env;
    env.set("CARGO_PROFILE_DEV_INCREMENTAL", "true");
    CHECK(launcher::profile_incremental_findings(env).empty());
    env.set("CARGO_PROFILE_RELEASE_INCREMENTAL", "1");
    const auto findings = launcher::profile_incremental_findings(env);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0] == *envguard::cargo_bool_finding("CARGO_PROFILE_RELEASE_INCREMENTAL", env.find("CARGO_PROFILE_RELEASE_INCREMENTAL")));
    CHECK(findings[0].problem ==
          "CARGO_PROFILE_RELEASE_INCREMENTAL=\"1\": cargo stops with \"provided string was not `true` or `false`\"");
}

TEST_CASE("seen_by_wrapper: [env] fills in a missing variable, replaces a set one only with force") {
    launcher::CargoConfig config;
    config.env.push_back({"CARGO_INCREMENTAL", "1", false, false, {}});
    envguard::EnvSnapshot env;
    CHECK(launcher::seen_by_wrapper(config, env, "CARGO_INCREMENTAL") == std::optional<std::string>("1"));
    env.set("CARGO_INCREMENTAL", "0");
    CHECK(launcher::seen_by_wrapper(config, env, "CARGO_INCREMENTAL") == std::optional<std::string>("0"));
    config.env[0].force = true;
    CHECK(launcher::seen_by_wrapper(config, env, "CARGO_INCREMENTAL") == std::optional<std::string>("1"));
    CHECK_FALSE(launcher::seen_by_wrapper(config, env, "CARGO_BUILD_INCREMENTAL").has_value());
}

TEST_CASE("predict_target_dir: variables before the config, an empty one stops cargo") {
    launcher::CargoConfig config;
    config.target_dir = launcher::ConfigString{"/elsewhere", {"/w/.cargo/config.toml", 2}};
    envguard::EnvSnapshot env;
    auto result = launcher::predict_target_dir(config, env, "/w/sub", "/w");
    CHECK(result.dir == std::optional<fs::path>("/elsewhere"));
    CHECK(result.source.line == 2);
    CHECK_FALSE(result.error);
    env.set("CARGO_BUILD_TARGET_DIR", "out");
    result = launcher::predict_target_dir(config, env, "/w/sub", "/w");
    CHECK(result.dir == std::optional<fs::path>("/w/sub/out")); // relative: from the directory cargo runs in
    CHECK(result.rule == "CARGO_BUILD_TARGET_DIR is set");
    env.set("CARGO_TARGET_DIR", "");
    result = launcher::predict_target_dir(config, env, "/w/sub", "/w");
    CHECK_FALSE(result.dir);
    REQUIRE(result.error);
    CHECK(*result.error == envguard::empty_target_dir_finding("CARGO_TARGET_DIR"));
    CHECK(launcher::predict_target_dir({}, {}, "/w", "/w").dir == std::optional<fs::path>("/w/target"));
}

TEST_CASE("wrapper_finding: a missing wrapper, and an sccache that refuses what it sees") {
    Scratch s;
    const auto env = s.env();
    const std::optional<std::string> one("1"), none, version("sccache 0.16.0");
    launcher::WrapperPrediction missing{std::string("no-such-wrapper"), "RUSTC_WRAPPER is set", {}};
    auto finding = launcher::wrapper_finding({missing, true, env, s.dir, none, none, none, false});
    REQUIRE(finding);
    CHECK(finding->severity == envguard::Severity::error);
    CHECK(contains(finding->problem, "cargo will try to run the wrapper \"no-such-wrapper\""));

    launcher::WrapperPrediction sccache{std::string("sccache"), "RUSTC_WRAPPER is set", {}};
    CHECK_FALSE(launcher::wrapper_finding({sccache, true, env, s.dir, none, none, version, false}));
    finding = launcher::wrapper_finding({sccache, false, env, s.dir, none, one, version, false});
    REQUIRE(finding);
    CHECK(finding->variable == "RUSTC_WORKSPACE_WRAPPER");
    CHECK(contains(finding->problem, envguard::sccache_refusal_text("CARGO_BUILD_INCREMENTAL")));
    const std::optional<std::string> old("sccache 0.4.2");
    finding = launcher::wrapper_finding({sccache, true, env, s.dir, one, none, old, false});
    REQUIRE(finding);
    CHECK(finding->severity == envguard::Severity::warning);
    const launcher::WrapperPrediction no_wrapper{std::nullopt, "RUSTC_WRAPPER is set to the empty string", {}};
    CHECK_FALSE(launcher::wrapper_finding({no_wrapper, true, env, s.dir, one, none, version, true}));
}

TEST_CASE("wrapper_nesting: only when both wrappers run") {
    const launcher::WrapperPrediction outer{std::string("/usr/bin/sccache"), "", {}};
    const launcher::WrapperPrediction inner{std::string("logwrap"), "", {}};
    const launcher::WrapperPrediction none{std::nullopt, "", {}};
    CHECK(launcher::wrapper_nesting(outer, inner) ==
          "workspace members are compiled as `sccache logwrap rustc …` (the two nest), other crates as "
          "`sccache rustc …`");
    CHECK(launcher::wrapper_nesting(outer, none).empty());
    CHECK(launcher::wrapper_nesting(none, inner).empty());
}

TEST_CASE("env_table_finding: what an [env] entry changes, and whether the environment wins") {
    const launcher::EnvEntry entry{"RUSTC_WRAPPER", "sccache", false, false, {}};
    envguard::EnvSnapshot env;
    auto finding = launcher::env_table_finding(entry, env);
    CHECK(finding.severity == envguard::Severity::info);
    CHECK(contains(finding.problem, "cargo never takes its own wrapper from [env]"));
    CHECK_FALSE(contains(finding.problem, "is not used"));
    env.set("RUSTC_WRAPPER", "");
    finding = launcher::env_table_finding(entry, env);
    CHECK(contains(finding.problem, "; the environment's RUSTC_WRAPPER is set, so it is not used"));
    CHECK(finding.fix == "set RUSTC_WRAPPER in the environment to change what cargo does");
}

TEST_CASE("target_dir_finding: says which setting moved the build away from target/") {
    envguard::EnvSnapshot env;
    launcher::TargetDirPrediction target;
    target.dir = fs::path("/w/target");
    CHECK_FALSE(launcher::target_dir_finding(target, env, "/w"));
    env.set("CARGO_TARGET_DIR", "/tmp/t");
    target.dir = fs::path("/tmp/t");
    target.rule = "CARGO_TARGET_DIR is set";
    auto finding = launcher::target_dir_finding(target, env, "/w");
    REQUIRE(finding);
    CHECK(finding->variable == "CARGO_TARGET_DIR");
    CHECK(finding->problem == "the build goes to /tmp/t (CARGO_TARGET_DIR is set), not the workspace's target/");
    CHECK(finding->fix == "unset CARGO_TARGET_DIR to build in the workspace's target/");
    target.dir.reset(); // cargo stops: nothing to say about where it builds
    CHECK_FALSE(launcher::target_dir_finding(target, env, "/w"));
}

TEST_CASE("FileLocation::to_string: FILE:LINE, relative to the current directory when below it") {
    const fs::path cwd = fs::current_path();
    CHECK(launcher::FileLocation{}.to_string().empty()); // not from a file
    CHECK(launcher::FileLocation{cwd / ".cargo" / "config.toml", 2, 0}.to_string() ==
          (fs::path(".cargo") / "config.toml").string() + ":2");
    CHECK(launcher::FileLocation{fs::path("envguard.toml"), 7, 3}.to_string() == "envguard.toml:7"); // stored relative
    const fs::path outside = cwd.root_path() / "envguard-spec-elsewhere" / "Cargo.toml";
    CHECK(launcher::FileLocation{outside, 1, 0}.to_string() == outside.string() + ":1"); // not below: as stored
}
