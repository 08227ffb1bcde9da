// Specs for launcher/llvm_cov: what check says about `cargo llvm-cov` (its version, the chain it runs,
// the pre-existing wrapper as cargo-config2 resolves it, the llvm tools against rustc's LLVM), from
// the programs' outputs as plain text. The outputs quoted here are those of the real tools on the CI
// machine (cargo-llvm-cov 0.9.1 and 0.6.24, rustc 1.95, Debian's llvm-14 and llvm-22);
// tests/launcher/check_differential.py holds the same predictions against the real programs running.
#include <doctest/doctest.h>

#include "cargo_config.hpp"
#include "llvm_cov.hpp"

#include <envguard/envguard.hpp>

#include <string>
#include <vector>

using launcher::ToolVersion;

namespace {

const char* const rustc_vv = "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\n"
                             "commit-hash: 59807616e1fa2540724bfbac14d7976d7e4a3860\ncommit-date: 2026-04-14\n"
                             "host: x86_64-unknown-linux-gnu\nrelease: 1.95.0\nLLVM version: 22.1.2\n";

launcher::CargoConfig config_with_wrapper(const std::string& wrapper) {
    launcher::CargoConfig config;
    config.rustc_wrapper = launcher::ConfigString{wrapper, {"/ws/.cargo/config.toml", 2}};
    return config;
}

// Facts as gather_llvm_cov_facts finds them on the CI machine, with VERSION of cargo-llvm-cov.
launcher::LlvmCovFacts facts(const std::string& version) {
    launcher::LlvmCovFacts f;
    f.program = "/cache/cargo-llvm-cov-" + version + "/bin/cargo-llvm-cov";
    f.version_output = "cargo-llvm-cov " + version + "\n";
    f.rustc_vv = rustc_vv;
    f.sysroot = "/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu";
    f.llvm_cov_path = "/usr/lib/llvm-22/bin/llvm-cov";
    f.llvm_profdata_path = "/usr/lib/llvm-22/bin/llvm-profdata";
    f.llvm_cov_version = f.llvm_profdata_version = "Debian LLVM version 22.1.8\n  Optimized build.\n";
    return f;
}

launcher::Prediction prediction(const launcher::CargoConfig& config, const envguard::EnvSnapshot& env) {
    launcher::Prediction p;
    if (const std::string* w = env.find("RUSTC_WRAPPER")) {
        if (!w->empty()) p.wrapper.program = *w;
    } else if (config.rustc_wrapper) {
        p.wrapper.program = config.rustc_wrapper->value;
    }
    p.target_dir = "/shared/target";
    return p;
}

envguard::EnvSnapshot env_of(std::vector<std::pair<std::string, std::string>> variables) {
    envguard::EnvSnapshot env;
    for (const auto& [name, value] : variables) env.set(name, value);
    return env;
}

bool has_finding(const launcher::LlvmCovReport& r, const std::string& variable, const std::string& part) {
    for (const auto& f : r.findings)
        if (f.variable == variable && (f.problem + " | " + f.fix).find(part) != std::string::npos) return true;
    return false;
}

} // namespace

TEST_CASE("cargo-llvm-cov's version, from `cargo-llvm-cov llvm-cov --version` (0.6 and 0.9 alike)") {
    CHECK(launcher::parse_llvm_cov_version("cargo-llvm-cov 0.9.1\n") == ToolVersion{0, 9, 1});
    CHECK(launcher::parse_llvm_cov_version("cargo-llvm-cov 0.6.24\n") == ToolVersion{0, 6, 24});
    CHECK(launcher::parse_llvm_cov_version("warning: x\ncargo-llvm-cov 0.10.0-alpha.1\n") == ToolVersion{0, 10, 0});
    // what `cargo-llvm-cov --version` (without the subcommand) prints: no version
    CHECK_FALSE(launcher::parse_llvm_cov_version("error: expected subcommand 'llvm-cov', found argument '--version'"));
    CHECK_FALSE(launcher::parse_llvm_cov_version(""));
    CHECK(launcher::llvm_cov_minimum == ToolVersion{0, 5, 25});
    CHECK(launcher::llvm_cov_wrapper_mode == ToolVersion{0, 7, 0});
}

TEST_CASE("LLVM majors: rustc -vV, and llvm-cov --version as Debian, Ubuntu and upstream print it") {
    CHECK(launcher::rustc_llvm_major(rustc_vv) == 22);
    CHECK(launcher::rustc_host(rustc_vv) == std::string("x86_64-unknown-linux-gnu"));
    CHECK_FALSE(launcher::rustc_llvm_major("rustc 1.95.0\n"));
    CHECK(launcher::llvm_tool_major("Debian LLVM version 14.0.6\n  Optimized build.\n") == 14);
    CHECK(launcher::llvm_tool_major("Ubuntu LLVM version 18.1.3\n") == 18);
    CHECK(launcher::llvm_tool_major("LLVM (http://llvm.org/):\n  LLVM version 22.1.8-rust-1.95.0-stable\n") == 22);
    CHECK_FALSE(launcher::llvm_tool_major("llvm-cov: unknown option\n"));
}

