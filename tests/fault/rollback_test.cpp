// Rollback under injected OS failures (through the platform seam): for every multi-variable
// operation and every n, make the nth write fail; afterwards the environment equals the original
// exactly and the error names the variable that failed.
#include "../support/fault_platform.hpp"
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using RawEnvironment = std::map<std::string, std::string>;

struct Start {
    test::RawVar a{"ENVGUARD_T_A", std::string("a0")};
    test::RawVar b{"ENVGUARD_T_B", std::string("")};
    test::RawVar c{"ENVGUARD_T_C", std::nullopt};
    test::RawVar d{"ENVGUARD_T_D", std::string("d0")};
};
const std::vector<std::string> start_names{"ENVGUARD_T_A", "ENVGUARD_T_B", "ENVGUARD_T_C",
                                           "ENVGUARD_T_D"};

// Puts the environment back to WANTED with plain libc calls (the tests' own undo).
void raw_restore(const RawEnvironment& wanted) {
    for (const auto& entry : test::raw_environment())
        if (wanted.count(entry.first) == 0) test::raw_unset(entry.first.c_str());
    for (const auto& entry : wanted) test::raw_set(entry.first.c_str(), entry.second.c_str());
}

// Runs OPERATION with the nth OS write failing, for n = 1, 2, ... until a run succeeds. Each failed
// run must leave the environment exactly as it was and name one of NAMES. OPERATION may leave a
// guard in its argument: it is destroyed after the faults are gone. Returns the number of writes of
// the successful run.
template <class Operation>
int for_every_failing_write(Operation operation, const std::vector<std::string>& names) {
    for (int n = 1; n < 100; ++n) {
        CAPTURE(n);
        const auto before = test::raw_environment();
        std::optional<envguard::ScopedEnv> guard;
        bool failed = false;
        int writes = 0;
        {
            test::FaultPlatform faults(n);
            try {
                operation(guard);
            } catch (const envguard::EnvError& error) {
                failed = true;
                CHECK(error.code() == envguard::errc::os_error);
                CHECK(std::find(names.begin(), names.end(), error.name()) != names.end());
                CHECK(std::string(error.what()).find(error.name()) != std::string::npos);
            }
            if (!failed) writes = faults.writes();
        }
        if (!failed) {
            guard.reset(); // restore without faults
            std::printf("RELIABILITY: fault.write_failure cases=%d\n", n); // for RELIABILITY.md
            return writes;
        }
        CHECK(test::raw_environment() == before);
    }
    FAIL("the operation never succeeded");
    return -1;
}

} // namespace

TEST_CASE("rollback: ScopedEnv's list constructor undoes applied changes when any write fails") {
    Start start;
    const auto original = test::raw_environment();
    const int writes = for_every_failing_write(
        [](std::optional<envguard::ScopedEnv>& guard) {
            guard.emplace(std::initializer_list<envguard::EnvChange>{{"ENVGUARD_T_A", ""},
                                                                     {"ENVGUARD_T_B", "1"},
                                                                     {"ENVGUARD_T_C", "c"},
                                                                     {"ENVGUARD_T_D", std::nullopt}});
        },
        start_names);
    CHECK(writes == 4);
    CHECK(test::raw_environment() == original);
}

TEST_CASE("rollback: the third of three changes fails, the first two are undone, the error names it") {
    Start start;
    const auto original = test::raw_environment();
    test::FaultPlatform faults(3);
    try {
        envguard::ScopedEnv env{{"ENVGUARD_T_A", "1"}, {"ENVGUARD_T_B", "2"}, {"ENVGUARD_T_C", "3"}};
        FAIL("no exception");
    } catch (const envguard::EnvError& error) {
        CHECK(error.name() == "ENVGUARD_T_C");
    }
    CHECK(test::raw_environment() == original);
}

