// Profiles from envguard.toml files: [profile.NAME] tables of set, set-empty, unset, prepend-path,
// append-path and extends, found from the current directory upwards and in the user's config
// directory (or one file given with --config), validated with the library's own rules, and resolved
// (extends) into envguard::Profile values that `envguard run/check --profile` and `envguard profiles`
// use. Every error names the file, line and column and the rule; docs/command.md's "Profiles in a file"
// documents the format and the lookup.
#pragma once

#include "file_location.hpp"

#include <envguard/envguard.hpp>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace launcher {

// A profile file that breaks a rule: "envguard: FILE:LINE:COLUMN: profile "x": RULE".
class ProfileFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Where a file profile is defined: its [profile.NAME] header (or key), line and column from 1.
struct ListedProfile {
    envguard::Profile profile;              // resolved: the extends chain's operations, then its own
    std::optional<FileLocation> origin;    // nullopt: built in
    std::string extends;                    // "" when it extends nothing
    std::vector<FileLocation> overrides;   // farther definitions of the same name it hides
};

struct ProfileSet {
    std::vector<std::filesystem::path> files; // the files read, highest precedence first
    std::vector<ListedProfile> profiles;      // built-ins, then file profiles (nearest file first)
    const ListedProfile* find(std::string_view name) const;
    std::string known_names() const; // "coverage, coverage-cached, sccache, mine"
};

// The envguard.toml files to read, highest precedence first. With CONFIG_FILE ("" = none): that file
// alone (ProfileFileError when it does not exist). Otherwise envguard.toml in START_DIR and in each of
// its parents up to the root, then the user's file: $XDG_CONFIG_HOME/envguard/envguard.toml (an
// absolute XDG_CONFIG_HOME only), else %APPDATA%\envguard\envguard.toml on Windows and
// $HOME/.config/envguard/envguard.toml elsewhere; a file already found upwards is not read twice.
std::vector<std::filesystem::path> profile_files(const std::filesystem::path& start_dir,
                                                 const std::string& config_file);

// Reads and validates every profile in FILES (highest precedence first) and resolves extends.
// A nearer file's profile replaces a farther one of the same name whole (no merging of keys).
// Throws ProfileFileError or ManifestError (TOML syntax, unreadable file) on the first problem.
ProfileSet load_profiles(const std::vector<std::filesystem::path>& files);

// Appends OP to OVERLAY (validated again by the overlay's own add functions).
void add_operation(envguard::EnvOverlay& overlay, const envguard::EnvOverlay::Operation& op);

// The profile --profile NAME means. A built-in name is answered without validating the files (a
// broken file does not stop it) unless CONFIG_FILE is given, but a file that tries to redefine it is
// a ProfileFileError naming its file and line. Otherwise the files are read and validated; an unknown
// NAME is a ProfileFileError listing the known names.
envguard::Profile resolve_profile(const std::string& name, const std::string& config_file);

// What `envguard profiles` prints: each profile, its origin ("built-in" or FILE:LINE), description,
// extends, the definitions it overrides, and its resolved operations.
std::string profiles_listing(const std::string& config_file);

} // namespace launcher
