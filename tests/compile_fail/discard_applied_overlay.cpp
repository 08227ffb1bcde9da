// Discarding the guard that EnvOverlay::apply returns must not compile (under -Werror): the guard
// would be destroyed at once and the overlay undone before the next line.
#include <envguard/envguard.hpp>

int main() {
    envguard::EnvOverlay overlay;
    overlay.set("ENVGUARD_T_DISCARD", "1");
#if ENVGUARD_COMPILE_FAIL
    overlay.apply();
#else
    auto guard = overlay.apply();
#endif
    return 0;
}
