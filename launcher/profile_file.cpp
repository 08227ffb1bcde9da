#include "profile_file.hpp"

#include "workspace.hpp" // parse_toml_file

#include <toml++/toml.h>

#include <algorithm>
#include <cstddef>
#include <tuple>
#include <utility>

namespace launcher {
namespace fs = std::filesystem;

const ListedProfile* ProfileSet::find(std::string_view name) const {
    for (const auto& listed : profiles)
        if (listed.profile.name == name) return &listed;
    return nullptr;
}

std::string ProfileSet::known_names() const {
    std::string out;
    for (const auto& listed : profiles) out += (out.empty() ? "" : ", ") + listed.profile.name;
    return out;
}

namespace {

constexpr const char* profile_keys =
    "description, extends, set, set-empty, unset, prepend-path, append-path";

fs::path to_path(const std::string& utf8) {
#ifdef _WIN32
    return fs::path(envguard::to_wide(utf8));
#else
    return fs::path(utf8);
#endif
}

// FILE as messages show it: relative to the current directory when it is below it, else absolute.
fs::path shown_path(const fs::path& absolute_file) {
    std::error_code ec;
    const fs::path cwd = fs::current_path(ec);
    if (!ec) {
        const fs::path relative = absolute_file.lexically_relative(cwd);
        if (!relative.empty() && *relative.begin() != "..") return relative;
    }
    return absolute_file;
}

// $XDG_CONFIG_HOME/envguard/envguard.toml (absolute XDG_CONFIG_HOME only, as the XDG spec says),
// else %APPDATA%\envguard\envguard.toml on Windows and $HOME/.config/envguard/envguard.toml elsewhere.
std::optional<fs::path> user_config_file() {
    if (auto xdg = envguard::get("XDG_CONFIG_HOME"); xdg && !xdg->empty() && to_path(*xdg).is_absolute())
        return to_path(*xdg) / "envguard" / "envguard.toml";
#ifdef _WIN32
    if (auto appdata = envguard::get("APPDATA"); appdata && !appdata->empty())
        return to_path(*appdata) / "envguard" / "envguard.toml";
#else
    if (auto home = envguard::get("HOME"); home && !home->empty())
        return to_path(*home) / ".config" / "envguard" / "envguard.toml";
#endif
    return std::nullopt;
}

std::string a_type(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "a list";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
    }
}

// One NAME (and value or directory) of a profile, with where it is written.
struct Entry {
    std::string name;
    std::string value;
    toml::source_region where;
};

// A [profile.NAME] table as written, validated, before extends is resolved.
struct FileProfile {
    std::string name;
    std::string description;
    std::string extends;
    toml::source_region extends_where;
    std::vector<Entry> unset, set, set_empty, prepend, append;
    FileLocation origin;
    std::vector<FileLocation> overrides;
};

class ProfileReader {
public:
    ProfileReader(fs::path shown, fs::path dir) : shown_(std::move(shown)), dir_(std::move(dir)) {}

    [[noreturn]] void fail(const toml::source_region& where, const std::string& rule) const {
        std::string message = "envguard: " + shown_.string() + ":" + std::to_string(where.begin.line) + ":" +
                              std::to_string(where.begin.column) + ": ";
        if (!profile_.empty()) message += "profile " + envguard::quote_value(profile_) + ": ";
        throw ProfileFileError(message + rule);
    }

