// snapshot.hpp: EnvSnapshot and SnapshotGuard
#include "../support/fault_platform.hpp"
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

using test::raw_get;
using test::RawVar;

namespace {
std::optional<std::string> value(const char* v) { return std::optional<std::string>(v); }
} // namespace

static_assert(std::is_nothrow_destructible<envguard::SnapshotGuard>::value, "");
static_assert(!std::is_copy_constructible<envguard::SnapshotGuard>::value, "");
static_assert(!std::is_move_assignable<envguard::SnapshotGuard>::value, "");

TEST_CASE("EnvSnapshot: capture sees exactly the process environment, empty values included") {
    RawVar empty("ENVGUARD_T_EMPTY", "");
    RawVar unset("ENVGUARD_T_UNSET", std::nullopt);
    const auto snapshot = envguard::EnvSnapshot::capture();
    const auto raw = test::raw_environment();
    CHECK(snapshot.size() == raw.size());
    for (const auto& entry : raw) CHECK(snapshot.get(entry.first) == value(entry.second.c_str()));
    CHECK(snapshot.contains("ENVGUARD_T_EMPTY"));
    CHECK(snapshot.get("ENVGUARD_T_EMPTY") == value(""));
    CHECK_FALSE(snapshot.contains("ENVGUARD_T_UNSET"));
    CHECK(snapshot.get("ENVGUARD_T_UNSET") == std::nullopt);
    CHECK(snapshot.find("ENVGUARD_T_UNSET") == nullptr);
}

TEST_CASE("EnvSnapshot: iterates in name order") {
    const envguard::EnvSnapshot snapshot{{"B", "2"}, {"A", "1"}, {"C", ""}, {"A", "last"}};
    std::vector<std::string> names;
    for (const auto& entry : snapshot) names.push_back(entry.first);
    CHECK(names == std::vector<std::string>{"A", "B", "C"});
    CHECK(snapshot.get("A") == value("last"));
    CHECK(std::is_sorted(names.begin(), names.end()));
}

TEST_CASE("EnvSnapshot: set and unset change the copy, never the process") {
    RawVar x("ENVGUARD_T_X", "x0");
    const auto before = test::raw_environment();
    auto snapshot = envguard::EnvSnapshot::capture();
    snapshot.set("ENVGUARD_T_X", "").set("ENVGUARD_T_NEW", "n").unset("HOME").unset("ENVGUARD_T_NONE");
    CHECK(snapshot.get("ENVGUARD_T_X") == value(""));
    CHECK(snapshot.get("ENVGUARD_T_NEW") == value("n"));
    CHECK_FALSE(snapshot.contains("HOME"));
    CHECK(test::raw_environment() == before);
    CHECK_THROWS_WITH_AS(snapshot.set("A=B", "1"),
                         "envguard: cannot set \"A=B\": a variable name must not contain '='",
                         envguard::EnvError);
    CHECK_THROWS_AS(snapshot.unset(""), envguard::EnvError);
    snapshot.assign("ENVGUARD_T_NEW", std::nullopt);
    CHECK_FALSE(snapshot.contains("ENVGUARD_T_NEW"));
}

TEST_CASE("EnvSnapshot: diff gives the overlay that turns one environment into the other") {
    const envguard::EnvSnapshot from{{"KEEP", "same"}, {"CHANGE", "old"}, {"DROP", "x"}, {"EMPTY", "e"}};
    const envguard::EnvSnapshot to{{"KEEP", "same"}, {"CHANGE", "new"}, {"ADD", "a"}, {"EMPTY", ""}};
    const envguard::EnvOverlay overlay = from.diff(to);
    CHECK(overlay.to_string() ==
          "ADD=\"a\"\n"
          "CHANGE=\"new\"\n"
          "DROP unset\n"
          "EMPTY=\"\" (set to empty, not unset)\n");
    CHECK(overlay.render(from) == to);
    CHECK(from.diff(from).empty());
}

