#include "workspace.hpp"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#ifdef _WIN32
#    ifndef WIN32_LEAN_AND_MEAN
#        define WIN32_LEAN_AND_MEAN
#    endif
#    include <windows.h>
#    include <shlwapi.h> // PathMatchSpecA
#else
#    include <glob.h>
#endif
#include <map>
#include <set>
#include <sstream>

namespace launcher {
namespace fs = std::filesystem;

namespace {

toml::table parse_manifest(const fs::path& path) { return parse_toml_file(path); }

// WORKSPACE_DEPS: the root's [workspace.dependencies], for `name.workspace = true` (whose package,
// when renamed there, is the root's `package = "..."`).
void collect_dependency_names(const toml::table& table, std::vector<std::string>& out,
                              const toml::table* workspace_deps) {
    for (const char* key : {"dependencies", "dev-dependencies", "build-dependencies"}) {
        const toml::table* deps = table[key].as_table();
        if (!deps) continue;
        for (const auto& [name, spec] : *deps) {
            out.emplace_back(name.str());
            // `alias = { package = "pyo3", ... }` depends on pyo3 under another name
            if (const toml::table* detail = spec.as_table()) {
                if (auto package = (*detail)["package"].value<std::string>()) out.push_back(*package);
                if ((*detail)["workspace"].value_or(false) && workspace_deps)
                    if (const toml::table* inherited = (*workspace_deps)[name.str()].as_table())
                        if (auto package = (*inherited)["package"].value<std::string>()) out.push_back(*package);
            }
        }
    }
}

Crate read_crate(const fs::path& manifest, const toml::table* workspace_deps = nullptr) {
    const toml::table table = parse_manifest(manifest);
    Crate crate;
    crate.manifest = manifest;
    crate.name = table["package"]["name"].value_or(std::string());
    if (crate.name.empty())
        throw ManifestError("envguard: " + manifest.string() + ": no [package] name");
    collect_dependency_names(table, crate.depends, workspace_deps);
    if (const toml::table* targets = table["target"].as_table())
        for (const auto& entry : *targets)
            if (const toml::table* target = entry.second.as_table())
                collect_dependency_names(*target, crate.depends, workspace_deps);
    return crate;
}

// members = ["crates/*", "tools/x"]: globs.
std::vector<fs::path> expand_member(const fs::path& root, const std::string& pattern) {
    const fs::path full = root / pattern;
    if (pattern.find_first_of("*?[") == std::string::npos) return {full};
    std::vector<fs::path> found;
#ifdef _WIN32
    // Windows: a glob in the last component only (PathMatchSpec).
    const std::string last = full.filename().string();
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(full.parent_path(), ec))
        if (entry.is_directory() && ::PathMatchSpecA(entry.path().filename().string().c_str(), last.c_str()))
            found.push_back(entry.path());
#else
    // glob(3), as cargo's glob crate: a pattern may stand in any component ("crates/*/impl").
    glob_t matches{};
    if (::glob(full.string().c_str(), 0, nullptr, &matches) == 0) {
        for (std::size_t i = 0; i < matches.gl_pathc; ++i) {
            const fs::path path(matches.gl_pathv[i]);
            std::error_code ec;
            // cargo takes every directory the glob matches as a member: one with no Cargo.toml is
            // an error (load_workspace says so)
            if (fs::is_directory(path, ec)) found.push_back(path);
        }
    }
    ::globfree(&matches);
#endif
    std::sort(found.begin(), found.end());
    return found;
}

} // namespace

toml::table parse_toml_file(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw ManifestError("envguard: cannot read " + path.string() + ": it is a directory, not a file");
    try {
        return toml::parse_file(path.string());
    } catch (const toml::parse_error& error) {
        std::ostringstream message;
        message << "envguard: cannot read " << path.string() << ":" << error.source().begin.line << ":"
                << error.source().begin.column << ": " << error.description();
        throw ManifestError(message.str());
    }
}

fs::path find_workspace_root(const fs::path& start_dir) {
    fs::path dir = fs::absolute(start_dir).lexically_normal();
    fs::path nearest;
    for (fs::path d = dir;; d = d.parent_path()) {
        if (fs::exists(d / "Cargo.toml")) {
            nearest = d / "Cargo.toml";
            break;
        }
        if (d == d.parent_path()) break;
    }
    if (nearest.empty())
        throw ManifestError("envguard: no Cargo.toml in " + dir.string() + " or any parent directory");
    // package.workspace names the root explicitly.
    const toml::table own = parse_manifest(nearest);
    if (auto explicit_root = own["package"]["workspace"].value<std::string>())
        return (nearest.parent_path() / *explicit_root / "Cargo.toml").lexically_normal();
    for (fs::path d = nearest.parent_path();; d = d.parent_path()) {
        const fs::path candidate = d / "Cargo.toml";
        if (fs::exists(candidate)) {
            const toml::table table = candidate == nearest ? own : parse_manifest(candidate);
            if (table.contains("workspace")) {
                // A package the root's workspace.exclude covers is a workspace of its own.
                if (const toml::array* exclude = table["workspace"]["exclude"].as_array())
                    for (const auto& item : *exclude)
                        if (auto path = item.value<std::string>()) {
                            const fs::path excluded = (d / *path).lexically_normal();
                            const fs::path relative = nearest.parent_path().lexically_relative(excluded);
                            if (!relative.empty() && *relative.begin() != "..") return nearest;
                        }
                return candidate;
            }
        }
        if (d == d.parent_path()) break;
    }
    return nearest;
}