    // The keys of TABLE in the order the file has them (toml++ keeps them sorted by name), so that the
    // first problem reported is the first in the file.
    static std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& table) {
        std::vector<std::pair<const toml::key*, const toml::node*>> out;
        for (auto&& [key, node] : table) out.emplace_back(&key, &node);
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            const auto& x = a.first->source().begin;
            const auto& y = b.first->source().begin;
            return x.line != y.line ? x.line < y.line : x.column < y.column;
        });
        return out;
    }

    std::vector<FileProfile> read_file(const toml::table& table) {
        std::vector<FileProfile> profiles;
        for (const auto& [key, node] : in_file_order(table)) {
            profile_.clear();
            if (key->str() != "profile")
                fail(key->source(), "unknown key " + envguard::quote_value(key->str()) +
                                        " (an envguard.toml holds only [profile.NAME] tables)");
            const toml::table* list = node->as_table();
            if (list == nullptr)
                fail(node->source(), "profile must be a table of [profile.NAME] tables, not " + a_type(*node));
            for (const auto& [name, body] : in_file_order(*list)) profiles.push_back(read_profile(*name, *body));
        }
        return profiles;
    }

private:
    FileProfile read_profile(const toml::key& key, const toml::node& node) {
        profile_.clear();
        const std::string name(key.str());
        const bool good_name = !name.empty() && name.front() != '-' &&
                               std::all_of(name.begin(), name.end(), [](char c) {
                                   return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                          (c >= '0' && c <= '9') || c == '-' || c == '_';
                                   });
        if (!good_name)
            fail(key.source(), "profile name " + envguard::quote_value(name) +
                                   ": a profile name must be letters, digits, '-' and '_', not starting with '-'");
        profile_ = name;
        if (envguard::find_builtin_profile(name) != nullptr)
            fail(key.source(), "a built-in profile cannot be redefined; give yours another name and write "
                               "extends = " + envguard::quote_value(name) + " in it");
        const toml::table* table = node.as_table();
        if (table == nullptr)
            fail(node.source(), "[profile." + name + "] must be a table, not " + a_type(node));
        FileProfile profile;
        profile.name = name;
        profile.origin = FileLocation{shown_, static_cast<long>(key.source().begin.line),
                                       static_cast<long>(key.source().begin.column)};
        claimed_.clear();
        for (const auto& [k, value] : in_file_order(*table)) {
            const std::string field(k->str());
            if (field == "description") {
                profile.description = string_of(*value, "description must be a string");
            } else if (field == "extends") {
                profile.extends = string_of(*value, "extends must be a string: the name of one profile");
                profile.extends_where = value->source();
                if (profile.extends.empty()) fail(value->source(), "extends must name a profile, not be empty");
            } else if (field == "set") {
                for (const auto& [var, text] : table_of(*value, "set", "NAME = \"value\"")) {
                    Entry entry{std::string(var->str()),
                                string_of(*text, "set." + std::string(var->str()) +
                                                     " must be a string in quotes"),
                                var->source()};
                    // a bad name is shown at the name, a bad value at the value
                    check_name("set", entry.name, entry.where);
                    check(envguard::check_value(entry.value), "set", entry.name, text->source());
                    claim(entry, "set");
                    profile.set.push_back(entry);
                }
            } else if (field == "set-empty" || field == "unset") {
                const bool unset = field == "unset";
                const toml::array* names = value->as_array();
                if (names == nullptr)
                    fail(value->source(), field + " must be a list of variable names, not " + a_type(*value));
                for (std::size_t i = 0; i < names->size(); ++i) {
                    const toml::node& item = *names->get(i);
                    Entry entry{string_of(item, field + "[" + std::to_string(i) + "] must be a variable name in quotes"),
                                {}, item.source()};
                    check_name(unset ? "unset" : "set", entry.name, entry.where);
                    claim(entry, field);
                    (unset ? profile.unset : profile.set_empty).push_back(entry);
                }
            } else if (field == "prepend-path" || field == "append-path") {
                read_paths(*value, field, field == "prepend-path" ? profile.prepend : profile.append);
            } else {
                fail(k->source(), "unknown key " + envguard::quote_value(field) + " (known: " + profile_keys + ")");
            }
        }
        return profile;
    }

    std::string string_of(const toml::node& node, const std::string& rule) const {
        if (const auto* text = node.as_string()) return text->get();
        fail(node.source(), rule + ", not " + a_type(node));
    }

    std::vector<std::pair<const toml::key*, const toml::node*>>
    table_of(const toml::node& node, const std::string& field, const char* shape) const {
        const toml::table* table = node.as_table();
        if (table == nullptr)
            fail(node.source(), field + " must be a table of " + shape + ", not " + a_type(node));
        return in_file_order(*table);
    }

    // The library's own rules (names, values, path entries), in the library's words: a broken one
    // fails at WHERE with "cannot ACTION "NAME": RULE", as the library itself would refuse the input.
    void check(const envguard::RuleViolation& bad, const char* action, const std::string& name,
               const toml::source_region& where) const {
        if (bad) fail(where, bad.message(action, name));
    }
    void check_name(const char* action, const std::string& name, const toml::source_region& where) const {
        check(envguard::check_name(name), action, name, where);
    }

    // A variable is set, set to empty or unset once per profile.
    void claim(const Entry& entry, const std::string& field) {
        for (const auto& [other, other_field, line] : claimed_)
            if (envguard::same_name(other, entry.name))
                fail(entry.where, envguard::quote_value(entry.name) + " is already in " + other_field + " (line " +
                                      std::to_string(line) +
                                      "): a profile sets, sets to empty or unsets a variable once");
        claimed_.emplace_back(entry.name, field, static_cast<long>(entry.where.begin.line));
    }

    void read_paths(const toml::node& node, const std::string& field, std::vector<Entry>& out) {
        for (const auto& [var, dirs] : table_of(node, field, "NAME = DIR or NAME = [DIR, ...]")) {
            const std::string name(var->str());
            std::vector<const toml::node*> items;
            if (const toml::array* list = dirs->as_array()) {
                if (list->empty()) fail(dirs->source(), field + "." + name + ": the list of directories is empty");
                for (const auto& item : *list) items.push_back(&item);
            } else {
                items.push_back(dirs);
            }
            const std::size_t first = out.size();
            for (const toml::node* item : items) {
                Entry entry{name, string_of(*item, field + "." + name + " must be a directory in quotes or a list of them"),
                            item->source()};
                const bool prepend = field == "prepend-path";
                const char* action = prepend ? "prepend to" : "append to";
                auto check_dir = [&](const std::string& dir) {
                    check_name(action, name, entry.where);
                    check(envguard::check_path_entry(dir), action, name, entry.where);
                };
                check_dir(entry.value); // as written: "" is refused before it could become the file's directory
                // A relative directory is taken from the directory that holds the envguard.toml.
                if (!to_path(entry.value).is_absolute())
                    entry.value = (dir_ / to_path(entry.value)).lexically_normal().string();
                check_dir(entry.value);
                for (std::size_t i = first; i < out.size(); ++i)
                    if (out[i].value == entry.value)
                        fail(entry.where, field + "." + name + " lists " + envguard::quote_value(entry.value) + " twice");
                out.push_back(entry);
            }
        }
    }

    fs::path shown_;
    fs::path dir_; // absolute: relative directories are taken from here
    std::string profile_;
    std::vector<std::tuple<std::string, std::string, long>> claimed_;
};

