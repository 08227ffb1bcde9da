// A suite with one test case that leaks on purpose: the leak check in main.cpp must make this
// program fail and name the case, the variable and both of its states (run by CTest, which expects
// exactly that failure).
#include <doctest/doctest.h>

#include <cstdlib>

TEST_CASE("leaks on purpose") {
    ::unsetenv("ENVGUARD_T_LEAKED");
    ::setenv("ENVGUARD_T_LEAKED", "1", 1); // never undone
    CHECK(std::getenv("ENVGUARD_T_LEAKED") != nullptr);
}

TEST_CASE("does not leak") { CHECK(true); }
