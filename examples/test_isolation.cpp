// Isolating a test from environment changes in three lines: whatever the test body does to the
// environment, SnapshotGuard puts all of it back (writing only what differs) when it ends.
#include <envguard/envguard.hpp>

#include <cstdio>
#include <cstdlib>

static void test_body_that_changes_things() {
    envguard::set("RUSTC_WRAPPER", "");   // through envguard...
    ::setenv("SOME_TOOL_HOME", "/opt/x", 1); // ...or behind its back: both are undone
    ::unsetenv("HOME");
}

int main() {
    const envguard::EnvSnapshot before = envguard::EnvSnapshot::capture();
    {
        envguard::SnapshotGuard isolate; // 1. capture
        test_body_that_changes_things(); // 2. run the test
    }                                    // 3. restore
    const bool same = envguard::EnvSnapshot::capture() == before;
    std::printf(same ? "isolated: the environment after the test equals the one before\n"
                     : "NOT isolated: the environment changed\n");
    return same ? 0 : 1;
}
