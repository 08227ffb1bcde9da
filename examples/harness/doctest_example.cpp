// doctest with envguard: every test case isolated by a three-line fixture, and a listener
// (doctest_leak_check.hpp) that fails the run when any test case leaks an environment change.
// One case leaks on purpose and is skipped unless the program runs with --no-skip: then the run must
// fail, naming the case, the variables and both of their values.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "doctest_leak_check.hpp"

#include <envguard/envguard.hpp>

#include <stdexcept>

// Isolate every test in three lines:
struct EnvIsolated {                 // a doctest fixture: TEST_CASE_FIXTURE(EnvIsolated, "...")
    envguard::SnapshotGuard isolate; // captures the whole environment before the test case
};                                   // and restores it after, however the case ends

TEST_CASE_FIXTURE(EnvIsolated, "an isolated test changes what it likes") {
    envguard::set("RUSTC_WRAPPER", "");
    envguard::set("ENVGUARD_EXAMPLE_TOOL_HOME", "/opt/tool");
    envguard::unset("CARGO_TARGET_DIR");
    CHECK(envguard::get("RUSTC_WRAPPER") == "");
    CHECK(envguard::get("ENVGUARD_EXAMPLE_TOOL_HOME") == "/opt/tool");
}

TEST_CASE_FIXTURE(EnvIsolated, "an isolated test that fails half-way is restored too" *
                                   doctest::should_fail()) {
    envguard::set("ENVGUARD_EXAMPLE_HALF_WAY", "1");
    REQUIRE(false); // throws out of the test case: the fixture's SnapshotGuard still restores
}

TEST_CASE("leaks on purpose" * doctest::skip()) { // no fixture: both changes outlive the case
    envguard::set("ENVGUARD_EXAMPLE_LEAKED", "1");
    envguard::set("ENVGUARD_EXAMPLE_EMPTIED", ""); // CTest starts the program with it set to "x"
}

TEST_CASE("nothing was left behind by the cases before") { // (doctest runs cases in file order)
    CHECK_FALSE(envguard::get("ENVGUARD_EXAMPLE_TOOL_HOME"));
    CHECK_FALSE(envguard::get("ENVGUARD_EXAMPLE_HALF_WAY"));
    CHECK_FALSE(envguard::get("ENVGUARD_EXAMPLE_LEAKED")); // the listener put it back
}

int main(int argc, char** argv) {
    const int status = doctest::Context(argc, argv).run();
    return envguard_harness::doctest_leak_found() ? 1 : status;
}
