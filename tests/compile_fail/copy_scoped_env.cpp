// Copying a ScopedEnv must not compile: two guards would restore the same changes twice.
#include <envguard/envguard.hpp>

int main() {
    envguard::ScopedEnv guard;
#if ENVGUARD_COMPILE_FAIL
    envguard::ScopedEnv copy(guard);
#endif
    return guard.active() ? 1 : 0;
}