// The profile's own operations, in the documented order: unset, set, set-empty (each variable at most
// once among the three), then prepend-path (a list keeps its written order: [a, b] gives a:b:...),
// then append-path.
void add_own_operations(envguard::EnvOverlay& overlay, const FileProfile& profile) {
    for (const auto& e : profile.unset) overlay.unset(e.name);
    for (const auto& e : profile.set) overlay.set(e.name, e.value);
    for (const auto& e : profile.set_empty) overlay.set_empty(e.name);
    for (auto e = profile.prepend.rbegin(); e != profile.prepend.rend(); ++e) overlay.prepend_path(e->name, e->value);
    for (const auto& e : profile.append) overlay.append_path(e.name, e.value);
}

[[noreturn]] void fail_at(const FileLocation& origin, const toml::source_region& where, const std::string& profile,
                          const std::string& rule) {
    throw ProfileFileError("envguard: " + origin.file.string() + ":" + std::to_string(where.begin.line) + ":" +
                           std::to_string(where.begin.column) + ": profile " + envguard::quote_value(profile) + ": " + rule);
}

} // namespace

std::vector<fs::path> profile_files(const fs::path& start_dir, const std::string& config_file) {
    std::error_code ec;
    if (!config_file.empty()) {
        const fs::path file = fs::absolute(to_path(config_file)).lexically_normal();
        if (!fs::exists(file, ec))
            throw ProfileFileError("envguard: --config " + envguard::quote_value(config_file) + ": no such file");
        return {file};
    }
    std::vector<fs::path> files;
    for (fs::path dir = fs::absolute(start_dir).lexically_normal();; dir = dir.parent_path()) {
        const fs::path candidate = dir / "envguard.toml";
        if (fs::exists(candidate, ec)) files.push_back(candidate);
        if (dir == dir.parent_path()) break;
    }
    if (auto user = user_config_file(); user && fs::exists(*user, ec)) {
        const bool seen = std::any_of(files.begin(), files.end(), [&](const fs::path& found) {
            std::error_code ignored;
            return fs::equivalent(found, *user, ignored);
        });
        if (!seen) files.push_back(*user);
    }
    return files;
}