TEST_CASE("the pre-existing wrapper, as cargo-config2 resolves it") {
    const auto config = config_with_wrapper("sccache");
    SUBCASE("build.rustc-wrapper from the config, with its file and line") {
        const auto w = launcher::preexisting_wrapper(config, env_of({}));
        CHECK(w.program == std::string("sccache"));
        CHECK(w.source.line == 2);
    }
    SUBCASE("RUSTC_WRAPPER wins") {
        CHECK(launcher::preexisting_wrapper(config, env_of({{"RUSTC_WRAPPER", "wB"}, {"CARGO_BUILD_RUSTC_WRAPPER", "wC"}}))
                  .program == std::string("wB"));
    }
    SUBCASE("then CARGO_BUILD_RUSTC_WRAPPER") {
        CHECK(launcher::preexisting_wrapper(config, env_of({{"CARGO_BUILD_RUSTC_WRAPPER", "wC"}})).program ==
              std::string("wC"));
    }
    SUBCASE("an empty value means none, whatever follows") {
        CHECK_FALSE(launcher::preexisting_wrapper(config, env_of({{"RUSTC_WRAPPER", ""}})).program);
        CHECK_FALSE(launcher::preexisting_wrapper(config, env_of({{"CARGO_BUILD_RUSTC_WRAPPER", ""}})).program);
        CHECK_FALSE(launcher::preexisting_wrapper(config_with_wrapper(""), env_of({})).program);
    }
    SUBCASE("nothing configured") { CHECK_FALSE(launcher::preexisting_wrapper({}, env_of({})).program); }
}

TEST_CASE("--no-rustc-wrapper among cargo llvm-cov's arguments, not after --") {
    CHECK(launcher::has_no_rustc_wrapper({"--workspace", "--no-rustc-wrapper"}));
    CHECK_FALSE(launcher::has_no_rustc_wrapper({"--workspace"}));
    CHECK_FALSE(launcher::has_no_rustc_wrapper({"--", "--no-rustc-wrapper"}));
}

TEST_CASE("the chain: 0.7.0 and later run as the wrapper, before them the flags go through RUSTFLAGS") {
    const auto config = config_with_wrapper("sccache");
    const auto env = env_of({{"CARGO_INCREMENTAL", "1"}});
    const auto p = prediction(config, env);
    SUBCASE("0.9.1 with the config's sccache: cargo → cargo-llvm-cov → sccache → rustc") {
        const auto r = launcher::assess_llvm_cov(facts("0.9.1"), config, env, p, false, true);
        CHECK(r.mode == "wrapper");
        CHECK(r.chain_text() == "cargo → cargo-llvm-cov → sccache → rustc");
        CHECK(r.supported);
        CHECK(r.target_dir == std::filesystem::path("/shared/target/llvm-cov-target"));
        CHECK(has_finding(r, "RUSTC_WRAPPER", "runs the pre-existing wrapper sccache"));
    }
    SUBCASE("0.9.1 with RUSTC_WRAPPER=\"\": cargo → cargo-llvm-cov → rustc") {
        const auto e = env_of({{"RUSTC_WRAPPER", ""}});
        const auto r = launcher::assess_llvm_cov(facts("0.9.1"), config, e, prediction(config, e), false, true);
        CHECK(r.chain == std::vector<std::string>{"cargo", "cargo-llvm-cov", "rustc"});
    }
    SUBCASE("0.9.1 --no-rustc-wrapper: cargo → sccache → rustc") {
        const auto r = launcher::assess_llvm_cov(facts("0.9.1"), config, env, p, true, true);
        CHECK(r.mode == "rustflags");
        CHECK(r.chain_text() == "cargo → sccache → rustc");
    }
    SUBCASE("0.6.24: cargo → sccache → rustc") {
        const auto r = launcher::assess_llvm_cov(facts("0.6.24"), config, env, p, false, true);
        CHECK(r.mode == "rustflags");
        CHECK(r.chain_text() == "cargo → sccache → rustc");
        CHECK(r.findings.empty());
    }
    SUBCASE("a workspace wrapper comes after cargo-llvm-cov and the pre-existing one") {
        auto q = p;
        q.workspace_wrapper.program = "/bin/wW";
        CHECK(launcher::assess_llvm_cov(facts("0.9.1"), config, env, q, false, true).chain_text() ==
              "cargo → cargo-llvm-cov → sccache → wW → rustc");
    }
}

