#include "check_report.hpp"

#include "../cli_support.hpp"

#include <fmt/color.h>
#include <fmt/core.h>

#include <algorithm>

namespace launcher {

namespace {

template <typename T>
nlohmann::json json_or_null(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json json_path_or_null(const std::optional<std::filesystem::path>& path) {
    return path ? nlohmann::json(path->string()) : nlohmann::json(nullptr);
}

nlohmann::json json_wrapper(const WrapperPrediction& wrapper) {
    return {{"program", json_or_null(wrapper.program)}, {"rule", wrapper.rule}, {"source", json_source(wrapper.source)}};
}

nlohmann::json json_llvm_tool(const LlvmTool& tool) {
    return {{"path", json_or_null(tool.path)}, {"rule", tool.rule}, {"llvm_major", json_or_null(tool.major)}};
}

nlohmann::json json_llvm_cov(const LlvmCovReport& llvm_cov) {
    nlohmann::json out{{"installed", llvm_cov.installed}};
    if (!llvm_cov.installed) return out;
    out["program"] = *llvm_cov.program;
    out["version"] = llvm_cov.version ? nlohmann::json(llvm_cov.version_text) : nlohmann::json(nullptr);
    out["supported"] = llvm_cov.supported;
    if (!llvm_cov.version) return out;
    out["mode"] = llvm_cov.mode;
    out["no_rustc_wrapper"] = llvm_cov.no_rustc_wrapper;
    out["preexisting_wrapper"] = json_wrapper(llvm_cov.preexisting);
    out["chain"] = llvm_cov.chain;
    out["target_dir"] = json_path_or_null(llvm_cov.target_dir);
    out["llvm_cov"] = json_llvm_tool(llvm_cov.llvm_cov);
    out["llvm_profdata"] = json_llvm_tool(llvm_cov.llvm_profdata);
    out["rustc_llvm_major"] = json_or_null(llvm_cov.rustc_llvm_major);
    return out;
}

// " [file:line]" for a value from a config file, else "".
std::string from_file(const FileLocation& source) {
    return source.file.empty() ? std::string() : " [" + source.to_string() + "]";
}

std::string program_or_none(const std::optional<std::string>& program) {
    return program ? *program : std::string("none");
}

// The cargo-llvm-cov lines of the text: its version and, for coverage, the chain and the llvm tools.
std::string llvm_cov_text(const LlvmCovReport& llvm_cov, PredictFor what) {
    if (!llvm_cov.installed)
        return "cargo-llvm-cov:    not installed (no cargo-llvm-cov in $CARGO_HOME/bin or on PATH)\n";
    std::string out = fmt::format(
        "cargo-llvm-cov:    {} ({}){}\n", llvm_cov.version ? llvm_cov.version_text : std::string("unknown version"),
        *llvm_cov.program,
        !llvm_cov.version ? std::string()
        : llvm_cov.mode == "wrapper"
            ? " — wrapper mode: it sets RUSTC_WRAPPER to itself and runs the pre-existing wrapper"
            : llvm_cov.no_rustc_wrapper && *llvm_cov.version >= llvm_cov_wrapper_mode
                ? " — --no-rustc-wrapper: the instrumentation flags go through RUSTFLAGS"
                : " — before 0.7.0: the instrumentation flags go through RUSTFLAGS");
    if (what != PredictFor::coverage || !llvm_cov.version) return out;
    out += fmt::format("coverage chain:    {}\n", llvm_cov.chain_text());
    if (llvm_cov.mode == "wrapper")
        out += fmt::format("pre-existing:      {} — {}\n", program_or_none(llvm_cov.preexisting.program),
                           llvm_cov.preexisting.rule);
    if (llvm_cov.target_dir) out += fmt::format("coverage build:    {}\n", llvm_cov.target_dir->string());
    for (const auto* tool : {&llvm_cov.llvm_cov, &llvm_cov.llvm_profdata})
        out += fmt::format("{:<19}{} — {}{}\n", tool->name + ":", tool->path ? *tool->path : std::string("(not found)"),
                           tool->major ? fmt::format("LLVM {}, ", *tool->major) : std::string(), tool->rule);
    if (llvm_cov.rustc_llvm_major) out += fmt::format("rustc's LLVM:      {}\n", *llvm_cov.rustc_llvm_major);
    return out;
}

} // namespace

nlohmann::json json_source(const FileLocation& source) {
    if (source.file.empty()) return nullptr;
    return {{"file", source.file.string()}, {"line", source.line}};
}

PredictFor check_predicts_for(const std::string& for_what, const std::string& profile) {
    if (for_what == "coverage") return PredictFor::coverage;
    if (for_what == "build") return PredictFor::build;
    // a profile whose name says coverage (coverage, coverage-cached, ci-coverage, ...)
    return profile.find("coverage") != std::string::npos ? PredictFor::coverage : PredictFor::build;
}

std::size_t count_errors(const std::vector<envguard::Finding>& findings) {
    return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(), [](const envguard::Finding& finding) {
        return finding.severity == envguard::Severity::error;
    }));
}