ProfileSet load_profiles(const std::vector<fs::path>& files) {
    ProfileSet result;
    result.files = files;
    std::vector<FileProfile> winners; // one per name, nearest file first
    std::vector<FileProfile> hidden;  // farther definitions of a name a nearer file also defines
    for (const fs::path& file : files) {
        const fs::path shown = shown_path(file);
        const toml::table table = parse_toml_file(shown);
        ProfileReader reader(shown, file.parent_path());
        for (auto& profile : reader.read_file(table)) {
            auto winner = std::find_if(winners.begin(), winners.end(),
                                       [&](const FileProfile& p) { return p.name == profile.name; });
            if (winner != winners.end()) {
                winner->overrides.push_back(profile.origin);
                hidden.push_back(std::move(profile));
            } else {
                winners.push_back(std::move(profile));
            }
        }
    }

    for (const auto& builtin : envguard::builtin_profiles()) result.profiles.push_back({builtin, std::nullopt, "", {}});
    auto known = [&] {
        std::string names = result.known_names();
        for (const auto& p : winners) names += ", " + p.name;
        return names;
    };
    auto index_of = [&](const std::string& name) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < winners.size(); ++i)
            if (winners[i].name == name) return i;
        return std::nullopt;
    };
    // Every extends names a built-in or a file profile (the one `envguard profiles` lists by that name).
    for (const auto* group : {&winners, &hidden})
        for (const auto& p : *group)
            if (!p.extends.empty() && envguard::find_builtin_profile(p.extends) == nullptr && !index_of(p.extends))
                fail_at(p.origin, p.extends_where, p.name,
                        "extends " + envguard::quote_value(p.extends) + ": no such profile (known: " + known() + ")");

    // Resolve in file order; a chain that comes back to a profile on it is a cycle.
    std::vector<std::optional<envguard::Profile>> resolved(winners.size());
    std::vector<std::size_t> chain;
    auto resolve = [&](std::size_t i, auto& self) -> const envguard::Profile& {
        if (resolved[i]) return *resolved[i];
        const FileProfile& p = winners[i];
        if (std::find(chain.begin(), chain.end(), i) != chain.end()) {
            const auto start = std::find(chain.begin(), chain.end(), i);
            std::string path;
            for (auto it = start; it != chain.end(); ++it) path += winners[*it].name + " -> ";
            const FileProfile& first = winners[*start];
            fail_at(first.origin, first.extends_where, first.name, "extends cycle: " + path + p.name);
        }
        chain.push_back(i);
        envguard::Profile profile{p.name, p.description, {}, false};
        if (!p.extends.empty()) {
            const envguard::Profile* base = envguard::find_builtin_profile(p.extends);
            if (base == nullptr) base = &self(*index_of(p.extends), self);
            for (const auto& op : base->overlay.operations()) add_operation(profile.overlay, op);
            profile.cargo_checks = base->cargo_checks;
        }
        add_own_operations(profile.overlay, p);
        chain.pop_back();
        resolved[i] = std::move(profile);
        return *resolved[i];
    };
    for (std::size_t i = 0; i < winners.size(); ++i) {
        chain.clear();
        resolve(i, resolve);
    }
    for (std::size_t i = 0; i < winners.size(); ++i)
        result.profiles.push_back({std::move(*resolved[i]), winners[i].origin, winners[i].extends, winners[i].overrides});
    return result;
}

