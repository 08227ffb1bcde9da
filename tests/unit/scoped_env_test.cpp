// scoped_env.hpp: ScopedEnv and the restore-failure handler
#include "../support/fault_platform.hpp"
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

using test::raw_get;
using test::RawVar;

namespace {
const std::optional<std::string> unset_state = std::nullopt;
std::optional<std::string> value(const char* v) { return std::optional<std::string>(v); }
} // namespace

static_assert(std::is_nothrow_destructible<envguard::ScopedEnv>::value, "destructor is noexcept");
static_assert(std::is_nothrow_move_constructible<envguard::ScopedEnv>::value, "");
static_assert(!std::is_copy_constructible<envguard::ScopedEnv>::value, "");
static_assert(!std::is_copy_assignable<envguard::ScopedEnv>::value, "");
static_assert(!std::is_move_assignable<envguard::ScopedEnv>::value, "");
// The adopting constructors (EnvOverlay::apply's) are private: only the overlay, a friend, reaches them.
static_assert(!std::is_constructible<envguard::ScopedEnv, envguard::detail::adopt_plan_t,
                                     std::vector<envguard::detail::planned_change>>::value,
              "adopting a plan is not public");
static_assert(!std::is_constructible<envguard::ScopedEnv, envguard::detail::adopt_plan_t,
                                     envguard::exclusive_t,
                                     std::vector<envguard::detail::planned_change>>::value,
              "adopting a plan is not public");
// The public ways in stay.
static_assert(std::is_constructible<envguard::ScopedEnv, std::vector<envguard::EnvChange>>::value, "");
static_assert(std::is_constructible<envguard::ScopedEnv, envguard::exclusive_t,
                                    std::vector<envguard::EnvChange>>::value,
              "");
static_assert(std::is_constructible<envguard::ScopedEnv, const char*, const char*>::value, "");

TEST_CASE("ScopedEnv: the coverage recipe is applied, then all three states come back exactly") {
    // Each starting state for each target state: unset, empty and a value must all survive.
    const std::optional<std::string> states[] = {std::nullopt, value(""), value("sccache")};
    for (const auto& start : states) {
        RawVar wrapper("ENVGUARD_T_WRAPPER", start);
        RawVar incremental("ENVGUARD_T_INCREMENTAL", start);
        RawVar target("ENVGUARD_T_TARGET", start);
        {
            envguard::ScopedEnv env{{"ENVGUARD_T_WRAPPER", ""},
                                    {"ENVGUARD_T_INCREMENTAL", "1"},
                                    {"ENVGUARD_T_TARGET", std::nullopt}};
            CHECK(raw_get("ENVGUARD_T_WRAPPER") == value("")); // set to empty, NOT unset
            CHECK(raw_get("ENVGUARD_T_INCREMENTAL") == value("1"));
            CHECK(raw_get("ENVGUARD_T_TARGET") == unset_state);
        }
        CHECK(raw_get("ENVGUARD_T_WRAPPER") == start);
        CHECK(raw_get("ENVGUARD_T_INCREMENTAL") == start);
        CHECK(raw_get("ENVGUARD_T_TARGET") == start);
    }
}

TEST_CASE("ScopedEnv: restores an empty value as empty, not unset") {
    RawVar var("ENVGUARD_T_X", "");
    {
        envguard::ScopedEnv env("ENVGUARD_T_X", "changed");
        CHECK(raw_get("ENVGUARD_T_X") == value("changed"));
    }
    REQUIRE(raw_get("ENVGUARD_T_X").has_value());
    CHECK(raw_get("ENVGUARD_T_X")->empty());
}

TEST_CASE("ScopedEnv: restores during stack unwinding") {
    RawVar var("ENVGUARD_T_X", "original");
    RawVar other("ENVGUARD_T_Y", std::nullopt);
    try {
        envguard::ScopedEnv env{{"ENVGUARD_T_X", ""}, {"ENVGUARD_T_Y", "1"}};
        throw std::runtime_error("the build failed");
    } catch (const std::runtime_error&) {
    }
    CHECK(raw_get("ENVGUARD_T_X") == value("original"));
    CHECK(raw_get("ENVGUARD_T_Y") == unset_state);
}

