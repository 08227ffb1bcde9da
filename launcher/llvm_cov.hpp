// What `cargo llvm-cov` will do here, for `envguard check` and the coverage preflight: which
// cargo-llvm-cov is installed and its version, the chain of programs that compiles the workspace under
// it, which llvm-cov/llvm-profdata it will use and whether their LLVM major is rustc's.
//
// The pure part (parsing, cargo-config2's resolution of the pre-existing wrapper, the chain, the LLVM
// comparison: assess_llvm_cov) takes what the programs printed as plain data (LlvmCovFacts);
// gather_llvm_cov_facts() is the only part that runs programs. The doctest specs in
// tests/launcher/llvm_cov_spec.cpp hold the pure part; tests/launcher/check_differential.py holds the
// whole against the real cargo-llvm-cov 0.9.1 and 0.6.24.
#pragma once

#include "cargo_config.hpp"

#include <envguard/envguard.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace launcher {

using ToolVersion = std::array<int, 3>;

// The oldest cargo-llvm-cov envguard supports: 0.5.25. Before it, cargo-llvm-cov set
// CARGO_INCREMENTAL=0 itself, so what check predicts (incremental, sccache's refusal) would be wrong.
inline constexpr ToolVersion llvm_cov_minimum{0, 5, 25};
// From 0.7.0 cargo-llvm-cov sets RUSTC_WRAPPER to itself and runs the pre-existing wrapper.
inline constexpr ToolVersion llvm_cov_wrapper_mode{0, 7, 0};

// "cargo-llvm-cov 0.9.1" (what `cargo-llvm-cov llvm-cov --version` prints) -> {0, 9, 1}.
std::optional<ToolVersion> parse_llvm_cov_version(const std::string& output);

// The LLVM major of `rustc -vV` ("LLVM version: 22.1.2" -> 22), nullopt when absent.
std::optional<int> rustc_llvm_major(const std::string& rustc_vv);
// The host triple of `rustc -vV` ("host: x86_64-unknown-linux-gnu").
std::optional<std::string> rustc_host(const std::string& rustc_vv);
// The LLVM major of `llvm-cov --version` / `llvm-profdata --version` ("Debian LLVM version 14.0.6",
// "LLVM version 22.1.8", "Ubuntu LLVM version 18.1.3") -> 14, 22, 18.
std::optional<int> llvm_tool_major(const std::string& version_output);

// The wrapper configured before cargo-llvm-cov (its "pre-existing" one), as cargo-config2 resolves
// it: RUSTC_WRAPPER if non-empty, else CARGO_BUILD_RUSTC_WRAPPER if non-empty, else
// build.rustc-wrapper from the config files. An empty value of either variable means none.
WrapperPrediction preexisting_wrapper(const CargoConfig& config, const envguard::EnvSnapshot& env);

// True when ARGS (arguments for cargo llvm-cov) hold --no-rustc-wrapper.
bool has_no_rustc_wrapper(const std::vector<std::string>& args);

// One llvm tool as cargo-llvm-cov will find it.
struct LlvmTool {
    std::string name;                // "llvm-cov" or "llvm-profdata"
    std::optional<std::string> path; // nullopt: not found
    std::string rule;                // "LLVM_COV is set", "rustup's llvm-tools component in the sysroot"
    std::optional<int> major;        // from its --version, when it ran
    std::string version_line;        // the line of its --version with the version
};

// The outputs of the programs, gathered by gather_llvm_cov_facts (or written by a spec).
struct LlvmCovFacts {
    std::optional<std::string> program; // cargo-llvm-cov as cargo finds it; nullopt: not installed
    std::string version_output;         // `cargo-llvm-cov llvm-cov --version`
    std::string rustc_vv;               // `rustc -vV`
    std::string sysroot;                // `rustc --print sysroot`
    std::optional<std::string> llvm_cov_path;      // the llvm-cov that will run, when it exists
    std::optional<std::string> llvm_profdata_path; // likewise
    std::string llvm_cov_version;       // its --version
    std::string llvm_profdata_version;
};

// Where cargo-llvm-cov looks for TOOL ("llvm-cov" or "llvm-profdata"): VARIABLE (LLVM_COV or
// LLVM_PROFDATA) when set and non-empty, else <sysroot>/lib/rustlib/<host>/bin/TOOL. RULE says which.
std::string llvm_tool_location(const std::string& tool, const envguard::EnvSnapshot& env, const std::string& sysroot,
                               const std::string& host, std::string& rule);

struct LlvmCovReport {
    bool installed = false;
    std::optional<std::string> program;
    std::optional<ToolVersion> version;
    std::string version_text;       // "0.9.1"
    bool supported = false;         // version >= llvm_cov_minimum
    std::string mode;               // "wrapper" (>= 0.7.0, unless --no-rustc-wrapper) or "rustflags"
    bool no_rustc_wrapper = false;
    WrapperPrediction preexisting;  // cargo-config2's pre-existing wrapper
    std::vector<std::string> chain; // {"cargo", "cargo-llvm-cov", "sccache", "rustc"}
    std::optional<std::filesystem::path> target_dir; // <target-dir>/llvm-cov-target
    LlvmTool llvm_cov;
    LlvmTool llvm_profdata;
    std::optional<int> rustc_llvm_major;
    std::vector<envguard::Finding> findings;
    std::string chain_text() const; // "cargo → cargo-llvm-cov → sccache → rustc"
};

// What cargo llvm-cov will do, from FACTS and the prediction P for the same environment. FOR_COVERAGE:
// the findings about the llvm tools and the version are errors (coverage cannot work) rather than
// notes. WORKSPACE_WRAPPER: cargo's workspace wrapper (P's), which cargo runs after cargo-llvm-cov.
LlvmCovReport assess_llvm_cov(const LlvmCovFacts& facts, const CargoConfig& config, const envguard::EnvSnapshot& env,
                              const Prediction& p, bool no_rustc_wrapper, bool for_coverage);

// cargo finds `cargo llvm-cov` as cargo-llvm-cov in $CARGO_HOME/bin (CARGO_HOME empty or unset:
// ~/.cargo), then on PATH. nullopt when there is none.
std::optional<std::string> find_cargo_llvm_cov(const envguard::EnvSnapshot& env);

// The output of ARGV run with ENV (stdout and stderr), its exit status, and whether it was killed
// after TIMEOUT. POSIX: fork/exec with a deadline; Windows: no deadline.
struct Captured {
    int status = -1; // -1: could not be started
    bool timed_out = false;
    std::string out;
    std::string err;
};
Captured run_captured(const std::vector<std::string>& argv, const envguard::EnvSnapshot& env,
                      std::chrono::milliseconds timeout);

// Runs the programs: cargo-llvm-cov's version, rustc -vV and --print sysroot, the llvm tools'
// --version (each with a deadline).
LlvmCovFacts gather_llvm_cov_facts(const envguard::EnvSnapshot& env);

// sccache's server, as `sccache --show-stats` finds it: started if it was not running. Problem is
// empty when it answered; otherwise what went wrong (it failed, or gave no answer within TIMEOUT).
struct SccacheServer {
    std::vector<std::string> stats; // its request and cache lines
    std::string problem;
};
SccacheServer probe_sccache_server(const std::string& sccache, const envguard::EnvSnapshot& env,
                                   std::chrono::milliseconds timeout);

// The finding for a server that did not answer (pure: the spec tests its text).
envguard::Finding sccache_server_finding(const std::string& sccache, const std::string& problem,
                                         const envguard::EnvSnapshot& env);

} // namespace launcher