Workspace load_workspace(const fs::path& start_dir) {
    const fs::path root = find_workspace_root(start_dir);
    Workspace workspace;
    workspace.root_manifest = root;
    const toml::table table = parse_manifest(root);
    const fs::path root_dir = root.parent_path();
    std::set<fs::path> excluded;
    if (const toml::array* exclude = table["workspace"]["exclude"].as_array())
        for (const auto& item : *exclude)
            if (auto path = item.value<std::string>()) excluded.insert(fs::weakly_canonical(root_dir / *path));
    const toml::table* workspace_deps = table["workspace"]["dependencies"].as_table();
    if (table.contains("package")) workspace.members.push_back(read_crate(root, workspace_deps));
    if (const toml::node* node = table["workspace"]["members"].node(); node && !node->is_array())
        throw ManifestError("envguard: " + root.string() + ":" + std::to_string(node->source().begin.line) +
                            ": workspace.members must be an array of paths (members = [\"crates/*\"]); "
                            "cargo refuses to load this workspace (\"invalid type\")");
    if (const toml::array* members = table["workspace"]["members"].as_array()) {
        for (const auto& item : *members) {
            auto pattern = item.value<std::string>();
            if (!pattern) continue;
            for (const fs::path& member : expand_member(root_dir, *pattern)) {
                if (excluded.count(fs::weakly_canonical(member))) continue;
                const fs::path manifest = member / "Cargo.toml";
                if (fs::weakly_canonical(manifest) == fs::weakly_canonical(root)) continue;
                if (!fs::exists(manifest))
                    throw ManifestError("envguard: " + root.string() + ": workspace member " +
                                        member.string() + " (from \"" + *pattern +
                                        "\") has no Cargo.toml; cargo refuses to load the workspace "
                                        "(\"failed to load manifest for workspace member\")");
                workspace.members.push_back(read_crate(manifest, workspace_deps));
            }
        }
    }
    return workspace;
}

std::vector<std::string> crates_depending_on(const Workspace& workspace, const std::string& dependency) {
    std::set<std::string> hit{dependency};
    // A member that depends on a member that depends on pyo3 builds pyo3 too: repeat to a fixpoint.
    for (bool grew = true; grew;) {
        grew = false;
        for (const auto& crate : workspace.members) {
            if (hit.count(crate.name)) continue;
            for (const auto& dep : crate.depends)
                if (hit.count(dep)) {
                    hit.insert(crate.name);
                    grew = true;
                    break;
                }
        }
    }
    std::vector<std::string> result;
    for (const auto& crate : workspace.members)
        if (crate.name != dependency && hit.count(crate.name)) result.push_back(crate.name);
    return result;
}

MetadataMembers members_depending_on(const std::string& json_text, const std::string& dependency) {
    const nlohmann::json metadata = nlohmann::json::parse(json_text, nullptr, false);
    if (metadata.is_discarded() || !metadata.is_object() || !metadata.contains("packages") ||
        !metadata["packages"].is_array() || !metadata.contains("workspace_members") ||
        !metadata.contains("resolve") || !metadata["resolve"].is_object() ||
        !metadata["resolve"].contains("nodes"))
        throw ManifestError("envguard: `cargo metadata --format-version 1` gave no package list and "
                            "dependency graph");
    try {
        std::map<std::string, std::string> name_of; // package id -> package name
        for (const auto& package : metadata["packages"])
            name_of[package.at("id").get<std::string>()] = package.at("name").get<std::string>();
        std::map<std::string, std::vector<std::string>> edges; // id -> the ids it depends on
        for (const auto& node : metadata["resolve"]["nodes"]) {
            auto& out = edges[node.at("id").get<std::string>()];
            if (node.contains("dependencies"))
                for (const auto& id : node["dependencies"]) out.push_back(id.get<std::string>());
            if (node.contains("deps")) // the same, with the kinds; older cargo has only one of them
                for (const auto& dep : node["deps"]) out.push_back(dep.at("pkg").get<std::string>());
        }
        std::map<std::string, bool> reaches; // memo: id -> reaches DEPENDENCY
        std::set<std::string> on_path;       // cycles (dev-dependencies can make one) count as no
        auto visit = [&](const std::string& id, auto& self) -> bool {
            if (auto known = reaches.find(id); known != reaches.end()) return known->second;
            if (name_of[id] == dependency) return reaches[id] = true;
            if (!on_path.insert(id).second) return false;
            bool found = false;
            for (const auto& next : edges[id]) found = found || self(next, self);
            on_path.erase(id);
            return reaches[id] = found;
        };
        MetadataMembers result;
        for (const auto& id_json : metadata["workspace_members"]) {
            const std::string id = id_json.get<std::string>();
            result.members.push_back(name_of[id]);
            if (visit(id, visit)) result.depending.push_back(name_of[id]);
        }
        return result;
    } catch (const nlohmann::json::exception& error) {
        throw ManifestError(std::string("envguard: `cargo metadata` gave an unexpected answer: ") + error.what());
    }
}

} // namespace launcher
