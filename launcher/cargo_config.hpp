// Reads cargo's configuration the way cargo does, and predicts what cargo will do with it and a
// given environment: which wrapper it runs (and by which rule), whether it builds incrementally,
// where the build goes, and what will fail. `envguard check` prints this; the differential test in
// tests/launcher/check_differential.py holds every prediction against real cargo.
#pragma once

#include <envguard/envguard.hpp>

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace launcher {

// Where a value came from: a config file and line, or (file empty) the environment or a default.
struct Source {
    std::filesystem::path file;
    long line = 0;
    std::string describe() const; // "path:line", or "" when not from a file
};

struct ConfigString {
    std::string value;
    Source source;
};

struct ConfigBool {
    bool value = false;
    Source source;
};

// One [env] entry for a variable envguard cares about.
struct EnvEntry {
    std::string name;
    std::string value;
    bool force = false;
    bool relative = false;
    Source source;
};

struct CargoConfig {
    std::vector<std::filesystem::path> files; // highest precedence first
    std::vector<std::string> notes;           // e.g. both config and config.toml in one directory
    std::optional<ConfigString> rustc_wrapper;
    std::optional<ConfigString> rustc_workspace_wrapper;
    std::optional<ConfigString> target_dir;
    std::optional<ConfigBool> build_incremental;
    std::optional<ConfigBool> dev_incremental;          // [profile.dev] incremental, config files
    std::optional<ConfigBool> manifest_dev_incremental; // [profile.dev] incremental, root Cargo.toml
    std::optional<ConfigBool> test_incremental;          // [profile.test] incremental, config files
    std::optional<ConfigBool> manifest_test_incremental; // [profile.test] incremental, root Cargo.toml
    std::vector<EnvEntry> env; // [env] RUSTC_WRAPPER / CARGO_INCREMENTAL / CARGO_BUILD_INCREMENTAL / CARGO_TARGET_DIR
};

// The files cargo reads from DIR: .cargo/config(.toml) in DIR and each parent, deepest first, then
// $CARGO_HOME/config(.toml) (CARGO_HOME from ENV, default $HOME/.cargo) unless already read. In one
// directory with both `config` and `config.toml`, cargo reads `config` (and warns): so do we.
// Throws ManifestError (file:line:column) for malformed TOML or an unreadable file.
// WORKSPACE_ROOT's Cargo.toml is read for its [profile.dev] incremental (config files win over it).
CargoConfig read_cargo_config(const std::filesystem::path& dir, const envguard::EnvSnapshot& env,
                              const std::filesystem::path& workspace_root);

// The user's home directory as cargo finds it (USERPROFILE, then HOME, on Windows), or nullptr.
const std::string* home_directory(const envguard::EnvSnapshot& env);

struct WrapperPrediction {
    std::optional<std::string> program; // nullopt: no wrapper
    std::string rule;                   // why, in words
    Source source;
};

// What the prediction is for. A build: `cargo build` (the dev profile); findings only about what
// fails or surprises. Coverage: `cargo llvm-cov`, which runs `cargo test` (the test profile, which
// inherits from dev), and findings about what coverage needs (a wrapper that is still on, say).
enum class PredictFor { build, coverage };

struct Prediction {
    WrapperPrediction wrapper;
    WrapperPrediction workspace_wrapper;
    std::string wrapper_nesting;  // how cargo runs the two for workspace members, when both are set
    std::string cargo_profile = "dev"; // whose incremental setting is predicted: "dev" or "test"
    bool incremental = false;
    std::string incremental_rule;
    Source incremental_source;
    std::optional<std::string> wrapper_sees_incremental;       // CARGO_INCREMENTAL as the wrapper gets it
    std::optional<std::string> wrapper_sees_build_incremental; // CARGO_BUILD_INCREMENTAL, likewise
    std::optional<std::filesystem::path> target_dir;     // nullopt: cargo stops with an error
    std::string target_dir_rule;
    Source target_dir_source;
    std::vector<envguard::Finding> findings;
    bool will_fail() const { return envguard::has_errors(findings); }
};

// The prediction for a build started in DIR (whose workspace root is WORKSPACE_ROOT) with ENV: "as if
// cargo were run in DIR" (relative paths in ENV are taken from DIR).
// SCCACHE_VERSION: what `sccache --version` printed for the sccache cargo would run (as the wrapper
// or the workspace wrapper), when known. sccache refuses CARGO_INCREMENTAL=1 from 0.5.1 on; an older
// one runs anyway (uncached).
Prediction predict(const CargoConfig& config, const envguard::EnvSnapshot& env,
                   const std::filesystem::path& dir, const std::filesystem::path& workspace_root,
                   const std::optional<std::string>& sccache_version = std::nullopt,
                   PredictFor what = PredictFor::build);

// True when PROGRAM (a wrapper as configured: a name or a path) is sccache.
bool is_sccache(const std::optional<std::string>& program);

// "sccache 0.4.0-pre.6" or "0.4.0-pre.6" -> {0, 4, 0}; nullopt when there is no version in TEXT.
std::optional<std::array<int, 3>> parse_version(const std::string& text);

} // namespace launcher
