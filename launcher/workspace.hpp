// The part of a cargo workspace the launcher needs: its member crates and which of them depend on
// pyo3, read from the Cargo.toml files with toml++ (the `fast` coverage mode excludes those).
#pragma once

#include <toml++/toml.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace launcher {

struct Crate {
    std::string name;
    std::filesystem::path manifest;   // its Cargo.toml
    std::vector<std::string> depends; // every dependency name (all tables, all targets)
};

struct Workspace {
    std::filesystem::path root_manifest;
    std::vector<Crate> members;
};

// A Cargo.toml that could not be read or parsed: the message names the file, line and column.
class ManifestError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A TOML file, parsed; ManifestError names the file, line and column of a syntax error, or says the
// path is a directory or cannot be read.
toml::table parse_toml_file(const std::filesystem::path& path);

// The root manifest of the workspace that contains START_DIR, found as cargo finds it: the nearest
// Cargo.toml upwards, then the nearest ancestor manifest with a [workspace] table (or that manifest).
std::filesystem::path find_workspace_root(const std::filesystem::path& start_dir);

// The workspace that contains START_DIR, found as cargo finds it: the nearest Cargo.toml upwards,
// then the nearest ancestor manifest with a [workspace] table (or that manifest alone).
Workspace load_workspace(const std::filesystem::path& start_dir);

// The members that depend on pyo3, directly or through another member, in member order. Reads only
// the manifests: the fallback for when `cargo metadata` cannot run (it misses what only cargo
// resolves: workspace inheritance of renamed dependencies, dependencies of registry crates).
std::vector<std::string> crates_depending_on(const Workspace& workspace, const std::string& dependency);

// The answer of `cargo metadata --format-version 1`: every workspace member (package name), and those
// whose resolved dependency graph reaches a package named DEPENDENCY through any chain of
// dependencies (normal, dev, build, any target), DEPENDENCY itself included when it is a member.
struct MetadataMembers {
    std::vector<std::string> members;
    std::vector<std::string> depending;
};
// Throws ManifestError when JSON_TEXT is not such an answer (no "resolve" graph, say).
MetadataMembers members_depending_on(const std::string& json_text, const std::string& dependency);

} // namespace launcher
