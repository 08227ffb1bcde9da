// envguard — the command-line launcher.
//
//   envguard run [-i] [-u NAME]... [--profile P] [--config FILE] [--prepend-path NAME=DIR]... [--append-path NAME=DIR]...
//                [--dry-run] [--no-preflight] [NAME=VALUE]... [--] [COMMAND [ARG]...]
//   envguard coverage [--mode M] [-p PKG,...] [--exclude PKG,...] [--clean] [--output-path FILE]
//                     [--dry-run] [--no-preflight] [-- EXTRA cargo llvm-cov ARGS]
//   envguard check [--profile P] [--config FILE] [--format text|json] [--for build|coverage]
//                  [--manifest-path PATH] [--no-rustc-wrapper]
//   envguard profiles [--config FILE]
//
// Each subcommand lives in launcher/commands/<name>.cpp; what they share is in launcher/cli_support.hpp
// and launcher/cargo_context.hpp. The child's environment is computed with render() and handed to the
// child (execve, or spawn-and-wait for several commands); the launcher never changes its own environment.
#include "commands/commands.hpp"

#include <envguard/envguard.hpp>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

int main(int argc, char** argv) {
    using namespace launcher;
    CLI::App app{"Run commands with an exact environment: set, set to empty (not unset), unset.", "envguard"};
    app.require_subcommand(1);
    app.set_version_flag("--version", fmt::format("envguard {}.{}.{}", ENVGUARD_VERSION_MAJOR,
                                                  ENVGUARD_VERSION_MINOR, ENVGUARD_VERSION_PATCH));
    CommandTable commands(split_at_dashes(program_arguments(argc, argv)));
    add_run(app, commands);
    add_coverage(app, commands);
    add_check(app, commands);
    add_profiles(app, commands);
    return dispatch(app, commands);
}
