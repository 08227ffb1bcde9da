#include "cargo_config.hpp"

#include "quoting.hpp"
#include "workspace.hpp"

#include <toml++/toml.h>

#include <cstdio>
#include <set>

namespace launcher {
namespace fs = std::filesystem;

std::string Source::describe() const {
    if (file.empty()) return {};
    // Shown relative to the current directory when it is below it (".cargo/config.toml:2").
    std::error_code ec;
    const fs::path relative = fs::relative(file, fs::current_path(ec), ec);
    const bool below = !ec && !relative.empty() && *relative.begin() != "..";
    return (below ? relative : file).string() + ":" + std::to_string(line);
}

namespace {

toml::table parse_config(const fs::path& path) { return parse_toml_file(path); }

Source source_of(const fs::path& file, const toml::node& node) {
    return Source{file, static_cast<long>(node.source().begin.line)};
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
        throw ManifestError("envguard: " + Source{file, source_of(file, *node).line}.describe() + ": " +
                            section + "." + key + " must be a string");
}

void take_bool(const toml::node* node, const fs::path& file, const char* key,
               std::optional<ConfigBool>& slot) {
    if (slot || !node) return;
    if (auto value = node->value<bool>())
        slot = ConfigBool{*value, source_of(file, *node)};
    else
        throw ManifestError("envguard: " + source_of(file, *node).describe() + ": " + key +
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
                throw ManifestError("envguard: " + entry.source.describe() + ": [env] " + name +
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
                    quote_value(configured->value) + " from " + configured->source.describe(),
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

Prediction predict(const CargoConfig& config, const envguard::EnvSnapshot& env, const fs::path& dir,
                   const fs::path& workspace_root, const std::optional<std::string>& sccache_version,
                   PredictFor what) {
    using envguard::Finding;
    using envguard::Severity;
    Prediction p;
    p.wrapper = predict_wrapper(env, "RUSTC_WRAPPER", "CARGO_BUILD_RUSTC_WRAPPER", "build.rustc-wrapper",
                                config.rustc_wrapper);
    p.workspace_wrapper =
        predict_wrapper(env, "RUSTC_WORKSPACE_WRAPPER", "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
                        "build.rustc-workspace-wrapper", config.rustc_workspace_wrapper);

    // Incremental, for the profile the command builds with (cargo build: dev; cargo test, and so
    // cargo llvm-cov: test, which inherits dev's setting):
    // CARGO_INCREMENTAL (only "1" is on) > CARGO_BUILD_INCREMENTAL > build.incremental > profile,
    // where the profile's own setting is CARGO_PROFILE_<P>_INCREMENTAL > config > Cargo.toml, and
    // test's falls back to dev's.
    const bool coverage = what == PredictFor::coverage;
    p.cargo_profile = coverage ? "test" : "dev";
    auto valid_bool = [](const std::string* value) { return value && (*value == "true" || *value == "false"); };
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
    if (const std::string* value = env.find("CARGO_INCREMENTAL")) {
        p.incremental = *value == "1";
        p.incremental_rule = "CARGO_INCREMENTAL=" + quote_value(*value) + " in the environment" +
                             (p.incremental ? "" : " (every value but \"1\" is off)");
    } else if (const std::string* build = env.find("CARGO_BUILD_INCREMENTAL")) {
        p.incremental = *build == "true";
        p.incremental_rule = "CARGO_BUILD_INCREMENTAL=" + quote_value(*build) + " in the environment";
    } else if (config.build_incremental) {
        p.incremental = config.build_incremental->value;
        p.incremental_rule = std::string("build.incremental = ") + (p.incremental ? "true" : "false");
        p.incremental_source = config.build_incremental->source;
    } else {
        bool decided = false;
        for (const auto& layer : layers) {
            if (const std::string* value = env.find(layer.variable); valid_bool(value)) {
                p.incremental = *value == "true";
                p.incremental_rule = std::string(layer.variable) + "=" + quote_value(*value) + " in the environment";
            } else if (*layer.config || *layer.manifest) {
                const ConfigBool& setting = *layer.config ? **layer.config : **layer.manifest;
                p.incremental = setting.value;
                p.incremental_rule = std::string(layer.key) + " = " + (p.incremental ? "true" : "false");
                p.incremental_source = setting.source;
            } else {
                continue;
            }
            decided = true;
            break;
        }
        if (!decided) {
            p.incremental = true;
            p.incremental_rule = coverage ? "the test profile's default (it inherits dev's)" : "the dev profile's default";
        }
        if (coverage && decided && p.incremental_rule.find("dev") != std::string::npos)
            p.incremental_rule += " (cargo llvm-cov runs cargo test, whose test profile inherits dev's setting)";
    }
    // cargo reads every CARGO_PROFILE_<P>_INCREMENTAL as a boolean and stops on anything else.
    for (const char* variable : {"CARGO_PROFILE_DEV_INCREMENTAL", "CARGO_PROFILE_TEST_INCREMENTAL",
                                 "CARGO_PROFILE_RELEASE_INCREMENTAL", "CARGO_PROFILE_BENCH_INCREMENTAL"})
        if (const std::string* value = env.find(variable); value && !valid_bool(value))
            p.findings.push_back({Severity::error, variable,
                                  std::string(variable) + "=" + quote_value(*value) +
                                      ": cargo stops with \"provided string was not `true` or `false`\"",
                                  "use true or false, or unset it"});

    // What the wrapper process sees: the environment, unless a force [env] entry replaces it; an
    // [env] entry fills in only a variable the environment does not have.
    auto seen_by_wrapper = [&](const char* name) {
        const EnvEntry* entry = env_entry(config, name);
        if (entry && (entry->force || !env.contains(name))) return std::optional<std::string>(entry->value);
        return env.get(name);
    };
    p.wrapper_sees_incremental = seen_by_wrapper("CARGO_INCREMENTAL");
    p.wrapper_sees_build_incremental = seen_by_wrapper("CARGO_BUILD_INCREMENTAL");

    // Target directory: CARGO_TARGET_DIR > CARGO_BUILD_TARGET_DIR > build.target-dir > <root>/target.
    auto empty_target = [&](const std::string& where) {
        p.target_dir.reset();
        p.target_dir_rule = where + " is set to the empty string: cargo stops with an error";
        p.findings.push_back({Severity::error, where,
                              where + " is set to the empty string: cargo stops with \"the target "
                                      "directory is set to an empty string\"",
                              "unset " + where + " (not empty) to use the workspace's target/"});
    };
    if (const std::string* value = env.find("CARGO_TARGET_DIR")) {
        if (value->empty())
            empty_target("CARGO_TARGET_DIR");
        else {
            p.target_dir = fs::absolute(dir / *value).lexically_normal();
            p.target_dir_rule = "CARGO_TARGET_DIR is set";
        }
    } else if (const std::string* build = env.find("CARGO_BUILD_TARGET_DIR")) {
        if (build->empty())
            empty_target("CARGO_BUILD_TARGET_DIR");
        else {
            p.target_dir = fs::absolute(dir / *build).lexically_normal();
            p.target_dir_rule = "CARGO_BUILD_TARGET_DIR is set";
        }
    } else if (config.target_dir) {
        if (config.target_dir->value.empty()) {
            empty_target("build.target-dir");
        } else {
            p.target_dir = fs::path(config.target_dir->value).lexically_normal();
            p.target_dir_rule = "build.target-dir from " + config.target_dir->source.describe();
            p.target_dir_source = config.target_dir->source;
        }
    } else {
        p.target_dir = (workspace_root / "target").lexically_normal();
        p.target_dir_rule = "the default: the workspace's target/";
    }

    // The wrapper that will run, and what it will see.
    // sccache checks both variables in its own environment.
    const bool refuses = p.wrapper_sees_incremental == std::optional<std::string>("1") ||
                         p.wrapper_sees_build_incremental == std::optional<std::string>("1");
    // sccache 0.14 and later name the variable they found (CARGO_INCREMENTAL first): sccache 0.16,
    // tests/launcher/check_differential.py.
    const std::string refusing = p.wrapper_sees_incremental == std::optional<std::string>("1")
                                     ? "CARGO_INCREMENTAL"
                                     : "CARGO_BUILD_INCREMENTAL";
    const std::string sccache_refuses =
        ", which (0.5.1 and later) refuses to run with the " + refusing + "=1 it sees (0.5.1-0.10: "
        "\"sccache: increment compilation is  prohibited.\"; 0.14 and later: \"sccache: incremental "
        "compilation is prohibited: Unset " + refusing + " to continue.\")";
    for (const auto* w : {&p.wrapper, &p.workspace_wrapper}) {
        const bool outer = w == &p.wrapper;
        const char* variable = outer ? "RUSTC_WRAPPER" : "RUSTC_WORKSPACE_WRAPPER";
        const char* key = outer ? "build.rustc-wrapper" : "build.rustc-workspace-wrapper";
        if (!w->program) continue;
        const bool from_config = !w->source.file.empty();
        // cargo runs the wrapper as given: a name is looked up on PATH, a relative path with a slash
        // is taken from the directory cargo runs in. One that is not there fails the build.
        try {
            const fs::path given(*w->program);
            (void)envguard::find_program(given.is_relative() && w->program->find('/') != std::string::npos
                                             ? (dir / given).string()
                                             : *w->program,
                                         env);
        } catch (const envguard::EnvError& error) {
            p.findings.push_back({Severity::error, variable,
                                  std::string("cargo will try to run the wrapper ") + quote_value(*w->program) +
                                      " (" + w->rule + ") and fail: " + error.what(),
                                  std::string("install it, fix the name, or set ") + variable +
                                      " to the empty string (not unset) to run without it"});
            continue;
        }
        const auto version = sccache_version ? parse_version(*sccache_version) : std::nullopt;
        const bool predates_check = version && *version < std::array<int, 3>{0, 5, 1};
        const bool fatal = is_sccache(w->program) && refuses && !predates_check;
        const bool old_sccache_accepts = is_sccache(w->program) && refuses && predates_check;
        // An ordinary build with a working wrapper is healthy: nothing to say (the wrapper line says
        // which runs). For coverage, a wrapper that is still on is worth a word.
        if (!fatal && !old_sccache_accepts && !coverage) continue;
        std::string problem =
            from_config ? std::string(variable) + " is unset and " + w->source.describe() + " sets " + key +
                              " = " + quote_value(*w->program) + ": cargo will run " + base_name(*w->program)
                        : "cargo will run " + quote_value(*w->program) + " as the " +
                              (outer ? "wrapper" : "workspace wrapper") + " (" + w->rule + ")";
        if (fatal) problem += sccache_refuses;
        if (old_sccache_accepts)
            problem += "; it sees CARGO_INCREMENTAL=1, which this sccache (" + *sccache_version +
                       ") accepts without caching, but sccache 0.5.1 and later refuse";
        std::string fix = std::string("Set ") + variable + " to the empty string (not unset)";
        if (fatal && coverage) fix += " (the coverage profile does this for an sccache)";
        if (fatal) fix += ", or CARGO_INCREMENTAL=0 to keep the cache";
        p.findings.push_back({fatal ? Severity::error
                                    : (from_config || predates_check) ? Severity::warning
                                                                      : Severity::info,
                              variable, problem, fix + "."});
    }
    if (p.wrapper.program && p.workspace_wrapper.program)
        p.wrapper_nesting = "workspace members are compiled as `" + base_name(*p.wrapper.program) + " " +
                            base_name(*p.workspace_wrapper.program) + " rustc …` (the two nest), other crates as `" +
                            base_name(*p.wrapper.program) + " rustc …`";
    if (const std::string* build = env.find("CARGO_BUILD_INCREMENTAL"))
        if (*build != "true" && *build != "false")
            p.findings.push_back({Severity::error, "CARGO_BUILD_INCREMENTAL",
                                  "CARGO_BUILD_INCREMENTAL=" + quote_value(*build) +
                                      ": cargo stops with \"provided string was not `true` or `false`\"",
                                  "use true or false, or unset it"});
    for (const auto& entry : config.env) {
        const bool set_in_env = env.contains(entry.name);
        std::string problem = "[env] " + entry.name + " = " + quote_value(entry.value) + " at " +
                              entry.source.describe() + ": ";
        if (entry.name == "RUSTC_WRAPPER")
            problem += "cargo never takes its own wrapper from [env]; only rustc, build-script "
                       "children and nested cargo (xtask) see it";
        else if (entry.name == "CARGO_INCREMENTAL" || entry.name == "CARGO_BUILD_INCREMENTAL")
            problem += "cargo's own incremental setting ignores [env]; only rustc and the wrapper "
                       "see it";
        else
            problem += "cargo's own target directory ignores [env]; only child processes see it";
        if (set_in_env)
            problem += entry.force ? "; force = true, so it replaces the environment's value for them"
                                   : "; the environment's " + entry.name + " is set, so it is not used";
        p.findings.push_back({Severity::info, entry.name, problem,
                              "set " + entry.name + " in the environment to change what cargo does"});
    }
    if (p.target_dir && p.target_dir != (workspace_root / "target").lexically_normal()) {
        const std::string source = env.contains("CARGO_TARGET_DIR")         ? "CARGO_TARGET_DIR"
                                   : env.contains("CARGO_BUILD_TARGET_DIR") ? "CARGO_BUILD_TARGET_DIR"
                                                                            : "build.target-dir";
        p.findings.push_back({Severity::info, source,
                              "the build goes to " + p.target_dir->string() + " (" + p.target_dir_rule +
                                  "), not the workspace's target/",
                              source == "build.target-dir"
                                  ? "remove build.target-dir from " + p.target_dir_source.describe() +
                                        " to build in the workspace's target/"
                                  : "unset " + source + " to build in the workspace's target/"});
    }
    for (const auto& note : config.notes)
        p.findings.push_back({Severity::warning, "", note, "remove one of the two files"});
    return p;
}

} // namespace launcher
