// envguard profiles [--config FILE]
#include "commands.hpp"

#include "../profile_file.hpp"

#include <fmt/core.h>

#include <memory>

namespace launcher {

void add_profiles(CLI::App& app, CommandTable& commands) {
    auto config_file = std::make_shared<std::string>();
    CLI::App* profiles = app.add_subcommand(
        "profiles", "List the profiles, built-in and from envguard.toml files, and what each does");
    profiles->add_option("--config", *config_file, "Read profiles from FILE only")
        ->type_name("FILE")
        ->check(not_an_option);
    profiles->footer("[profile.NAME] tables in envguard.toml here or in a parent directory, or in "
                     "$XDG_CONFIG_HOME/envguard/ (~/.config/envguard/), add profiles.\nExample:\n"
                     "  envguard profiles");
    commands.add(profiles, [config_file, &commands] {
        if (commands.line().had_dashes) usage_error("envguard: profiles: takes no arguments after --");
        fmt::print("{}", profiles_listing(*config_file));
        return 0;
    });
}

} // namespace launcher