TEST_CASE("ScopedEnv: members chain, and the first original of each name is the one restored") {
    RawVar x("ENVGUARD_T_X", "x0");
    RawVar y("ENVGUARD_T_Y", std::nullopt);
    {
        envguard::ScopedEnv env;
        CHECK_FALSE(env.active());
        env.set("ENVGUARD_T_X", "x1").set_empty("ENVGUARD_T_Y").unset("ENVGUARD_T_X");
        env.set("ENVGUARD_T_X", "x2");
        CHECK(env.active());
        CHECK(raw_get("ENVGUARD_T_X") == value("x2"));
        CHECK(raw_get("ENVGUARD_T_Y") == value(""));
        REQUIRE(env.saved().size() == 2);
        CHECK(env.saved()[0].name == "ENVGUARD_T_X");
        CHECK(env.saved()[0].original == value("x0"));
        CHECK(env.saved()[1].name == "ENVGUARD_T_Y");
        CHECK(env.saved()[1].original == unset_state);
    }
    CHECK(raw_get("ENVGUARD_T_X") == value("x0"));
    CHECK(raw_get("ENVGUARD_T_Y") == unset_state);
}

TEST_CASE("ScopedEnv: a name given twice in the list ends with its last value") {
    RawVar x("ENVGUARD_T_X", "x0");
    {
        envguard::ScopedEnv env{{"ENVGUARD_T_X", "a"}, {"ENVGUARD_T_X", std::nullopt}};
        CHECK(raw_get("ENVGUARD_T_X") == unset_state);
        CHECK(env.saved().size() == 1);
    }
    CHECK(raw_get("ENVGUARD_T_X") == value("x0"));
}

TEST_CASE("ScopedEnv: restore() restores now and makes the guard inactive") {
    RawVar x("ENVGUARD_T_X", std::nullopt);
    envguard::ScopedEnv env("ENVGUARD_T_X", "1");
    env.restore();
    CHECK_FALSE(env.active());
    CHECK(raw_get("ENVGUARD_T_X") == unset_state);
    test::raw_set("ENVGUARD_T_X", "set later by someone else");
    // Destroying an inactive guard writes nothing: clean up by hand.
    test::raw_unset("ENVGUARD_T_X");
}

TEST_CASE("ScopedEnv: release() keeps the changes") {
    RawVar x("ENVGUARD_T_X", "x0");
    {
        envguard::ScopedEnv env("ENVGUARD_T_X", "kept");
        env.release();
        CHECK_FALSE(env.active());
        CHECK(env.saved().empty());
    }
    CHECK(raw_get("ENVGUARD_T_X") == value("kept"));
}

TEST_CASE("ScopedEnv: a moved-from guard restores nothing; the new owner restores once") {
    RawVar x("ENVGUARD_T_X", "x0");
    {
        std::optional<envguard::ScopedEnv> outer;
        {
            envguard::ScopedEnv inner("ENVGUARD_T_X", "x1");
            outer.emplace(std::move(inner));
            CHECK_FALSE(inner.active());
        }
        CHECK(raw_get("ENVGUARD_T_X") == value("x1")); // the moved-from one did nothing
        CHECK(outer->active());
    }
    CHECK(raw_get("ENVGUARD_T_X") == value("x0"));
}

TEST_CASE("ScopedEnv: nested guards on one name restore correctly in LIFO order") {
    RawVar x("ENVGUARD_T_X", std::nullopt);
    {
        envguard::ScopedEnv a("ENVGUARD_T_X", "a");
        {
            envguard::ScopedEnv b("ENVGUARD_T_X", "");
            {
                envguard::ScopedEnv c("ENVGUARD_T_X", std::nullopt);
                CHECK(raw_get("ENVGUARD_T_X") == unset_state);
            }
            CHECK(raw_get("ENVGUARD_T_X") == value(""));
        }
        CHECK(raw_get("ENVGUARD_T_X") == value("a"));
    }
    CHECK(raw_get("ENVGUARD_T_X") == unset_state);
}

TEST_CASE("ScopedEnv: destroyed out of order, the name ends as the last-destroyed guard found it") {
    // The documented behaviour: each guard writes back what it found. Out of order, that is the
    // inner guard's "before" (the outer guard's value), not the original.
    RawVar x("ENVGUARD_T_X", "original");
    std::optional<envguard::ScopedEnv> outer(std::in_place, "ENVGUARD_T_X", "outer");
    std::optional<envguard::ScopedEnv> inner(std::in_place, "ENVGUARD_T_X", "inner");
    outer.reset();
    CHECK(raw_get("ENVGUARD_T_X") == value("original"));
    inner.reset();
    CHECK(raw_get("ENVGUARD_T_X") == value("outer"));
}