envguard::Profile resolve_profile(const std::string& name, const std::string& config_file) {
    if (config_file.empty())
        if (const envguard::Profile* builtin = envguard::find_builtin_profile(name)) {
            // A built-in does not depend on the files (a broken one elsewhere does not stop it), but
            // a file that tries to redefine it is an error naming the file and line, never ignored.
            for (const auto& file : profile_files(fs::current_path(), config_file)) {
                toml::table table;
                try {
                    table = toml::parse_file(file.string());
                } catch (const toml::parse_error&) {
                    continue;
                }
                if (const toml::node* node = table["profile"][name].node())
                    throw ProfileFileError("envguard: " + shown_path(file).string() + ":" +
                                           std::to_string(node->source().begin.line) + ": profile " +
                                           envguard::quote_value(name) + ": a built-in profile cannot be redefined; give "
                                           "yours another name and write extends = " + envguard::quote_value(name) +
                                           " in it (then use --profile with that name)");
            }
            return *builtin;
        }
    const ProfileSet set = load_profiles(profile_files(fs::current_path(), config_file));
    if (const ListedProfile* listed = set.find(name)) return listed->profile;
    std::string files;
    for (const auto& file : set.files) files += (files.empty() ? "" : ", ") + shown_path(file).string();
    throw ProfileFileError("envguard: unknown profile " + envguard::quote_value(name) + " (known: " + set.known_names() +
                           "; profile files read: " + (files.empty() ? "none" : files) + ")");
}

std::string profiles_listing(const std::string& config_file) {
    const ProfileSet set = load_profiles(profile_files(fs::current_path(), config_file));
    std::string out;
    for (const auto& listed : set.profiles) {
        const envguard::Profile& p = listed.profile;
        out += p.name + " (" + (listed.origin ? listed.origin->to_string() : "built-in") + ")\n";
        if (!p.description.empty()) out += "  " + p.description + "\n";
        if (!listed.extends.empty()) out += "  extends " + listed.extends + "\n";
        for (const auto& hidden : listed.overrides) out += "  overrides " + hidden.to_string() + "\n";
        for (const auto& op : p.overlay.operations()) out += "    " + op.to_string() + "\n";
        if (p.overlay.empty()) out += "    (no changes)\n";
    }
    std::string files;
    for (const auto& file : set.files) files += (files.empty() ? "" : ", ") + shown_path(file).string();
    out += "profile files read: " + (files.empty() ? std::string("none") : files) + "\n";
    return out;
}

// Appends OP to OVERLAY through the overlay's own checks (a profile's operations after another's).
void add_operation(envguard::EnvOverlay& overlay, const envguard::EnvOverlay::Operation& op) {
    using Kind = envguard::EnvOverlay::Kind;
    switch (op.kind) {
    case Kind::set: overlay.set(op.name, op.value); break;
    case Kind::unset: overlay.unset(op.name); break;
    case Kind::prepend_path: overlay.prepend_path(op.name, op.value); break;
    case Kind::append_path: overlay.append_path(op.name, op.value); break;
    case Kind::clear: overlay.clear(); break;
    case Kind::keep: overlay.keep(op.name); break;
    }
}

} // namespace launcher
