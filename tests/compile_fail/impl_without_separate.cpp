// <envguard/impl.hpp> in a header-only program (no ENVGUARD_SEPARATE_COMPILATION) would define every
// body a second time: it must stop with one clear line. The control builds the program right.
#if ENVGUARD_COMPILE_FAIL
#include <envguard/impl.hpp>
#endif
#include <envguard/envguard.hpp>

int main() {
    std::error_code ec;
    (void)envguard::get("PATH", ec);
    return ec ? 1 : 0;
}