TEST_CASE("bad input: each one finding with its fix") {
    const launcher::CargoConfig config;
    const auto env = env_of({});
    const auto p = prediction(config, env);
    SUBCASE("not installed: a warning for coverage (envguard coverage exits 127), nothing for a build") {
        launcher::LlvmCovFacts none;
        const auto r = launcher::assess_llvm_cov(none, config, env, p, false, true);
        CHECK_FALSE(r.installed);
        REQUIRE(r.findings.size() == 1);
        CHECK(r.findings[0].severity == envguard::Severity::warning);
        CHECK(r.findings[0].fix.find("cargo install cargo-llvm-cov --locked") != std::string::npos);
        CHECK(launcher::assess_llvm_cov(none, config, env, p, false, false).findings.empty());
    }
    SUBCASE("too old: 0.5.24") {
        const auto r = launcher::assess_llvm_cov(facts("0.5.24"), config, env, p, false, true);
        CHECK_FALSE(r.supported);
        REQUIRE(r.findings.size() == 1);
        CHECK(r.findings[0].severity == envguard::Severity::error);
        CHECK(r.findings[0].problem.find("older than 0.5.25") != std::string::npos);
        CHECK(r.findings[0].problem.find("CARGO_INCREMENTAL=0") != std::string::npos);
    }
    SUBCASE("LLVM_COV of another LLVM major: both the problem and the Debian fix") {
        auto f = facts("0.9.1");
        f.llvm_cov_path = "/usr/bin/llvm-cov-14";
        f.llvm_cov_version = "Debian LLVM version 14.0.6\n  Optimized build.\n";
        const auto e = env_of({{"LLVM_COV", "/usr/bin/llvm-cov-14"}});
        const auto r = launcher::assess_llvm_cov(f, config, e, p, false, true);
        REQUIRE(r.findings.size() == 1);
        CHECK(r.llvm_cov.major == 14);
        CHECK(r.llvm_cov.rule == "LLVM_COV is set");
        CHECK(has_finding(r, "LLVM_COV", "is LLVM 14"));
        CHECK(has_finding(r, "LLVM_COV", "rustc's LLVM is 22"));
        CHECK(has_finding(r, "LLVM_COV", "export LLVM_COV=/usr/bin/llvm-cov-22 LLVM_PROFDATA=/usr/bin/llvm-profdata-22"));
    }
    SUBCASE("no llvm-tools component and no LLVM_COV/LLVM_PROFDATA: the rustup fix") {
        auto f = facts("0.6.24");
        f.llvm_cov_path.reset();
        f.llvm_profdata_path.reset();
        const auto r = launcher::assess_llvm_cov(f, config, env, p, false, true);
        REQUIRE(r.findings.size() == 2);
        // a warning: cargo-llvm-cov installs the component itself when rustup can download it
        CHECK(r.findings[0].severity == envguard::Severity::warning);
        CHECK(has_finding(r, "LLVM_COV", "rustup component add llvm-tools-preview"));
        CHECK(has_finding(r, "LLVM_COV",
                          "/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib/rustlib/"
                          "x86_64-unknown-linux-gnu/bin/llvm-cov does not exist"));
        CHECK(has_finding(r, "LLVM_PROFDATA", "llvm-profdata"));
    }
    SUBCASE("LLVM_COV set to a file that does not exist: an error") {
        auto f = facts("0.9.1");
        f.llvm_cov_path.reset();
        const auto r = launcher::assess_llvm_cov(f, config, env_of({{"LLVM_COV", "/nowhere/llvm-cov"}}), p, false, true);
        REQUIRE(r.findings.size() == 1);
        CHECK(r.findings[0].severity == envguard::Severity::error);
        CHECK(has_finding(r, "LLVM_COV", "/nowhere/llvm-cov does not exist (LLVM_COV is set)"));
    }
    SUBCASE("for a build, the same are not errors") {
        const auto r = launcher::assess_llvm_cov(facts("0.5.24"), config, env, p, false, false);
        REQUIRE(r.findings.size() == 1);
        CHECK(r.findings[0].severity == envguard::Severity::info);
    }
    SUBCASE("an sccache server that does not answer") {
        const auto f = launcher::sccache_server_finding("/usr/bin/sccache", "no answer from its server within 20 s",
                                                        env_of({{"SCCACHE_SERVER_PORT", "23456"}}));
        CHECK(f.severity == envguard::Severity::error);
        CHECK(f.problem.find("port 23456") != std::string::npos);
        CHECK(f.problem.find("no answer from its server within 20 s") != std::string::npos);
        CHECK(f.fix.find("SCCACHE_SERVER_PORT") != std::string::npos);
    }
}

TEST_CASE("llvm tool location: LLVM_COV/LLVM_PROFDATA, else the sysroot's llvm-tools") {
    std::string rule;
    CHECK(launcher::llvm_tool_location("llvm-cov", env_of({{"LLVM_COV", "/usr/bin/llvm-cov-22"}}), "/sys", "h", rule) ==
          "/usr/bin/llvm-cov-22");
    CHECK(rule == "LLVM_COV is set");
    CHECK(launcher::llvm_tool_location("llvm-profdata", env_of({{"LLVM_PROFDATA", ""}}), "/sys", "h", rule) ==
          "/sys/lib/rustlib/h/bin/llvm-profdata");
    CHECK(rule.find("llvm-tools") != std::string::npos);
}
