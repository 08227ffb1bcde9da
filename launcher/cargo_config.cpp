#include "cargo_config.hpp"

#include "workspace.hpp"

#include <toml++/toml.h>

#include <cstdio>
#include <set>

namespace launcher {
namespace fs = std::filesystem;

namespace {

toml::table parse_config(const fs::path& path) { return parse_toml_file(path); }

FileLocation source_of(const fs::path& file, const toml::node& node) {
    return FileLocation{file, static_cast<long>(node.source().begin.line)};
}

// cargo: in one directory, `config` wins over `config.toml` (with a warning).
std::optional<fs::path> config_file_in(const fs::path& dir, std::vector<std::string>& notes) {
    const fs::path plain = dir / "config";
    const fs::path with_extension = dir / "config.toml";
    std::error_code ec;
    const bool has_plain = fs::exists(plain, ec);
    const bool has_toml = fs::exists(with_extension, ec);
    if (has_plain && has_toml && !fs::equivalent(plain, with_extension, ec))
        notes.push_back("both " + plain.string() + " and " + with_extension.string() +
                        " exist: cargo reads " + plain.string() + " only");
    if (has_plain) return plain;
    if (has_toml) return with_extension;
    return std::nullopt;
}

// A path value from a config file: relative to the directory that holds the .cargo directory
// (cargo's rule for config-relative paths). A bare program name (no '/') stays a name for PATH.
std::string config_relative(const std::string& value, const fs::path& file, bool is_program) {
    if (value.empty() || fs::path(value).is_absolute()) return value;
    if (is_program && value.find('/') == std::string::npos) return value;
    return (file.parent_path().parent_path() / value).lexically_normal().string();
}

void take_string(const toml::table& table, const char* section, const char* key, const fs::path& file,
                 std::optional<ConfigString>& slot, bool is_program) {
    if (slot) return; // a file read earlier (deeper) already set it
    const toml::node* node = table[section][key].node();
    if (!node) return;
    if (auto value = node->value<std::string>())
        slot = ConfigString{config_relative(*value, file, is_program), source_of(file, *node)};
    else
        throw ManifestError("envguard: " + FileLocation{file, source_of(file, *node).line}.to_string() + ": " +
                            section + "." + key + " must be a string");
}

void take_bool(const toml::node* node, const fs::path& file, const char* key,
               std::optional<ConfigBool>& slot) {
    if (slot || !node) return;
    if (auto value = node->value<bool>())
        slot = ConfigBool{*value, source_of(file, *node)};
    else
        throw ManifestError("envguard: " + source_of(file, *node).to_string() + ": " + key +
                            " must be true or false");
}

void read_one(const fs::path& file, CargoConfig& config) {
    const toml::table table = parse_config(file);
    config.files.push_back(file);
    take_string(table, "build", "rustc-wrapper", file, config.rustc_wrapper, true);
    take_string(table, "build", "rustc-workspace-wrapper", file, config.rustc_workspace_wrapper, true);
    take_string(table, "build", "target-dir", file, config.target_dir, false);
    take_bool(table["build"]["incremental"].node(), file, "build.incremental", config.build_incremental);
    take_bool(table["profile"]["dev"]["incremental"].node(), file, "profile.dev.incremental",
              config.dev_incremental);
    take_bool(table["profile"]["test"]["incremental"].node(), file, "profile.test.incremental",
              config.test_incremental);
    if (const toml::table* env = table["env"].as_table()) {
        for (const char* name : {"RUSTC_WRAPPER", "CARGO_INCREMENTAL", "CARGO_BUILD_INCREMENTAL", "CARGO_TARGET_DIR"}) {
            const toml::node* node = env->get(name);
            if (!node) continue;
            bool seen = false;
            for (const auto& entry : config.env) seen = seen || entry.name == name;
            if (seen) continue; // a deeper file's entry wins
            EnvEntry entry{name, {}, false, false, source_of(file, *node)};
            if (auto value = node->value<std::string>()) {
                entry.value = *value;
            } else if (const toml::table* detail = node->as_table()) {
                entry.value = (*detail)["value"].value_or(std::string());
                entry.force = (*detail)["force"].value_or(false);
                entry.relative = (*detail)["relative"].value_or(false);
                if (entry.relative) entry.value = (file.parent_path().parent_path() / entry.value).string();
            } else {
                throw ManifestError("envguard: " + entry.source.to_string() + ": [env] " + name +
                                    " must be a string or a table with `value`");
            }
            config.env.push_back(entry);
        }
    }
}

const EnvEntry* env_entry(const CargoConfig& config, const std::string& name) {
    for (const auto& entry : config.env)
        if (entry.name == name) return &entry;
    return nullptr;
}

std::string base_name(const std::string& program) { return fs::path(program).filename().string(); }


// RUSTC_WRAPPER (set, even to "") > CARGO_BUILD_<KEY> > config; "" means no wrapper.
WrapperPrediction predict_wrapper(const envguard::EnvSnapshot& env, const char* variable,
                                  const char* build_variable, const char* key,
                                  const std::optional<ConfigString>& configured) {
    auto from_value = [](const std::string& value) {
        return value.empty() ? std::optional<std::string>() : std::optional<std::string>(value);
    };
    if (const std::string* value = env.find(variable))
        return {from_value(*value),
                std::string(variable) + (value->empty() ? " is set to the empty string: no wrapper, "
                                                          "whatever the config says"
                                                        : std::string(" is set: it wins over ") + build_variable +
                                                              " and " + key),
                {}};
    if (const std::string* value = env.find(build_variable))
        return {from_value(*value),
                std::string(build_variable) + " is set and " + variable + " is unset", {}};
    if (configured)
        return {from_value(configured->value),
                std::string(variable) + " is unset, so cargo uses " + key + " = " +
                    envguard::quote_value(configured->value) + " from " + configured->source.to_string(),
                configured->source};
    return {std::nullopt, std::string(variable) + " is unset and no config file sets " + key, {}};
}

} // namespace

bool is_sccache(const std::optional<std::string>& program) {
    return program && base_name(*program).find("sccache") != std::string::npos;
}

const std::string* home_directory(const envguard::EnvSnapshot& env) {
#ifdef _WIN32
    // cargo (the home crate) takes USERPROFILE on Windows, where HOME is normally unset.
    if (const std::string* profile = env.find("USERPROFILE"); profile && !profile->empty()) return profile;
#endif
    const std::string* home = env.find("HOME");
    return home && !home->empty() ? home : nullptr;
}

CargoConfig read_cargo_config(const fs::path& dir, const envguard::EnvSnapshot& env,
                              const fs::path& workspace_root) {
    CargoConfig config;
    std::set<fs::path> read_dirs;
    // cargo walks the real directories: a symlinked project finds the configs around its target.
    for (fs::path d = fs::weakly_canonical(fs::absolute(dir));; d = d.parent_path()) {
        if (auto file = config_file_in(d / ".cargo", config.notes)) {
            read_one(*file, config);
            read_dirs.insert(fs::weakly_canonical(d / ".cargo"));
        }
        if (d == d.parent_path()) break;
    }
    // An empty CARGO_HOME counts as unset (cargo's rule); a relative one is taken from DIR.
    fs::path cargo_home;
    const std::string* home = env.find("CARGO_HOME");
    if (home && !home->empty())
        cargo_home = fs::absolute(dir / *home).lexically_normal();
    else if (const std::string* user = home_directory(env))
        cargo_home = fs::path(*user) / ".cargo";
    if (!cargo_home.empty() && !read_dirs.count(fs::weakly_canonical(cargo_home)))
        if (auto file = config_file_in(cargo_home, config.notes)) read_one(*file, config);
    const fs::path manifest = workspace_root / "Cargo.toml";
    std::error_code ec;
    if (fs::exists(manifest, ec)) {
        const toml::table table = parse_config(manifest);
        take_bool(table["profile"]["dev"]["incremental"].node(), manifest, "profile.dev.incremental",
                  config.manifest_dev_incremental);
        take_bool(table["profile"]["test"]["incremental"].node(), manifest, "profile.test.incremental",
                  config.manifest_test_incremental);
    }
    return config;
}

std::optional<std::array<int, 3>> parse_version(const std::string& text) {
    std::array<int, 3> version{};
    const char* start = text.rfind("sccache ", 0) == 0 ? text.c_str() + 8 : text.c_str();
    if (std::sscanf(start, "%d.%d.%d", &version[0], &version[1], &version[2]) == 3) return version;
    return std::nullopt;
}

IncrementalPrediction predict_incremental(const CargoConfig& config, const envguard::EnvSnapshot& env,
                                          PredictFor what) {
    // Incremental, for the profile the command builds with (cargo build: dev; cargo test, and so
    // cargo llvm-cov: test, which inherits dev's setting):
    // CARGO_INCREMENTAL (only "1" is on) > CARGO_BUILD_INCREMENTAL > build.incremental > profile,
    // where the profile's own setting is CARGO_PROFILE_<P>_INCREMENTAL > config > Cargo.toml, and
    // test's falls back to dev's.
    IncrementalPrediction result;
    if (const std::string* value = env.find("CARGO_INCREMENTAL")) {
        result.on = *value == "1";
        result.rule = "CARGO_INCREMENTAL=" + envguard::quote_value(*value) + " in the environment" +
                      (result.on ? "" : " (every value but \"1\" is off)");
        return result;
    }
    if (const std::string* build = env.find("CARGO_BUILD_INCREMENTAL")) {
        result.on = *build == "true";
        result.rule = "CARGO_BUILD_INCREMENTAL=" + envguard::quote_value(*build) + " in the environment";
        return result;
    }
    if (config.build_incremental) {
        result.on = config.build_incremental->value;
        result.rule = std::string("build.incremental = ") + (result.on ? "true" : "false");
        result.source = config.build_incremental->source;
        return result;
    }
    const bool coverage = what == PredictFor::coverage;
    struct ProfileLayer {
        const char* variable;
        const std::optional<ConfigBool>* config;
        const std::optional<ConfigBool>* manifest;
        const char* key;
    };
    std::vector<ProfileLayer> layers;
    if (coverage)
        layers.push_back({"CARGO_PROFILE_TEST_INCREMENTAL", &config.test_incremental,
                          &config.manifest_test_incremental, "profile.test.incremental"});
    layers.push_back({"CARGO_PROFILE_DEV_INCREMENTAL", &config.dev_incremental, &config.manifest_dev_incremental,
                      "profile.dev.incremental"});
    for (const auto& layer : layers) {
        if (const std::string* value = env.find(layer.variable); value && (*value == "true" || *value == "false")) {
            result.on = *value == "true";
            result.rule = std::string(layer.variable) + "=" + envguard::quote_value(*value) + " in the environment";
        } else if (*layer.config || *layer.manifest) {
            const ConfigBool& setting = *layer.config ? **layer.config : **layer.manifest;
            result.on = setting.value;
            result.rule = std::string(layer.key) + " = " + (result.on ? "true" : "false");
            result.source = setting.source;
        } else {
            continue;
        }
        if (coverage && result.rule.find("dev") != std::string::npos)
            result.rule += " (cargo llvm-cov runs cargo test, whose test profile inherits dev's setting)";
        return result;
    }
    result.on = true;
    result.rule = coverage ? "the test profile's default (it inherits dev's)" : "the dev profile's default";
    return result;
}

std::vector<envguard::Finding> profile_incremental_findings(const envguard::EnvSnapshot& env) {
    // cargo reads every CARGO_PROFILE_<P>_INCREMENTAL as a boolean and stops on anything else.
    std::vector<envguard::Finding> findings;
    for (const char* variable : {"CARGO_PROFILE_DEV_INCREMENTAL", "CARGO_PROFILE_TEST_INCREMENTAL",
                                 "CARGO_PROFILE_RELEASE_INCREMENTAL", "CARGO_PROFILE_BENCH_INCREMENTAL"})
        if (auto finding = envguard::cargo_bool_finding(variable, env.find(variable)))
            findings.push_back(std::move(*finding));
    return findings;
}

std::optional<std::string> seen_by_wrapper(const CargoConfig& config, const envguard::EnvSnapshot& env,
                                           const std::string& name) {
    // The environment, unless a force [env] entry replaces it; an [env] entry fills in only a
    // variable the environment does not have.
    const EnvEntry* entry = env_entry(config, name);
    if (entry && (entry->force || !env.contains(name))) return entry->value;
    return env.get(name);
}

TargetDirPrediction predict_target_dir(const CargoConfig& config, const envguard::EnvSnapshot& env,
                                       const fs::path& dir, const fs::path& workspace_root) {
    // CARGO_TARGET_DIR > CARGO_BUILD_TARGET_DIR > build.target-dir > <root>/target.
    TargetDirPrediction result;
    auto empty = [&](const std::string& where) {
        result.rule = where + " is set to the empty string: cargo stops with an error";
        result.error = envguard::empty_target_dir_finding(where);
        return result;
    };
    for (const char* variable : {"CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"}) {
        if (const std::string* value = env.find(variable)) {
            if (value->empty()) return empty(variable);
            result.dir = fs::absolute(dir / *value).lexically_normal();
            result.rule = std::string(variable) + " is set";
            return result;
        }
    }
    if (config.target_dir) {
        if (config.target_dir->value.empty()) return empty("build.target-dir");
        result.dir = fs::path(config.target_dir->value).lexically_normal();
        result.rule = "build.target-dir from " + config.target_dir->source.to_string();
        result.source = config.target_dir->source;
        return result;
    }
    result.dir = (workspace_root / "target").lexically_normal();
    result.rule = "the default: the workspace's target/";
    return result;
}

std::optional<envguard::Finding> wrapper_finding(const WrapperSituation& w) {
    using envguard::Severity;
    if (!w.wrapper.program) return std::nullopt;
    const std::string& program = *w.wrapper.program;
    const char* variable = w.outer ? "RUSTC_WRAPPER" : "RUSTC_WORKSPACE_WRAPPER";
    const char* key = w.outer ? "build.rustc-wrapper" : "build.rustc-workspace-wrapper";
    const bool from_config = !w.wrapper.source.file.empty();
    // cargo runs the wrapper as given: a name is looked up on PATH, a relative path with a slash
    // is taken from the directory cargo runs in. One that is not there fails the build.
    try {
        const fs::path given(program);
        (void)envguard::find_program(
            given.is_relative() && program.find('/') != std::string::npos ? (w.dir / given).string() : program,
            w.env);
    } catch (const envguard::EnvError& error) {
        return envguard::Finding{Severity::error, variable,
                                 "cargo will try to run the wrapper " + envguard::quote_value(program) + " (" +
                                     w.wrapper.rule + ") and fail: " + error.what(),
                                 std::string("install it, fix the name, or set ") + variable +
                                     " to the empty string (not unset) to run without it"};
    }
    // sccache checks both variables in its own environment; 0.14 and later name the one they found
    // (CARGO_INCREMENTAL first): sccache 0.16, tests/launcher/check_differential.py.
    const bool refuses = w.sees_incremental == std::optional<std::string>("1") ||
                         w.sees_build_incremental == std::optional<std::string>("1");
    const std::string refusing =
        w.sees_incremental == std::optional<std::string>("1") ? "CARGO_INCREMENTAL" : "CARGO_BUILD_INCREMENTAL";
    const auto version = w.sccache_version ? parse_version(*w.sccache_version) : std::nullopt;
    const bool predates_check = version && *version < std::array<int, 3>{0, 5, 1};
    const bool fatal = is_sccache(program) && refuses && !predates_check;
    const bool old_sccache_accepts = is_sccache(program) && refuses && predates_check;
    // An ordinary build with a working wrapper is healthy: nothing to say (the wrapper line says
    // which runs). For coverage, a wrapper that is still on is worth a word.
    if (!fatal && !old_sccache_accepts && !w.coverage) return std::nullopt;
    std::string problem =
        from_config ? std::string(variable) + " is unset and " + w.wrapper.source.to_string() + " sets " + key +
                          " = " + envguard::quote_value(program) + ": cargo will run " + base_name(program)
                    : "cargo will run " + envguard::quote_value(program) + " as the " +
                          (w.outer ? "wrapper" : "workspace wrapper") + " (" + w.wrapper.rule + ")";
    if (fatal)
        problem += ", which (0.5.1 and later) refuses to run with the " + refusing + "=1 it sees (" +
                   envguard::sccache_refusal_text(refusing) + ")";
    if (old_sccache_accepts)
        problem += "; it sees CARGO_INCREMENTAL=1, which this sccache (" + *w.sccache_version +
                   ") accepts without caching, but sccache 0.5.1 and later refuse";
    std::string fix = std::string("Set ") + variable + " to the empty string (not unset)";
    if (fatal && w.coverage) fix += " (the coverage profile does this for an sccache)";
    if (fatal) fix += ", or CARGO_INCREMENTAL=0 to keep the cache";
    return envguard::Finding{fatal ? Severity::error : (from_config || predates_check) ? Severity::warning : Severity::info,
                             variable, problem, fix + "."};
}

std::string wrapper_nesting(const WrapperPrediction& wrapper, const WrapperPrediction& workspace_wrapper) {
    if (!wrapper.program || !workspace_wrapper.program) return "";
    return "workspace members are compiled as `" + base_name(*wrapper.program) + " " +
           base_name(*workspace_wrapper.program) + " rustc …` (the two nest), other crates as `" +
           base_name(*wrapper.program) + " rustc …`";
}

envguard::Finding env_table_finding(const EnvEntry& entry, const envguard::EnvSnapshot& env) {
    std::string problem = "[env] " + entry.name + " = " + envguard::quote_value(entry.value) + " at " +
                          entry.source.to_string() + ": ";
    if (entry.name == "RUSTC_WRAPPER")
        problem += "cargo never takes its own wrapper from [env]; only rustc, build-script "
                   "children and nested cargo (xtask) see it";
    else if (entry.name == "CARGO_INCREMENTAL" || entry.name == "CARGO_BUILD_INCREMENTAL")
        problem += "cargo's own incremental setting ignores [env]; only rustc and the wrapper "
                   "see it";
    else
        problem += "cargo's own target directory ignores [env]; only child processes see it";
    if (env.contains(entry.name))
        problem += entry.force ? "; force = true, so it replaces the environment's value for them"
                               : "; the environment's " + entry.name + " is set, so it is not used";
    return {envguard::Severity::info, entry.name, problem,
            "set " + entry.name + " in the environment to change what cargo does"};
}

std::optional<envguard::Finding> target_dir_finding(const TargetDirPrediction& target, const envguard::EnvSnapshot& env,
                                                    const fs::path& workspace_root) {
    if (!target.dir || *target.dir == (workspace_root / "target").lexically_normal()) return std::nullopt;
    const std::string source = env.contains("CARGO_TARGET_DIR")         ? "CARGO_TARGET_DIR"
                               : env.contains("CARGO_BUILD_TARGET_DIR") ? "CARGO_BUILD_TARGET_DIR"
                                                                        : "build.target-dir";
    return envguard::Finding{envguard::Severity::info, source,
                             "the build goes to " + target.dir->string() + " (" + target.rule +
                                 "), not the workspace's target/",
                             source == "build.target-dir"
                                 ? "remove build.target-dir from " + target.source.to_string() +
                                       " to build in the workspace's target/"
                                 : "unset " + source + " to build in the workspace's target/"};
}

Prediction predict(const CargoConfig& config, const envguard::EnvSnapshot& env, const fs::path& dir,
                   const fs::path& workspace_root, const std::optional<std::string>& sccache_version,
                   PredictFor what) {
    Prediction p;
    p.wrapper = predict_wrapper(env, "RUSTC_WRAPPER", "CARGO_BUILD_RUSTC_WRAPPER", "build.rustc-wrapper",
                                config.rustc_wrapper);
    p.workspace_wrapper =
        predict_wrapper(env, "RUSTC_WORKSPACE_WRAPPER", "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
                        "build.rustc-workspace-wrapper", config.rustc_workspace_wrapper);
    p.wrapper_nesting = wrapper_nesting(p.wrapper, p.workspace_wrapper);

    p.cargo_profile = what == PredictFor::coverage ? "test" : "dev";
    const IncrementalPrediction incremental = predict_incremental(config, env, what);
    p.incremental = incremental.on;
    p.incremental_rule = incremental.rule;
    p.incremental_source = incremental.source;
    p.findings = profile_incremental_findings(env);
    p.wrapper_sees_incremental = seen_by_wrapper(config, env, "CARGO_INCREMENTAL");
    p.wrapper_sees_build_incremental = seen_by_wrapper(config, env, "CARGO_BUILD_INCREMENTAL");

    const TargetDirPrediction target = predict_target_dir(config, env, dir, workspace_root);
    p.target_dir = target.dir;
    p.target_dir_rule = target.rule;
    p.target_dir_source = target.source;
    if (target.error) p.findings.push_back(*target.error);

    for (const bool outer : {true, false})
        if (auto finding = wrapper_finding({outer ? p.wrapper : p.workspace_wrapper, outer, env, dir,
                                            p.wrapper_sees_incremental, p.wrapper_sees_build_incremental,
                                            sccache_version, what == PredictFor::coverage}))
            p.findings.push_back(std::move(*finding));
    if (auto finding = envguard::cargo_bool_finding("CARGO_BUILD_INCREMENTAL", env.find("CARGO_BUILD_INCREMENTAL")))
        p.findings.push_back(std::move(*finding));
    for (const auto& entry : config.env) p.findings.push_back(env_table_finding(entry, env));
    if (auto finding = target_dir_finding(target, env, workspace_root)) p.findings.push_back(std::move(*finding));
    for (const auto& note : config.notes)
        p.findings.push_back({envguard::Severity::warning, "", note, "remove one of the two files"});
    return p;
}

} // namespace launcher
