// The coverage recipe, two ways, with the parent's environment checked before and after.
//
//   coverage_child                 run this program again as the child, which reports what it sees
//   coverage_child COMMAND [ARG]   run COMMAND as the child instead (looked up on PATH)
//
// 1. render + EnvBlock + posix_spawn: the child gets RUSTC_WRAPPER="" (set to empty, NOT unset),
//    CARGO_INCREMENTAL=1 and no CARGO_TARGET_DIR; the parent's environment is never written.
// 2. ScopedEnv (EnvOverlay::apply): the same recipe applied to this process for a scope, then undone
//    exactly, also when the scope is left by an exception.
#include <envguard/envguard.hpp>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>

namespace {

const char* const recipe_variables[] = {"RUSTC_WRAPPER", "CARGO_INCREMENTAL", "CARGO_TARGET_DIR"};

std::string describe(const std::optional<std::string>& value) {
    if (!value) return "unset";
    if (value->empty()) return "\"\" (set to empty, not unset)";
    return "\"" + *value + "\"";
}

void print_recipe_variables(const char* who) {
    for (const char* name : recipe_variables)
        std::printf("  %-6s %-18s %s\n", who, name, describe(envguard::get(name)).c_str());
}

envguard::EnvOverlay coverage_overlay() {
    envguard::EnvOverlay overlay;
    overlay.set_empty("RUSTC_WRAPPER")      // overrides [build] rustc-wrapper = "sccache"
        .set("CARGO_INCREMENTAL", "1")      // safe only because the wrapper is off
        .unset("CARGO_TARGET_DIR");         // empty would be a cargo error: unset, not ""
    return overlay;
}

// Starts ARGV with the environment ENV and waits for it; returns its exit status.
int spawn_and_wait(const std::vector<std::string>& args, const envguard::EnvSnapshot& env) {
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    const envguard::EnvBlock block(env);
    pid_t pid = 0;
    // posix_spawnp looks the program up on the parent's PATH; envguard::run (process.hpp, next
    // release) will use the child's.
    const int error = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), block.envp());
    if (error != 0) {
        std::fprintf(stderr, "coverage_child: cannot run %s: %s\n", argv[0], std::strerror(error));
        return 127;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "--report") == 0) { // the child's side
        print_recipe_variables("child");
        return 0;
    }
    try {
        const envguard::EnvOverlay overlay = coverage_overlay();
        std::printf("The coverage overlay:\n%s", overlay.to_string().c_str());

        const envguard::EnvSnapshot parent_before = envguard::EnvSnapshot::capture();
        std::printf("\nParent before:\n");
        print_recipe_variables("parent");

        std::vector<std::string> command;
        if (argc > 1)
            command.assign(argv + 1, argv + argc);
        else
            command = {argv[0], "--report"};
        std::printf("\n1. Child started with render + EnvBlock (the parent is not written):\n");
        std::fflush(stdout);
        const int status = spawn_and_wait(command, overlay.render(parent_before));
        std::printf("  child exit status: %d\n", status);

        std::printf("\n2. The same recipe applied to this process by a ScopedEnv:\n");
        try {
            const envguard::ScopedEnv guard = overlay.apply();
            print_recipe_variables("inside");
            throw std::runtime_error("the build failed");
        } catch (const std::runtime_error& error) {
            std::printf("  (left the scope by an exception: %s)\n", error.what());
        }

        std::printf("\nParent after:\n");
        print_recipe_variables("parent");
        const bool unchanged = envguard::EnvSnapshot::capture() == parent_before;
        std::printf("\nParent environment unchanged: %s\n", unchanged ? "yes" : "NO");
        return unchanged ? status : 1;
    } catch (const envguard::EnvError& error) {
        std::fprintf(stderr, "%s\n", error.what());
        return 125;
    }
}
