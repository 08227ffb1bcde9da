// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// Profiles: named overlays with a description and checks, the unit `envguard run --profile` and
// `envguard profiles` work with. The built-ins cover the Rust coverage recipe and its variants.
#pragma once

#include "config.hpp"
#include "detail/needs_exceptions.hpp"
#include "coverage.hpp"
#include "overlay.hpp"
#include "snapshot.hpp"

#include <string>
#include <string_view>
#include <vector>

#if ENVGUARD_HAS_EXCEPTIONS // else: not available (detail/needs_exceptions.hpp)
ENVGUARD_NAMESPACE_BEGIN

/// A named overlay: what `envguard run --profile NAME` applies to the child's environment.
struct Profile {
    std::string name;        ///< what --profile takes, e.g. "coverage"
    std::string description; ///< one line, shown by `envguard profiles`
    EnvOverlay overlay;      ///< the changes, in order
    bool cargo_checks = true; ///< run check_coverage_environment on the rendered environment

    /// The findings for an environment this profile rendered.
    std::vector<Finding> check(const EnvSnapshot& rendered) const;
};

/// coverage, coverage-cached, sccache.
ENVGUARD_DECL const std::vector<Profile>& builtin_profiles();

/// The built-in profile called NAME, or nullptr.
ENVGUARD_DECL const Profile* find_builtin_profile(std::string_view name);

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
ENVGUARD_NAMESPACE_BEGIN

ENVGUARD_DECL std::vector<Finding> Profile::check(const EnvSnapshot& rendered) const {
    return cargo_checks ? check_coverage_environment(rendered) : std::vector<Finding>{};
}

ENVGUARD_DECL const std::vector<Profile>& builtin_profiles() {
    // Made in place (three default-constructed profiles, then filled): push_back would compile
    // vector<Profile>'s reallocation in every file that includes this header (issue #19).
    static const std::vector<Profile> profiles = [] {
        std::vector<Profile> list(3);
        list[0].name = "coverage";
        list[0].description = "cargo-llvm-cov without sccache: RUSTC_WRAPPER set to empty (not unset) "
                              "overrides a configured wrapper; incremental on; the workspace's target/";
        list[0].overlay = CoverageProfile::llvm_cov().overlay();
        list[1].name = "coverage-cached";
        list[1].description = "cargo-llvm-cov through a configured sccache: the wrapper is kept and "
                              "CARGO_INCREMENTAL=0, which sccache accepts, so instrumented builds cache";
        list[1].overlay = CoverageProfile::llvm_cov_cached().overlay();
        list[2].name = "sccache";
        list[2].description = "ordinary builds through sccache, with incremental off as sccache requires";
        list[2].overlay.set("RUSTC_WRAPPER", "sccache").set("CARGO_INCREMENTAL", "0");
        return list;
    }();
    return profiles;
}

ENVGUARD_DECL const Profile* find_builtin_profile(std::string_view name) {
    for (const auto& profile : builtin_profiles())
        if (profile.name == name) return &profile;
    return nullptr;
}

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
#endif // ENVGUARD_HAS_EXCEPTIONS
