// A consumer program compiled with warnings stricter than envguard's own (-Wshadow -Wconversion
// -Wsign-conversion -Wundef -Wold-style-cast ...): envguard's headers must not trip any of them.
#include <envguard/envguard.hpp>

#include <cstdio>

int main() {
    envguard::EnvOverlay overlay;
    overlay.set_empty("RUSTC_WRAPPER").set("CARGO_INCREMENTAL", "1").unset("CARGO_TARGET_DIR");
    const envguard::EnvSnapshot child = overlay.render(envguard::EnvSnapshot::capture());
    const envguard::EnvBlock block(child);
    {
        auto guard = overlay.apply();
        if (envguard::get("RUSTC_WRAPPER") != std::optional<std::string>("")) return 1;
    }
    std::printf("strict consumer: %zu variables for the child\n", block.count());
    return child.get("RUSTC_WRAPPER") == std::optional<std::string>("") ? 0 : 1;
}
