// A suite with one test case that leaks on purpose: the leak check in main.cpp must make this
// program fail and name the case, the variable and both of its states (run by CTest, which expects
// exactly that failure).
#include "support/raw_env.hpp"

#include <doctest/doctest.h>

TEST_CASE("leaks on purpose") {
    raw::unset("ENVGUARD_T_LEAKED");
    raw::set("ENVGUARD_T_LEAKED", "1"); // never undone
    CHECK(raw::get("ENVGUARD_T_LEAKED").has_value());
}

TEST_CASE("does not leak") { CHECK(true); }
