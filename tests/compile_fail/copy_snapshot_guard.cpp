// Copying a SnapshotGuard must not compile: both copies would restore the environment.
#include <envguard/envguard.hpp>

int main() {
    envguard::SnapshotGuard guard;
#if ENVGUARD_COMPILE_FAIL
    envguard::SnapshotGuard copy = guard;
#endif
    guard.release();
    return guard.active() ? 1 : 0;
}
