#include "cargo_context.hpp"

#include "cli_support.hpp"
#include "llvm_cov.hpp"
#include "workspace.hpp"

#include <fmt/core.h>

#ifdef _WIN32
#    define ENVGUARD_POPEN _popen
#    define ENVGUARD_PCLOSE _pclose
#else
#    define ENVGUARD_POPEN popen
#    define ENVGUARD_PCLOSE pclose
#endif

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace launcher {

std::optional<CargoContext> find_cargo_context(const envguard::EnvSnapshot& env) {
    CargoContext context;
    context.dir = std::filesystem::current_path();
    try {
        context.root = find_workspace_root(context.dir).parent_path();
    } catch (const ManifestError&) {
        return std::nullopt;
    }
    context.config = read_cargo_config(context.dir, env, context.root);
    return context;
}

std::string popen_quote(const std::string& arg) {
#ifdef _WIN32
    return "\"" + arg + "\"";
#else
    return shell_quote(arg);
#endif
}

int capture_command_output(const std::string& command, std::string& output, std::string& errors) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path error_file = fs::temp_directory_path(ec) /
                                fmt::format("envguard-{}-{}.err", static_cast<unsigned long>(std::rand()),
                                            reinterpret_cast<std::uintptr_t>(&output) & 0xffff);
#ifdef _WIN32
    std::FILE* pipe = ENVGUARD_POPEN(("\"" + command + " 2>\"" + error_file.string() + "\"\"").c_str(), "r");
#else
    std::FILE* pipe = ENVGUARD_POPEN((command + " 2>" + shell_quote(error_file.string())).c_str(), "r");
#endif
    if (pipe == nullptr) return -1;
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
    const int status = ENVGUARD_PCLOSE(pipe);
    if (std::FILE* file = std::fopen(error_file.string().c_str(), "r")) {
        while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) errors.append(buffer, got);
        std::fclose(file);
    }
    fs::remove(error_file, ec);
    return status;
}

std::vector<std::string> program_output_lines(const std::string& program, const char* argument) {
    std::vector<std::string> lines;
#ifdef _WIN32
    // cmd /c strips one pair of quotes around the whole line: quote it once more, for paths with ( ) &
    std::FILE* pipe = ENVGUARD_POPEN(("\"\"" + program + "\" " + argument + " 2>NUL\"").c_str(), "r");
#else
    std::FILE* pipe = ENVGUARD_POPEN((shell_quote(program) + " " + argument + " 2>/dev/null").c_str(), "r");
#endif
    if (pipe == nullptr) return lines;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        std::string line(buffer);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        lines.push_back(line);
    }
    ENVGUARD_PCLOSE(pipe);
    return lines;
}

Prediction predict_with_sccache(CargoContext& context, const envguard::EnvSnapshot& env, PredictFor what,
                                bool with_stats) {
    Prediction prediction = predict(context.config, env, context.dir, context.root, std::nullopt, what);
    for (const auto* wrapper : {&prediction.wrapper, &prediction.workspace_wrapper}) {
        if (!is_sccache(wrapper->program)) continue;
        try {
            const std::string sccache = envguard::find_program(*wrapper->program, env);
            // Whether it refuses CARGO_INCREMENTAL=1 depends on its version: predict again knowing it.
            const auto version = program_output_lines(sccache, "--version");
            if (!version.empty() && parse_version(version.front())) {
                const std::string text = version.front().rfind("sccache ", 0) == 0
                                             ? version.front().substr(std::string("sccache ").size())
                                             : version.front();
                prediction = predict(context.config, env, context.dir, context.root, text, what);
            }
            context.sccache_found = true;
            if (with_stats) { // starts its server if it is not running: one that cannot start is a finding
                using namespace std::chrono_literals;
                const SccacheServer server = probe_sccache_server(sccache, env, 20s);
                context.sccache_stats = server.stats;
                if (!server.problem.empty())
                    prediction.findings.push_back(sccache_server_finding(sccache, server.problem, env));
            }
        } catch (const envguard::EnvError&) {
        }
        break;
    }
    return prediction;
}

std::string neutralize_workspace_sccache(envguard::EnvOverlay& overlay, const envguard::EnvSnapshot& parent,
                                         const CargoConfig& config, const std::filesystem::path& dir,
                                         const std::filesystem::path& root) {
    const envguard::EnvSnapshot child = overlay.render(parent);
    const std::string* wrapper = child.find("RUSTC_WRAPPER");
    const bool bypasses = wrapper && wrapper->empty() && !(parent.find("RUSTC_WRAPPER") && parent.find("RUSTC_WRAPPER")->empty());
    if (!bypasses) return {};
    const Prediction prediction = predict(config, child, dir, root);
    if (!is_sccache(prediction.workspace_wrapper.program)) return {};
    overlay.set_empty("RUSTC_WORKSPACE_WRAPPER");
    return fmt::format("envguard: the profile bypasses sccache, and cargo would still run {} as the workspace "
                       "wrapper ({}): RUSTC_WORKSPACE_WRAPPER is set to the empty string too",
                       *prediction.workspace_wrapper.program, prediction.workspace_wrapper.rule);
}

bool preflight_passes(CargoContext& context, const envguard::EnvSnapshot& child, PredictFor what,
                      const std::string& what_runs, const std::optional<std::vector<std::string>>& llvm_cov_args) {
    context.prediction = predict_with_sccache(context, child, what, true); // an sccache in the chain: its server answers
    if (llvm_cov_args) {
        const LlvmCovFacts facts = gather_llvm_cov_facts(child);
        if (facts.program) {
            const LlvmCovReport llvm_cov = assess_llvm_cov(facts, context.config, child, context.prediction,
                                                           has_no_rustc_wrapper(*llvm_cov_args), true);
            context.prediction.findings.insert(context.prediction.findings.end(), llvm_cov.findings.begin(),
                                               llvm_cov.findings.end());
        }
    }
    if (!context.prediction.will_fail()) return true;
    fmt::print(stderr, "envguard: preflight: `{}` would fail here:\n", what_runs);
    print_findings(stderr, context.prediction.findings, envguard::Severity::error, "  ");
    fmt::print(stderr, "envguard: nothing was run (exit 125); fix the above, or pass --no-preflight to run "
                       "anyway\n");
    return false;
}

} // namespace launcher