TEST_CASE("EnvSnapshot: restore brings back every variable, in all three states") {
    RawVar a("ENVGUARD_T_A", "a0");
    RawVar b("ENVGUARD_T_B", "");
    RawVar c("ENVGUARD_T_C", std::nullopt);
    const auto before = test::raw_environment();
    const auto snapshot = envguard::EnvSnapshot::capture();
    test::raw_set("ENVGUARD_T_A", "changed");
    test::raw_unset("ENVGUARD_T_B");
    test::raw_set("ENVGUARD_T_C", "");
    snapshot.restore();
    CHECK(test::raw_environment() == before);
    CHECK(raw_get("ENVGUARD_T_B") == value(""));
    CHECK(raw_get("ENVGUARD_T_C") == std::nullopt);
}

TEST_CASE("EnvSnapshot: restore writes only the variables that differ") {
    RawVar a("ENVGUARD_T_A", "a0");
    RawVar b("ENVGUARD_T_B", std::nullopt);
    const auto snapshot = envguard::EnvSnapshot::capture();
    test::raw_set("ENVGUARD_T_A", "changed");
    test::raw_set("ENVGUARD_T_B", "new");
    test::FaultPlatform counter;
    snapshot.restore();
    CHECK(counter.writes() == 2);
    std::vector<std::string> names = counter.written_names();
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"ENVGUARD_T_A", "ENVGUARD_T_B"});
    snapshot.restore(); // nothing differs now: nothing is written
    CHECK(counter.writes() == 2);
}

TEST_CASE("EnvSnapshot: restore of an empty snapshot empties the environment, and back") {
    const auto saved = envguard::EnvSnapshot::capture();
    envguard::EnvSnapshot().restore();
    const bool emptied = test::raw_environment().empty();
    saved.restore();
    CHECK(emptied);
    CHECK(envguard::EnvSnapshot::capture() == saved);
}

TEST_CASE("SnapshotGuard: whatever the scope does to the environment is undone") {
    RawVar a("ENVGUARD_T_A", "a0");
    RawVar b("ENVGUARD_T_B", "");
    const auto before = test::raw_environment();
    {
        envguard::SnapshotGuard guard;
        CHECK(guard.active());
        CHECK(guard.snapshot().get("ENVGUARD_T_B") == value(""));
        test::raw_set("ENVGUARD_T_A", "x");
        test::raw_unset("ENVGUARD_T_B");
        test::raw_set("ENVGUARD_T_NEW_1", "y");
        envguard::set("ENVGUARD_T_NEW_2", "");
    }
    CHECK(test::raw_environment() == before);
}

TEST_CASE("SnapshotGuard: restore() now keeps the guard active; release() keeps the changes") {
    RawVar a("ENVGUARD_T_A", "a0");
    {
        envguard::SnapshotGuard guard;
        test::raw_set("ENVGUARD_T_A", "x");
        guard.restore();
        CHECK(raw_get("ENVGUARD_T_A") == value("a0"));
        test::raw_set("ENVGUARD_T_A", "y");
    }
    CHECK(raw_get("ENVGUARD_T_A") == value("a0"));
    {
        envguard::SnapshotGuard guard;
        test::raw_set("ENVGUARD_T_A", "kept");
        guard.release();
        CHECK_FALSE(guard.active());
    }
    CHECK(raw_get("ENVGUARD_T_A") == value("kept"));
}

TEST_CASE("SnapshotGuard: a moved-from guard restores nothing") {
    RawVar a("ENVGUARD_T_A", "a0");
    std::optional<envguard::SnapshotGuard> outer;
    {
        envguard::SnapshotGuard inner;
        outer.emplace(std::move(inner));
        CHECK_FALSE(inner.active());
        test::raw_set("ENVGUARD_T_A", "changed");
    }
    CHECK(raw_get("ENVGUARD_T_A") == value("changed"));
    outer.reset();
    CHECK(raw_get("ENVGUARD_T_A") == value("a0"));
}
