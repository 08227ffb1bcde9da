// A launcher in one file: runs a command with the Rust coverage recipe applied to the CHILD's
// environment only (this process's environment is never written).
// Usage: minimal_launcher COMMAND [ARG]...
#include <envguard/envguard.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fputs("usage: minimal_launcher COMMAND [ARG]...\n", stderr);
        return 125;
    }
    const std::vector<std::string> command(argv + 1, argv + argc);
    try {
        const auto profile = envguard::CoverageProfile::llvm_cov(); // RUSTC_WRAPPER="", ...
        const auto child = profile.overlay().render(envguard::EnvSnapshot::capture());
        return envguard::run(command, child); // looked up on the child's PATH; its exit status
    } catch (const envguard::EnvError& error) { // names the program or variable, and the rule
        std::fprintf(stderr, "%s\n", error.what());
        return error.code() == envguard::errc::command_not_found ? 127 : 126;
    }
}
