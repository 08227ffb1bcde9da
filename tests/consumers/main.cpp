// main.cpp: the program every consumer test builds (tests/consumers/*/), whatever the build system.
#include <envguard/envguard.hpp>

#include <cstdio>

int main() {
    const auto before = envguard::get("RUSTC_WRAPPER");
    {
        envguard::ScopedEnv env{{"RUSTC_WRAPPER", ""}};  // set to the empty string, not unset
        if (envguard::get("RUSTC_WRAPPER") != std::optional<std::string>("")) return 1;
    }
    if (envguard::get("RUSTC_WRAPPER") != before) return 2;  // restored exactly
    std::printf("envguard %d.%d.%d works\n", ENVGUARD_VERSION_MAJOR, ENVGUARD_VERSION_MINOR,
                ENVGUARD_VERSION_PATCH);
    return 0;
}
