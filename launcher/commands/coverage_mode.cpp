#include "coverage_mode.hpp"

#include "../cli_support.hpp"

#include <envguard/envguard.hpp>

#include <fmt/core.h>

namespace launcher {

std::vector<std::string> coverage_mode_names() {
    std::vector<std::string> names;
    for (auto mode : envguard::all_coverage_modes) names.emplace_back(envguard::to_string(mode));
    return names;
}

std::string unknown_coverage_mode_message(const std::string& name) {
    const std::vector<std::string> names = coverage_mode_names();
    std::string known;
    for (const auto& each : names) known += (known.empty() ? "" : ", ") + each;
    return fmt::format("envguard: unknown coverage mode \"{}\"{} (known: {})", name, suggestion(name, names), known);
}

std::string chosen_coverage_mode(const std::string& mode, const std::vector<std::string>& flags) {
    std::string chosen = mode;
    for (const auto& flag : flags) {
        if (!chosen.empty() && chosen != flag)
            usage_error(fmt::format("envguard: coverage: choose one mode: {} and {} were both given",
                                    mode.empty() || chosen != mode ? "--" + chosen : "--mode " + chosen, "--" + flag));
        chosen = flag;
    }
    return chosen.empty() ? "html" : chosen;
}

} // namespace launcher