TEST_CASE("ScopedEnv: bad input in the list is refused before anything is written") {
    RawVar x("ENVGUARD_T_X", "x0");
    const auto before = test::raw_environment();
    test::FaultPlatform counter; // counts writes, fails none
    CHECK_THROWS_WITH_AS(
        ([] { envguard::ScopedEnv env{{"ENVGUARD_T_X", "1"}, {"BAD=NAME", "2"}}; }()),
        "envguard: cannot set \"BAD=NAME\": a variable name must not contain '='",
        envguard::EnvError);
    CHECK_THROWS_WITH_AS(([] { envguard::ScopedEnv env{{"ENVGUARD_T_X", std::string("a\0b", 3)}}; }()),
                         "envguard: cannot set \"ENVGUARD_T_X\": a value must not contain a NUL "
                         "character",
                         envguard::EnvError);
    envguard::ScopedEnv env;
    CHECK_THROWS_AS(env.unset(""), envguard::EnvError);
    CHECK_FALSE(env.active());
    CHECK(counter.writes() == 0);
    CHECK(test::raw_environment() == before);
}

TEST_CASE("ScopedEnv: the destructor reports a failed restore to the handler and restores the rest") {
    RawVar x("ENVGUARD_T_X", "x0");
    RawVar y("ENVGUARD_T_Y", "y0");
    RawVar z("ENVGUARD_T_Z", "z0");
    static std::vector<std::string> reported;
    reported.clear();
    auto previous = envguard::set_restore_failure_handler(
        [](const envguard::EnvError& error) noexcept { reported.push_back(error.what()); });
    {
        test::FaultPlatform faults;
        envguard::ScopedEnv env{{"ENVGUARD_T_X", "1"}, {"ENVGUARD_T_Y", "2"}, {"ENVGUARD_T_Z", "3"}};
        faults.fail_from_now(2); // restore runs Z, Y, X: the second write (Y) fails
    }
    envguard::set_restore_failure_handler(previous);
    REQUIRE(reported.size() == 1);
    CHECK(reported[0].rfind("envguard: cannot set \"ENVGUARD_T_Y\": the operating system refused", 0) ==
          0);
    CHECK(raw_get("ENVGUARD_T_X") == value("x0"));
    CHECK(raw_get("ENVGUARD_T_Y") == value("2")); // the one that could not be restored
    CHECK(raw_get("ENVGUARD_T_Z") == value("z0"));
}

TEST_CASE("ScopedEnv: restore() tries every name, then throws for the first that failed") {
    RawVar x("ENVGUARD_T_X", "x0");
    RawVar y("ENVGUARD_T_Y", "y0");
    RawVar z("ENVGUARD_T_Z", "z0");
    static int handler_calls = 0;
    handler_calls = 0;
    auto previous = envguard::set_restore_failure_handler(
        [](const envguard::EnvError&) noexcept { ++handler_calls; });
    envguard::ScopedEnv env{{"ENVGUARD_T_X", "1"}, {"ENVGUARD_T_Y", "2"}, {"ENVGUARD_T_Z", "3"}};
    {
        test::FaultPlatform faults(1); // restore order Z, Y, X: Z fails, then X fails too
        faults.fail_also(3);
        CHECK_THROWS_WITH_AS(env.restore(),
                             doctest::Contains("cannot set \"ENVGUARD_T_Z\": the operating system"),
                             envguard::EnvError);
        CHECK(faults.writes() == 3); // every name was tried
    }
    envguard::set_restore_failure_handler(previous);
    CHECK(handler_calls == 1); // the second failure (X) went to the handler
    CHECK_FALSE(env.active());
    CHECK(raw_get("ENVGUARD_T_Y") == value("y0"));
}

TEST_CASE("ScopedEnv: the default restore-failure handler prints one line on stderr") {
    // Point fd 2 at a temporary file while a guard fails to restore with the default handler.
    envguard::set_restore_failure_handler(nullptr); // nullptr reinstates the default
    std::FILE* capture = std::tmpfile();
    REQUIRE(capture != nullptr);
    std::fflush(stderr);
    const int saved_stderr = ::dup(2);
    ::dup2(::fileno(capture), 2);
    {
        RawVar x("ENVGUARD_T_X", "x0");
        {
            test::FaultPlatform faults;
            envguard::ScopedEnv env("ENVGUARD_T_X", "1");
            faults.fail_from_now(1);
        }
        CHECK(raw_get("ENVGUARD_T_X") == value("1"));
    }
    std::fflush(stderr);
    ::dup2(saved_stderr, 2);
    ::close(saved_stderr);
    std::rewind(capture);
    std::string printed;
    for (int c; (c = std::fgetc(capture)) != EOF;) printed += static_cast<char>(c);
    std::fclose(capture);
    CHECK(printed.rfind("envguard: cannot set \"ENVGUARD_T_X\": the operating system refused: ", 0) ==
          0);
    CHECK(printed.find("(while restoring the environment)\n") != std::string::npos);
    CHECK(std::count(printed.begin(), printed.end(), '\n') == 1);
}
