// GoogleTest with envguard:
//
//   EnvLeakListener   a TestEventListener that fails any test leaking an environment change, with one
//                     failure per variable: `ENVIRONMENT LEAK in Suite.Test: NAME was unset, is now "1"`
//                     (and puts the environment back, so the next test starts clean). Install it in
//                     main, after InitGoogleTest: envguard_harness::install_env_leak_listener();
//   EnvIsolatedTest   a fixture holding a SnapshotGuard: whatever a TEST_F(EnvIsolatedTest, ...) does
//                     to the environment is undone when it ends (derive your fixtures from it).
//
// A failure added in OnTestEnd belongs to the test that just ended: GoogleTest calls the listeners'
// OnTestEnd before it stops attributing results to that test, and in reverse order of installation, so
// the default printer (installed first) already reports the test as FAILED.
#pragma once

#include "leak_report.hpp"

#include <envguard/envguard.hpp>
#include <gtest/gtest.h>

namespace envguard_harness {

class EnvLeakListener : public ::testing::EmptyTestEventListener {
public:
    void OnTestStart(const ::testing::TestInfo&) override { before_ = envguard::EnvSnapshot::capture(); }

    void OnTestEnd(const ::testing::TestInfo& test) override {
        const auto changes = environment_changes(before_, envguard::EnvSnapshot::capture());
        for (const auto& change : changes)
            ADD_FAILURE() << "ENVIRONMENT LEAK in " << test.test_suite_name() << '.' << test.name() << ": "
                          << change;
        if (!changes.empty()) before_.restore();
    }

private:
    envguard::EnvSnapshot before_;
};

// GoogleTest owns (and deletes) the listener.
inline void install_env_leak_listener() {
    ::testing::UnitTest::GetInstance()->listeners().Append(new EnvLeakListener);
}

class EnvIsolatedTest : public ::testing::Test {
protected:
    envguard::SnapshotGuard isolate_;
};

} // namespace envguard_harness
