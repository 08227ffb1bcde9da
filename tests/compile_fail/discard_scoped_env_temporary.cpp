// A ScopedEnv temporary that is discarded at once must not compile (under -Werror, on compilers
// that honour [[nodiscard]] on a class's constructors: Clang): its changes would be undone before
// the next line, which is never what was meant.
#include <envguard/envguard.hpp>

int main() {
#if ENVGUARD_COMPILE_FAIL
    envguard::ScopedEnv{{"ENVGUARD_T_DISCARD", "1"}};
#else
    envguard::ScopedEnv guard{{"ENVGUARD_T_DISCARD", "1"}};
#endif
    return 0;
}
