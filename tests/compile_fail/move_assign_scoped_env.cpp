// Move-assigning a ScopedEnv must not compile: the target's own changes would have to be restored
// inside operator=, which could fail where callers expect it not to.
#include <envguard/envguard.hpp>

#include <utility>

int main() {
    envguard::ScopedEnv a;
    envguard::ScopedEnv b(std::move(a)); // move construction is allowed
#if ENVGUARD_COMPILE_FAIL
    a = std::move(b);
#endif
    return a.active() || b.active() ? 1 : 0;
}
