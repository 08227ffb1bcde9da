// The part both test-harness examples share: what changed in the environment between two snapshots,
// one line per variable, "NAME was <before>, is now <after>", where a state is `unset`,
// `set to the empty string` or the value in double quotes — unset and empty are never confused.
#pragma once

#include <envguard/envguard.hpp>

#include <optional>
#include <string>
#include <vector>

namespace envguard_harness {

inline std::string describe(const std::optional<std::string>& value) {
    if (!value) return "unset";
    if (value->empty()) return "set to the empty string";
    return "\"" + *value + "\"";
}

// In name order; empty when nothing changed. BEFORE.diff(AFTER) names exactly the variables whose
// value (or existence) differs.
inline std::vector<std::string> environment_changes(const envguard::EnvSnapshot& before,
                                                    const envguard::EnvSnapshot& after) {
    std::vector<std::string> lines;
    const envguard::EnvOverlay diff = before.diff(after);
    for (const auto& op : diff.operations())
        lines.push_back(op.name + " was " + describe(before.get(op.name)) + ", is now " +
                        describe(after.get(op.name)));
    return lines;
}

} // namespace envguard_harness