TEST_CASE("rollback: a set-to-empty that the platform deletes rolls back the whole list") {
    Start start;
    const auto original = test::raw_environment();
    test::FaultPlatform faults;
    faults.empty_deletes();
    try {
        envguard::ScopedEnv env{{"ENVGUARD_T_A", "1"}, {"ENVGUARD_T_D", ""}};
        FAIL("no exception");
    } catch (const envguard::EnvError& error) {
        CHECK(error.code() == envguard::errc::empty_became_unset);
        CHECK(error.name() == "ENVGUARD_T_D");
    }
    CHECK(test::raw_environment() == original);
}

TEST_CASE("rollback: EnvOverlay::apply is all or nothing") {
    Start start;
    test::RawVar path("ENVGUARD_T_PATH", std::string("/bin"));
    const auto original = test::raw_environment();
    envguard::EnvOverlay overlay;
    overlay.set_empty("ENVGUARD_T_A")
        .unset("ENVGUARD_T_B")
        .set("ENVGUARD_T_C", "")
        .set("ENVGUARD_T_D", "d1")
        .prepend_path("ENVGUARD_T_PATH", "/x");
    auto names = start_names;
    names.push_back("ENVGUARD_T_PATH");
    const int writes = for_every_failing_write(
        [&](std::optional<envguard::ScopedEnv>& guard) { guard.emplace(overlay.apply()); }, names);
    CHECK(writes == 5);
    CHECK(test::raw_environment() == original);
}

TEST_CASE("rollback: EnvSnapshot::restore is all or nothing") {
    Start start;
    const auto original = test::raw_environment();
    const auto snapshot = envguard::EnvSnapshot::capture();
    test::raw_set("ENVGUARD_T_A", "changed");
    test::raw_unset("ENVGUARD_T_B");
    test::raw_set("ENVGUARD_T_C", "");
    test::raw_set("ENVGUARD_T_NEW", "new");
    auto names = start_names;
    names.push_back("ENVGUARD_T_NEW");
    const int writes = for_every_failing_write(
        [&](std::optional<envguard::ScopedEnv>&) { snapshot.restore(); }, names);
    CHECK(writes == 4);
    CHECK(test::raw_environment() == original);
}

TEST_CASE("rollback: SnapshotGuard's destructor reports a failed restore and rolls back cleanly") {
    Start start;
    static std::vector<std::string> reported;
    reported.clear();
    auto previous = envguard::set_restore_failure_handler(
        [](const envguard::EnvError& error) noexcept { reported.push_back(error.name()); });
    const auto original = test::raw_environment();
    RawEnvironment left;
    {
        test::FaultPlatform faults;
        envguard::SnapshotGuard guard;
        test::raw_set("ENVGUARD_T_A", "changed");
        test::raw_set("ENVGUARD_T_C", "");
        left = test::raw_environment();
        faults.fail_from_now(2); // the second of the two restoring writes fails
    }
    envguard::set_restore_failure_handler(previous);
    CHECK(reported.size() == 1);
    // all or nothing: the environment is as the scope left it, not half-restored
    CHECK(test::raw_environment() == left);
    raw_restore(original);
}

TEST_CASE("rollback: on the destructor path, for every n, one name is reported and the rest restored") {
    Start start;
    const auto original = test::raw_environment();
    static std::vector<std::string> reported;
    auto previous = envguard::set_restore_failure_handler(
        [](const envguard::EnvError& error) noexcept { reported.push_back(error.name()); });
    for (int n = 1; n <= 4; ++n) {
        CAPTURE(n);
        reported.clear();
        {
            test::FaultPlatform faults;
            envguard::ScopedEnv env{{"ENVGUARD_T_A", "1"},
                                    {"ENVGUARD_T_B", "2"},
                                    {"ENVGUARD_T_C", "3"},
                                    {"ENVGUARD_T_D", ""}};
            faults.fail_from_now(n); // the nth restoring write fails
        }
        REQUIRE(reported.size() == 1);
        // every other name is back; the reported one still has the guard's value
        for (const auto& name : start_names) {
            const auto now = test::raw_environment();
            if (name == reported[0])
                CHECK(now != original);
            else
                CHECK(test::raw_get(name.c_str()) ==
                      (original.count(name) ? std::optional<std::string>(original.at(name))
                                            : std::nullopt));
        }
        raw_restore(original);
    }
    envguard::set_restore_failure_handler(previous);
}
