// What `envguard check` found, and its two forms: the JSON document (schema envguard-check/1) and
// the text for a terminal. Formatting only: tests/launcher/cli_spec.cpp builds reports by hand.
#pragma once

#include "../cargo_config.hpp"
#include "../llvm_cov.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace launcher {

struct CheckReport {
    std::filesystem::path dir;  // where cargo would run
    std::filesystem::path root; // the workspace root
    std::string profile;        // the --profile checked, or ""
    PredictFor what = PredictFor::build;
    CargoConfig config;
    Prediction prediction;
    LlvmCovReport llvm_cov;
    bool sccache_found = false;             // an sccache in the wrapper chain answered
    std::vector<std::string> sccache_stats; // its stats lines
};

// The JSON document check --format json prints.
nlohmann::json check_json(const CheckReport& report);

// The JSON document for a workspace that could not be found (ERROR is the message).
nlohmann::json check_error_json(const std::string& error);

// The text check prints; COLOUR: with terminal colours for the severities and the result line.
std::string check_text(const CheckReport& report, bool colour);

// "file and line" of SOURCE as JSON, or null when the value did not come from a file.
nlohmann::json json_source(const FileLocation& source);

// What check predicts for: --for (FOR_WHAT "build" or "coverage"), else coverage for a PROFILE whose
// name contains "coverage" (coverage, coverage-cached, ci-coverage, ...), else build.
PredictFor check_predicts_for(const std::string& for_what, const std::string& profile);

// The number of error-level findings.
std::size_t count_errors(const std::vector<envguard::Finding>& findings);

} // namespace launcher
