// Reads cargo's configuration the way cargo does, and predicts what cargo will do with it and a
// given environment: which wrapper it runs (and by which rule), whether it builds incrementally,
// where the build goes, and what will fail. `envguard check` prints this; the differential test in
// tests/launcher/check_differential.py holds every prediction against real cargo.
#pragma once

#include "file_location.hpp"

#include <envguard/envguard.hpp>

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace launcher {

struct ConfigString {
    std::string value;
    FileLocation source;
};

struct ConfigBool {
    bool value = false;
    FileLocation source;
};

// One [env] entry for a variable envguard cares about.
struct EnvEntry {
    std::string name;
    std::string value;
    bool force = false;
    bool relative = false;
    FileLocation source;
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
    FileLocation source;
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
    FileLocation incremental_source;
    std::optional<std::string> wrapper_sees_incremental;       // CARGO_INCREMENTAL as the wrapper gets it
    std::optional<std::string> wrapper_sees_build_incremental; // CARGO_BUILD_INCREMENTAL, likewise
    std::optional<std::filesystem::path> target_dir;     // nullopt: cargo stops with an error
    std::string target_dir_rule;
    FileLocation target_dir_source;
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

// The parts of predict(), one per setting, in the order predict() uses them.

// Whether the build is incremental, by which rule, and from which file (empty when not from one).
struct IncrementalPrediction {
    bool on = false;
    std::string rule;
    FileLocation source;
};
// Incremental for the profile WHAT builds with (build: dev; coverage: test, which inherits dev's):
// CARGO_INCREMENTAL (only "1" is on) > CARGO_BUILD_INCREMENTAL > build.incremental > the profile's
// CARGO_PROFILE_<P>_INCREMENTAL > [profile.<p>] in a config file > in Cargo.toml > on.
IncrementalPrediction predict_incremental(const CargoConfig& config, const envguard::EnvSnapshot& env,
                                          PredictFor what);

// The errors for CARGO_PROFILE_{DEV,TEST,RELEASE,BENCH}_INCREMENTAL values cargo refuses (not true or
// false), in that order.
std::vector<envguard::Finding> profile_incremental_findings(const envguard::EnvSnapshot& env);

// NAME as the wrapper process sees it: ENV's value, unless a `force = true` [env] entry replaces it;
// an [env] entry fills in only a variable ENV does not have. nullopt: unset for the wrapper too.
std::optional<std::string> seen_by_wrapper(const CargoConfig& config, const envguard::EnvSnapshot& env,
                                           const std::string& name);

// Where the build goes (nullopt: cargo stops), by which rule, from which file, and the error when a
// setting is the empty string.
struct TargetDirPrediction {
    std::optional<std::filesystem::path> dir;
    std::string rule;
    FileLocation source;
    std::optional<envguard::Finding> error;
};
// CARGO_TARGET_DIR > CARGO_BUILD_TARGET_DIR > build.target-dir > WORKSPACE_ROOT/target; relative
// variables are taken from DIR.
TargetDirPrediction predict_target_dir(const CargoConfig& config, const envguard::EnvSnapshot& env,
                                       const std::filesystem::path& dir,
                                       const std::filesystem::path& workspace_root);

// One wrapper cargo will run and what surrounds it: what wrapper_finding needs.
struct WrapperSituation {
    const WrapperPrediction& wrapper;
    bool outer; // RUSTC_WRAPPER (true) or RUSTC_WORKSPACE_WRAPPER
    const envguard::EnvSnapshot& env;
    const std::filesystem::path& dir;
    const std::optional<std::string>& sees_incremental;       // seen_by_wrapper("CARGO_INCREMENTAL")
    const std::optional<std::string>& sees_build_incremental; // seen_by_wrapper("CARGO_BUILD_INCREMENTAL")
    const std::optional<std::string>& sccache_version;        // as for predict()
    bool coverage;
};
// What goes wrong with the wrapper: it is not found (error), it is an sccache that refuses the
// incremental setting it sees (error) or an old one that accepts it uncached (warning); for coverage,
// any wrapper still on is worth a word. nullopt: nothing to say, or no wrapper.
std::optional<envguard::Finding> wrapper_finding(const WrapperSituation& situation);

// How cargo nests the two wrappers for workspace members, or "" unless both run.
std::string wrapper_nesting(const WrapperPrediction& wrapper, const WrapperPrediction& workspace_wrapper);

// What an [env] ENTRY does (not what cargo itself uses) and whether ENV's own value wins over it.
envguard::Finding env_table_finding(const EnvEntry& entry, const envguard::EnvSnapshot& env);

// The note that the build goes somewhere other than WORKSPACE_ROOT/target, and which setting to remove.
std::optional<envguard::Finding> target_dir_finding(const TargetDirPrediction& target,
                                                    const envguard::EnvSnapshot& env,
                                                    const std::filesystem::path& workspace_root);

// True when PROGRAM (a wrapper as configured: a name or a path) is sccache.
bool is_sccache(const std::optional<std::string>& program);

// "sccache 0.4.0-pre.6" or "0.4.0-pre.6" -> {0, 4, 0}; nullopt when there is no version in TEXT.
std::optional<std::array<int, 3>> parse_version(const std::string& text);

} // namespace launcher
