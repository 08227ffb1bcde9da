// What cargo would see from the current directory (its workspace root, its config, check's prediction),
// the sccache that would run asked for its version and stats, and the preflight that run and coverage
// make before a cargo command. Shared by the run, coverage and check commands.
#pragma once

#include "cargo_config.hpp"

#include <envguard/envguard.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace launcher {

struct CargoContext {
    std::filesystem::path dir;  // where cargo runs (config files are found from here, as cargo does)
    std::filesystem::path root; // the workspace root directory
    CargoConfig config;
    Prediction prediction;
    std::vector<std::string> sccache_stats;
    bool sccache_found = false;
};

// The cargo context of the current directory, or nullopt outside a cargo project.
std::optional<CargoContext> find_cargo_context(const envguard::EnvSnapshot& env);

// ARG quoted for the shell popen runs: sh (single quotes) or cmd.exe (double quotes).
std::string popen_quote(const std::string& arg);

// The output of COMMAND (a shell command line) in OUTPUT and its exit status; its stderr goes to ERRORS.
int capture_command_output(const std::string& command, std::string& output, std::string& errors);

// The output lines of `PROGRAM ARGUMENT` (stderr dropped).
std::vector<std::string> program_output_lines(const std::string& program, const char* argument);

// The prediction for ENV, with the version of the sccache that would run (wrapper or workspace
// wrapper) when it can be asked. WITH_STATS: also its request and cache counts (in CONTEXT).
Prediction predict_with_sccache(CargoContext& context, const envguard::EnvSnapshot& env, PredictFor what,
                                bool with_stats);

// A profile that sets RUSTC_WRAPPER to the empty string bypasses sccache (the coverage profiles do).
// cargo would still run an sccache configured as the workspace wrapper (RUSTC_WORKSPACE_WRAPPER,
// CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER or build.rustc-workspace-wrapper), which refuses the
// CARGO_INCREMENTAL=1 the profile sets: such a profile empties RUSTC_WORKSPACE_WRAPPER too. Returns
// the note to print, or "" when nothing was added.
std::string neutralize_workspace_sccache(envguard::EnvOverlay& overlay, const envguard::EnvSnapshot& parent,
                                         const CargoConfig& config, const std::filesystem::path& dir,
                                         const std::filesystem::path& root);

// The preflight: check's prediction on the child's environment before anything runs. A predicted
// failure prints the findings and their fixes; the caller exits 125 and runs nothing.
// LLVM_COV_ARGS: the arguments of `cargo llvm-cov` when that is what runs (its version and llvm tools
// are checked too; a missing cargo-llvm-cov is left to the caller's exit 127).
bool preflight_passes(CargoContext& context, const envguard::EnvSnapshot& child, PredictFor what,
                      const std::string& what_runs,
                      const std::optional<std::vector<std::string>>& llvm_cov_args = std::nullopt);

} // namespace launcher
