// snapshot.hpp: EnvSnapshot and SnapshotGuard
#include "../support/fault_platform.hpp"
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
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

// capture() sorts the entries the OS lists with its own stable merge sort (issue #19: not
// std::stable_sort); the list function of the seam is replaced so that the order, the shared name
// prefixes and the names listed twice are chosen here, and the result is checked against
// std::stable_sort of the same entries.
namespace {
std::vector<std::pair<std::string, std::string>>* listed_entries = nullptr;
void list_chosen_entries(void* context, envguard::detail::visit_entry_fn visit) {
    for (const auto& entry : *listed_entries) visit(context, entry.first, entry.second);
}
} // namespace

TEST_CASE("EnvSnapshot: capture sorts any listing by name and keeps the first entry of a name listed twice") {
    // Sizes around the insertion runs (8) and the merge widths; names that share their first 8 bytes
    // (one integer key for all of them) and names that differ there; a name listed up to 3 times.
    for (const std::size_t count : {0u, 1u, 7u, 8u, 9u, 16u, 17u, 100u, 1000u}) {
        CAPTURE(count);
        std::vector<std::pair<std::string, std::string>> entries;
        unsigned state = 12345u + static_cast<unsigned>(count);
        for (std::size_t i = 0; i < count; ++i) {
            state = state * 1103515245u + 12345u;
            const unsigned n = (state >> 16) % (count / 3 + 1);
            const std::string name = (n % 2 ? "ENVGUARD_SORT_" : "E") + std::to_string(n);
            entries.emplace_back(name, "value" + std::to_string(i));
        }
        auto expected = entries;
        std::stable_sort(expected.begin(), expected.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        expected.erase(std::unique(expected.begin(), expected.end(),
                                   [](const auto& a, const auto& b) { return a.first == b.first; }),
                       expected.end());

        listed_entries = &entries;
        const auto native = envguard::detail::platform();
        envguard::detail::platform().list = &list_chosen_entries;
        const auto snapshot = envguard::EnvSnapshot::capture();
        envguard::detail::platform() = native;

        const std::vector<std::pair<std::string, std::string>> got(snapshot.begin(), snapshot.end());
        CHECK(got == expected);
    }
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

// restore() compares the environment with the snapshot entry by entry in the OS's order (and, off
// that order, by name); these cases move entries around in every way the OS can, and check that the
// result is the captured environment again and that exactly the differing names were written. Each
// runs twice: through the native backend (POSIX: environ read directly) and through a list function
// of the seam that is not the native one (the general matcher).
namespace {
envguard::detail::visit_entry_fn forwarded_visit = nullptr;
void* forwarded_context = nullptr;
void forward_entry(void* context, std::string_view name, std::string_view value) {
    static_cast<void>(context);
    forwarded_visit(forwarded_context, name, value);
}
envguard::detail::platform_ops native_ops = envguard::detail::native_platform_ops();
void list_through_wrapper(void* context, envguard::detail::visit_entry_fn visit) {
    forwarded_visit = visit;
    forwarded_context = context;
    native_ops.list(nullptr, &forward_entry);
}

struct RestoreCase {
    const char* what;
    int expected_writes;
    void (*mutate)();
};

std::string restore_name(int i) { return "ENVGUARD_T_R" + std::to_string(i); }
} // namespace

TEST_CASE("EnvSnapshot: restore finds every kind of difference wherever it sits, writing only those") {
    std::vector<std::string> names; // outlives the RawVars, which keep pointers to the names
    for (int i = 0; i < 100; ++i) names.push_back(restore_name(i));
    std::vector<std::optional<RawVar>> vars(100);
    for (int i = 0; i < 100; ++i) vars[static_cast<std::size_t>(i)].emplace(names[static_cast<std::size_t>(i)].c_str(), i < 10 ? std::optional<std::string>("v" + std::to_string(i)) : std::nullopt);
    const RestoreCase cases[] = {
        {"nothing changed", 0, [] {}},
        {"a value changed in place", 1, [] { test::raw_set("ENVGUARD_T_R5", "other"); }},
        {"a value set to empty", 1, [] { test::raw_set("ENVGUARD_T_R0", ""); }},
        {"a variable removed (the rest shift)", 1, [] { test::raw_unset("ENVGUARD_T_R3"); }},
        {"a variable removed and set again (it moves to the end)", 0,
         [] { test::raw_unset("ENVGUARD_T_R2"); test::raw_set("ENVGUARD_T_R2", "v2"); }},
        {"removed and set again to another value", 1,
         [] { test::raw_unset("ENVGUARD_T_R2"); test::raw_set("ENVGUARD_T_R2", "x"); }},
        {"a variable added", 1, [] { test::raw_set("ENVGUARD_T_R50", "new"); }},
        {"two removed next to each other", 2, [] { test::raw_unset("ENVGUARD_T_R4"); test::raw_unset("ENVGUARD_T_R5"); }},
        {"a mix", 4,
         [] {
             test::raw_unset("ENVGUARD_T_R1");
             test::raw_set("ENVGUARD_T_R7", "changed");
             test::raw_set("ENVGUARD_T_R60", "new");
             test::raw_unset("ENVGUARD_T_R9");
         }},
        {"more changes than the fast way takes (the general way)", 90,
         [] {
             for (int i = 10; i < 100; ++i) test::raw_set(restore_name(i).c_str(), "many");
         }},
        {"all removed, then set again in reverse order", 0,
         [] {
             for (int i = 0; i < 10; ++i) test::raw_unset(restore_name(i).c_str());
             for (int i = 9; i >= 0; --i) test::raw_set(restore_name(i).c_str(), ("v" + std::to_string(i)).c_str());
         }},
    };
    for (const bool native : {true, false}) {
        for (const auto& c : cases) {
            CAPTURE(native);
            CAPTURE(c.what);
            const auto snapshot = envguard::EnvSnapshot::capture();
            const auto before = test::raw_environment();
            c.mutate();
            {
                test::FaultPlatform counter;
                if (!native) envguard::detail::platform().list = &list_through_wrapper;
                snapshot.restore();
                CHECK(counter.writes() == c.expected_writes);
            }
            CHECK(test::raw_environment() == before);
            CHECK(envguard::EnvSnapshot::capture() == snapshot);
        }
    }
}

TEST_CASE("EnvSnapshot: restore of an edited or copied snapshot (no captured order) is exact") {
    RawVar a("ENVGUARD_T_A", "a0");
    RawVar b("ENVGUARD_T_B", std::nullopt);
    RawVar c("ENVGUARD_T_C", "c0");
    auto edited = envguard::EnvSnapshot::capture();
    edited.set("ENVGUARD_T_A", "a1").set("ENVGUARD_T_B", "b1").unset("ENVGUARD_T_C");
    {
        test::FaultPlatform counter;
        edited.restore();
        CHECK(counter.writes() == 3);
    }
    CHECK(raw_get("ENVGUARD_T_A") == value("a1"));
    CHECK(raw_get("ENVGUARD_T_B") == value("b1"));
    CHECK(raw_get("ENVGUARD_T_C") == std::nullopt);
    CHECK(envguard::EnvSnapshot::capture() == edited);
    // A snapshot edited after capture while the environment still holds the captured values:
    // restore must compare against the edited values, not the captured ones.
    auto original = envguard::EnvSnapshot::capture();
    original.set("ENVGUARD_T_A", "a2");
    const auto copy = original;
    copy.restore();
    CHECK(raw_get("ENVGUARD_T_A") == value("a2"));
    original.unset("ENVGUARD_T_B");
    original.restore();
    CHECK(raw_get("ENVGUARD_T_B") == std::nullopt);
}

// Issue #16 item 1: an entry without a usable name (POSIX "=x", Windows "=Q:") is recorded by
// capture, passed on by render, and never written, unset or diffed by any whole-environment operation.
namespace {
int hidden_restore_failures = 0;
void count_hidden_restore_failure(const envguard::EnvError&) noexcept { ++hidden_restore_failures; }
} // namespace

TEST_CASE("hidden entries: capture records them; clear(), apply, diff and SnapshotGuard leave them alone") {
    test::HiddenEntry hidden("hidden-1");
    const std::string hidden_name = test::HiddenEntry::name();
    RawVar a("ENVGUARD_T_A", "orig");
    const auto before = envguard::EnvSnapshot::capture();
    CHECK(before.get(hidden_name) == value("hidden-1"));

    // clear() in a rendered environment keeps the entry; the diff has nothing for it.
    envguard::EnvOverlay clean;
    clean.clear().set("ENVGUARD_T_A", "job");
    const auto rendered = clean.render(before);
    CHECK(rendered.get(hidden_name) == value("hidden-1"));
    CHECK(rendered.get("ENVGUARD_T_A") == value("job"));
    envguard::EnvOverlay diff;
    REQUIRE_NOTHROW(diff = before.diff(rendered));
    for (const auto& op : diff.operations()) CHECK(op.name != hidden_name);
    REQUIRE_NOTHROW((void)rendered.diff(before));
    CHECK(rendered.diff(before).operations().size() + 1 == before.size()); // all but the hidden entry

    // apply() of clear(): everything else goes, the hidden entry stays, and all comes back.
    {
        auto guard = clean.apply();
        CHECK(raw_get("ENVGUARD_T_A") == value("job"));
        CHECK(test::HiddenEntry::current() == value("hidden-1"));
        CHECK(test::raw_environment().size() == 2); // ENVGUARD_T_A and the hidden entry
    }
    CHECK(raw_get("ENVGUARD_T_A") == value("orig"));
    CHECK(test::HiddenEntry::current() == value("hidden-1"));
    CHECK(envguard::EnvSnapshot::capture() == before);

    // SnapshotGuard: the variable comes back; the hidden entry, changed in the scope, is left as it is.
    hidden_restore_failures = 0;
    const auto previous = envguard::set_restore_failure_handler(&count_hidden_restore_failure);
    {
        envguard::SnapshotGuard isolate;
        test::raw_set("ENVGUARD_T_A", "changed");
        hidden.put("hidden-2");
    }
    envguard::set_restore_failure_handler(previous);
    CHECK(hidden_restore_failures == 0);
    CHECK(raw_get("ENVGUARD_T_A") == value("orig"));
    CHECK(test::HiddenEntry::current() == value("hidden-2"));
    CHECK(test::HiddenEntry::count() == 1);

    // restore() of a snapshot with another value (or none) for it does not touch it either.
    test::raw_set("ENVGUARD_T_A", "again");
    REQUIRE_NOTHROW(before.restore());
    CHECK(raw_get("ENVGUARD_T_A") == value("orig"));
    CHECK(test::HiddenEntry::current() == value("hidden-2"));
    envguard::EnvSnapshot edited = before; // no captured order: the general way
    edited.set("ENVGUARD_T_A", "edited");
    REQUIRE_NOTHROW(edited.restore());
    CHECK(raw_get("ENVGUARD_T_A") == value("edited"));
    CHECK(test::HiddenEntry::current() == value("hidden-2"));
    REQUIRE_NOTHROW(before.restore());

    // Nothing can name it for a write.
    CHECK_THROWS_AS(envguard::set(hidden_name, "x"), envguard::EnvError);
    CHECK_THROWS_AS(edited.set(hidden_name, "x"), envguard::EnvError);
    // capture, render(clear), diff both ways, apply(clear) + its restore, SnapshotGuard, restore of a
    // captured and of an edited snapshot, and the two writes refused
    std::printf("RELIABILITY: hidden_entries cases=10\n");
}

TEST_CASE("hidden entries: a snapshot lacking one does not remove it, one having it does not add it") {
    RawVar a("ENVGUARD_T_A", "orig");
    const auto without = envguard::EnvSnapshot::capture();
    std::optional<envguard::EnvSnapshot> with;
    {
        test::HiddenEntry hidden("h");
        with = envguard::EnvSnapshot::capture();
        test::raw_set("ENVGUARD_T_A", "x");
        REQUIRE_NOTHROW(without.restore());
        CHECK(raw_get("ENVGUARD_T_A") == value("orig"));
        CHECK(test::HiddenEntry::current() == value("h"));
    }
    CHECK(test::HiddenEntry::count() == 0);
    test::raw_set("ENVGUARD_T_A", "y");
    REQUIRE_NOTHROW(with->restore());
    CHECK(raw_get("ENVGUARD_T_A") == value("orig"));
    CHECK(test::HiddenEntry::count() == 0);
}

#ifndef _WIN32
// Issue #16 item 7: from detail::bulk_write_threshold changes on, whole-environment operations write
// environ at once (one pass, one new pointer array). The same promises hold: exact restore, all three
// states, every other entry (and its string) untouched, strings reused across cycles.
TEST_CASE("bulk writes: clear() of hundreds of variables, its restore, and big snapshot restores are exact") {
    const auto original = test::raw_environment();
    const std::size_t n = 3 * envguard::detail::bulk_write_threshold;
    {
        envguard::SnapshotGuard outer; // also removes the variables made below
        for (std::size_t i = 0; i < n; ++i)
            test::raw_set(("ENVGUARD_T_BULK_" + std::to_string(i)).c_str(), i % 3 == 0 ? "" : "v");
        const auto before = test::raw_environment();
        const char* untouched = std::getenv("ENVGUARD_T_BULK_1");
        std::size_t strings_after_first_cycle = 0;
        for (int cycle = 0; cycle < 3; ++cycle) {
            {
                envguard::EnvOverlay clean;
                clean.clear().keep("ENVGUARD_T_BULK_1").set("ENVGUARD_T_BULK_NEW", "");
                auto guard = clean.apply();
                const auto during = test::raw_environment();
                CHECK(during.size() == 2);
                CHECK(during.at("ENVGUARD_T_BULK_NEW").empty());
                CHECK(std::getenv("ENVGUARD_T_BULK_1") == untouched); // a kept entry is the same string
            }
            CHECK(test::raw_environment() == before);
            CHECK(std::getenv("ENVGUARD_T_BULK_1") == untouched);
            if (cycle == 0) strings_after_first_cycle = envguard::detail::bulk_strings_placed();
        }
        CHECK(envguard::detail::bulk_strings_placed() == strings_after_first_cycle); // reused

        // EnvSnapshot::restore of many differences: sets, empties and removals, all at once.
        const auto snapshot = envguard::EnvSnapshot::capture();
        for (std::size_t i = 0; i < n; ++i) {
            const std::string name = "ENVGUARD_T_BULK_" + std::to_string(i);
            if (i % 2 == 0)
                test::raw_unset(name.c_str());
            else
                test::raw_set(name.c_str(), "changed");
        }
        test::raw_set("ENVGUARD_T_BULK_EXTRA", "x");
        snapshot.restore();
        CHECK(test::raw_environment() == before);

        // ScopedEnv with many changes, the same.
        {
            std::vector<envguard::EnvChange> changes;
            for (std::size_t i = 0; i < n; ++i)
                changes.push_back({"ENVGUARD_T_BULK_" + std::to_string(i),
                                   i % 2 ? std::optional<std::string>("g") : std::nullopt});
            envguard::ScopedEnv guard(changes);
            CHECK(raw_get("ENVGUARD_T_BULK_1") == value("g"));
            CHECK(raw_get("ENVGUARD_T_BULK_0") == std::nullopt);
            envguard::set("ENVGUARD_T_BULK_AFTER", "1"); // a setenv after a bulk write still works
        }
        envguard::unset("ENVGUARD_T_BULK_AFTER");
        CHECK(test::raw_environment() == before);
    }
    CHECK(test::raw_environment() == original);
    // 3 clear() apply/restore cycles, a snapshot restore, a ScopedEnv and its restore, the outer restore
    std::printf("RELIABILITY: bulk_writes cases=7 variables=%zu\n", n);
}
#endif
