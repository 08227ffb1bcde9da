// GoogleTest with envguard (gtest_env.hpp): a fixture that isolates each test and a listener that fails
// any test that leaks. One test leaks on purpose and is disabled unless the program runs with
// --gtest_also_run_disabled_tests: then the run must fail, naming the test, the variables and both values.
#include "gtest_env.hpp"

#include <envguard/envguard.hpp>
#include <gtest/gtest.h>

using envguard_harness::EnvIsolatedTest;

TEST_F(EnvIsolatedTest, ChangesWhatItLikes) {
    envguard::set("RUSTC_WRAPPER", "");
    envguard::set("ENVGUARD_EXAMPLE_TOOL_HOME", "/opt/tool");
    envguard::unset("CARGO_TARGET_DIR");
    EXPECT_EQ(envguard::get("RUSTC_WRAPPER"), "");
    EXPECT_EQ(envguard::get("ENVGUARD_EXAMPLE_TOOL_HOME"), "/opt/tool");
}

TEST(Leaky, DISABLED_LeaksOnPurpose) { // no fixture: both changes outlive the test
    envguard::set("ENVGUARD_EXAMPLE_LEAKED", "1");
    envguard::set("ENVGUARD_EXAMPLE_EMPTIED", ""); // CTest starts the program with it set to "x"
}

// GoogleTest runs the suites in the order they are defined here (no --gtest_shuffle).
TEST(AfterTheOthers, NothingWasLeftBehind) {
    EXPECT_FALSE(envguard::get("ENVGUARD_EXAMPLE_TOOL_HOME")); // the fixture restored it
    EXPECT_FALSE(envguard::get("ENVGUARD_EXAMPLE_LEAKED"));    // the listener put it back
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    envguard_harness::install_env_leak_listener();
    return RUN_ALL_TESTS();
}
