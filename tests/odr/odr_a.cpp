// ODR check, first translation unit: the whole library, included twice.
#include <envguard/envguard.hpp>
#include <envguard/envguard.hpp>

#include <string>

std::string odr_render_a() {
    envguard::EnvOverlay overlay;
    overlay.set_empty("RUSTC_WRAPPER");
    return overlay.to_string();
}
