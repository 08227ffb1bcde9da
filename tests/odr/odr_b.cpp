// ODR check, second translation unit: every inline function defined here too; linking both proves
// nothing in the headers has external linkage without `inline`.
#include <envguard/envguard.hpp>

#include <cstdio>
#include <string>

#if defined(ENVGUARD_SEPARATE_COMPILATION)
// Separate compilation: this file sees declarations only; the bodies are compiled once elsewhere.
static_assert(ENVGUARD_BODIES == 0, "a separately compiled program's files get declarations only");
#endif

std::string odr_render_a();

int main() {
    envguard::EnvOverlay overlay;
    overlay.set_empty("RUSTC_WRAPPER");
    const bool same = overlay.to_string() == odr_render_a();
    // Both translation units must share one lock and one seam (function-local statics in inline
    // functions are one object per program).
    std::printf("%s", same ? "odr: ok\n" : "odr: the two translation units disagree\n");
    return same ? 0 : 1;
}
