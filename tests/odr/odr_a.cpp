// ODR check, first translation unit: the whole library, included twice.
#include <envguard/envguard.hpp>
#include <envguard/envguard.hpp>

#include <string>

#if defined(ENVGUARD_SEPARATE_COMPILATION)
// Separate compilation: this file sees declarations only; the bodies are compiled once elsewhere.
static_assert(ENVGUARD_BODIES == 0, "a separately compiled program's files get declarations only");
#endif

std::string odr_render_a() {
    envguard::EnvOverlay overlay;
    overlay.set_empty("RUSTC_WRAPPER");
    return overlay.to_string();
}
