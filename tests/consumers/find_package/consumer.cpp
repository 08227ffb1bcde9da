// Built against an installed envguard (find_package or pkg-config) and run.
#include <envguard/envguard.hpp>

#include <cstdio>

int main() {
    envguard::ScopedEnv env{{"RUSTC_WRAPPER", ""}};
    const bool empty_not_unset = envguard::get("RUSTC_WRAPPER") == std::optional<std::string>("");
    std::printf("consumer: envguard %d.%d.%d, RUSTC_WRAPPER set to empty: %s\n",
                ENVGUARD_VERSION_MAJOR, ENVGUARD_VERSION_MINOR, ENVGUARD_VERSION_PATCH,
                empty_not_unset ? "yes" : "no");
    return empty_not_unset ? 0 : 1;
}