nlohmann::json check_error_json(const std::string& error) {
    return {{"schema", "envguard-check/1"}, {"error", error}, {"will_fail", nullptr}};
}

nlohmann::json check_json(const CheckReport& report) {
    const Prediction& prediction = report.prediction;
    nlohmann::json out;
    out["schema"] = "envguard-check/1";
    out["directory"] = report.dir.string();
    out["workspace_root"] = report.root.string();
    out["profile"] = report.profile.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.profile);
    out["for"] = report.what == PredictFor::coverage ? "coverage" : "build";
    out["cargo_profile"] = prediction.cargo_profile;
    out["config_files"] = nlohmann::json::array();
    for (const auto& file : report.config.files) out["config_files"].push_back(file.string());
    out["wrapper"] = json_wrapper(prediction.wrapper);
    out["workspace_wrapper"] = json_wrapper(prediction.workspace_wrapper);
    out["wrapper_nesting"] =
        prediction.wrapper_nesting.empty() ? nlohmann::json(nullptr) : nlohmann::json(prediction.wrapper_nesting);
    out["incremental"] = {{"enabled", prediction.incremental},
                          {"rule", prediction.incremental_rule},
                          {"source", json_source(prediction.incremental_source)}};
    out["wrapper_sees_cargo_incremental"] = json_or_null(prediction.wrapper_sees_incremental);
    out["target_dir"] = {{"path", json_path_or_null(prediction.target_dir)},
                         {"rule", prediction.target_dir_rule},
                         {"source", json_source(prediction.target_dir_source)}};
    out["findings"] = nlohmann::json::array();
    for (const auto& finding : prediction.findings)
        out["findings"].push_back({{"severity", std::string(envguard::to_string(finding.severity))},
                                   {"variable", finding.variable},
                                   {"problem", finding.problem},
                                   {"fix", finding.fix}});
    out["will_fail"] = prediction.will_fail();
    if (report.sccache_found) out["sccache_stats"] = report.sccache_stats;
    out["cargo_llvm_cov"] = json_llvm_cov(report.llvm_cov);
    return out;
}

std::string check_text(const CheckReport& report, bool colour) {
    const Prediction& prediction = report.prediction;
    const auto paint = [colour](fmt::text_style style, const std::string& text) {
        return colour ? fmt::format(style, "{}", text) : text;
    };
    const std::vector<std::filesystem::path>& files = report.config.files;
    std::string out = fmt::format("envguard check: {}{}\n", report.dir.string(),
                                  report.profile.empty() ? std::string() : " (with profile " + report.profile + ")");
    out += fmt::format("config files:      {}\n", files.empty() ? std::string("(none)") : files.front().string());
    for (std::size_t i = 1; i < files.size(); ++i) out += fmt::format("                   {}\n", files[i].string());
    out += fmt::format("wrapper:           {} — {}\n", program_or_none(prediction.wrapper.program), prediction.wrapper.rule);
    out += fmt::format("workspace wrapper: {} — {}\n", program_or_none(prediction.workspace_wrapper.program),
                       prediction.workspace_wrapper.rule);
    if (!prediction.wrapper_nesting.empty()) out += fmt::format("nesting:           {}\n", prediction.wrapper_nesting);
    out += fmt::format("incremental:       {} ({} profile) — {}{}\n", prediction.incremental ? "on" : "off",
                       prediction.cargo_profile, prediction.incremental_rule, from_file(prediction.incremental_source));
    if (prediction.wrapper.program || prediction.workspace_wrapper.program)
        out += fmt::format("the wrapper sees:  CARGO_INCREMENTAL {}\n", display_value(prediction.wrapper_sees_incremental));
    out += fmt::format("target directory:  {} — {}{}\n",
                       prediction.target_dir ? prediction.target_dir->string() : std::string("(error)"),
                       prediction.target_dir_rule, from_file(prediction.target_dir_source));
    for (const auto& line : report.sccache_stats) out += fmt::format("sccache:           {}\n", line);
    out += llvm_cov_text(report.llvm_cov, report.what);
    for (const auto& finding : prediction.findings) {
        const auto style = finding.severity == envguard::Severity::error     ? fg(fmt::color::red) | fmt::emphasis::bold
                           : finding.severity == envguard::Severity::warning ? fg(fmt::color::yellow)
                                                                             : fmt::text_style();
        out += fmt::format("{} {}{}\n    fix: {}\n", paint(style, std::string(envguard::to_string(finding.severity)) + ":"),
                           finding.variable.empty() ? std::string() : finding.variable + ": ", finding.problem,
                           finding.fix);
    }
    const std::size_t errors = count_errors(prediction.findings);
    out += fmt::format("{}\n", errors == 0 ? paint(fg(fmt::color::green), "result: the build will work here")
                                           : paint(fg(fmt::color::red) | fmt::emphasis::bold,
                                                   fmt::format("result: the build will FAIL here ({} error{})", errors,
                                                               errors == 1 ? "" : "s")));
    return out;
}

} // namespace launcher
