// env.hpp: get, set, unset, is_set, assign and their std::error_code overloads
#include "../support/fault_platform.hpp"
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <system_error>

using test::raw_get;
using test::RawVar;

TEST_CASE("env: get tells unset, empty and a value apart") {
    RawVar unset_var("ENVGUARD_T_UNSET", std::nullopt);
    RawVar empty_var("ENVGUARD_T_EMPTY", "");
    RawVar value_var("ENVGUARD_T_VALUE", "v a l");
    CHECK(envguard::get("ENVGUARD_T_UNSET") == std::nullopt);
    CHECK(envguard::get("ENVGUARD_T_EMPTY") == std::optional<std::string>(""));
    CHECK(envguard::get("ENVGUARD_T_VALUE") == std::optional<std::string>("v a l"));
    CHECK_FALSE(envguard::is_set("ENVGUARD_T_UNSET"));
    CHECK(envguard::is_set("ENVGUARD_T_EMPTY"));
    CHECK(envguard::is_set("ENVGUARD_T_VALUE"));
}

TEST_CASE("env: set with an empty value sets the empty string, it does not unset") {
    RawVar var("ENVGUARD_T_X", "before");
    envguard::set("ENVGUARD_T_X", "");
    REQUIRE(raw_get("ENVGUARD_T_X").has_value());
    CHECK(*raw_get("ENVGUARD_T_X") == "");
    envguard::unset("ENVGUARD_T_X");
    CHECK_FALSE(raw_get("ENVGUARD_T_X").has_value());
    envguard::unset("ENVGUARD_T_X"); // unsetting an unset variable is fine
    CHECK_FALSE(raw_get("ENVGUARD_T_X").has_value());
    envguard::set("ENVGUARD_T_X", "value=with=equals");
    CHECK(raw_get("ENVGUARD_T_X") == std::optional<std::string>("value=with=equals"));
}

TEST_CASE("env: assign is the three-state inverse of get") {
    RawVar var("ENVGUARD_T_X", std::nullopt);
    for (const std::optional<std::string>& value :
         {std::optional<std::string>("1"), std::optional<std::string>(""),
          std::optional<std::string>(std::nullopt)}) {
        envguard::assign("ENVGUARD_T_X", value);
        CHECK(envguard::get("ENVGUARD_T_X") == value);
        CHECK(raw_get("ENVGUARD_T_X") == value);
    }
}

TEST_CASE("env: bad names and values are refused with the variable and the rule, changing nothing") {
    RawVar var("ENVGUARD_T_X", "kept");
    const auto before = test::raw_environment();
    struct Case {
        std::string name;
        std::string value;
        envguard::errc code;
        const char* message;
    };
    const Case cases[] = {
        {"", "1", envguard::errc::invalid_name,
         "envguard: cannot set \"\": a variable name must not be empty"},
        {"A=B", "1", envguard::errc::invalid_name,
         "envguard: cannot set \"A=B\": a variable name must not contain '='"},
        {"=C:", "1", envguard::errc::invalid_name,
         "envguard: cannot set \"=C:\": a variable name must not start with '='"},
        {std::string("A\0B", 3), "1", envguard::errc::invalid_name,
         "envguard: cannot set \"A\\0B\": a variable name must not contain a NUL character"},
        {"ENVGUARD_T_X", std::string("a\0b", 3), envguard::errc::invalid_value,
         "envguard: cannot set \"ENVGUARD_T_X\": a value must not contain a NUL character"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.message);
        try {
            envguard::set(c.name, c.value);
            FAIL("no exception");
        } catch (const envguard::EnvError& error) {
            CHECK(error.code() == c.code);
            CHECK(error.name() == c.name);
            CHECK(std::string(error.what()) == c.message);
        }
        std::error_code ec;
        envguard::set(c.name, c.value, ec);
        CHECK(ec == c.code);
    }
    CHECK_THROWS_WITH_AS(envguard::unset("A=B"),
                         "envguard: cannot unset \"A=B\": a variable name must not contain '='",
                         envguard::EnvError);
    CHECK_THROWS_WITH_AS(envguard::get(""),
                         "envguard: cannot read \"\": a variable name must not be empty",
                         envguard::EnvError);
    CHECK(test::raw_environment() == before);
}

TEST_CASE("env: the error_code overloads report instead of throwing and clear ec on success") {
    static_assert(noexcept(envguard::get("X", std::declval<std::error_code&>())), "");
    static_assert(noexcept(envguard::set("X", "1", std::declval<std::error_code&>())), "");
    static_assert(noexcept(envguard::unset("X", std::declval<std::error_code&>())), "");
    static_assert(noexcept(envguard::is_set("X", std::declval<std::error_code&>())), "");
    RawVar var("ENVGUARD_T_X", std::nullopt);
    std::error_code ec = envguard::errc::os_error; // stale value: must be cleared
    envguard::set("ENVGUARD_T_X", "", ec);
    CHECK_FALSE(ec);
    CHECK(envguard::get("ENVGUARD_T_X", ec) == std::optional<std::string>(""));
    CHECK_FALSE(ec);
    CHECK(envguard::get("=X", ec) == std::nullopt);
    CHECK(ec == envguard::errc::invalid_name);
    CHECK_FALSE(envguard::is_set("", ec));
    CHECK(ec == envguard::errc::invalid_name);
    envguard::unset("ENVGUARD_T_X", ec);
    CHECK_FALSE(ec);
    CHECK_FALSE(raw_get("ENVGUARD_T_X").has_value());
}

TEST_CASE("env: an OS write failure is errc::os_error with the OS's own code, and changes nothing") {
    RawVar var("ENVGUARD_T_X", "old");
    test::FaultPlatform faults(1);
    try {
        envguard::set("ENVGUARD_T_X", "new");
        FAIL("no exception");
    } catch (const envguard::EnvError& error) {
        CHECK(error.code() == envguard::errc::os_error);
        CHECK(error.os_code() == std::error_code(EIO, std::system_category()));
        CHECK(std::string(error.what()).rfind("envguard: cannot set \"ENVGUARD_T_X\": the operating "
                                              "system refused: ",
                                              0) == 0);
    }
    CHECK(raw_get("ENVGUARD_T_X") == std::optional<std::string>("old"));
}

TEST_CASE("env: a platform that deletes an empty value is caught: empty_became_unset, value kept") {
    RawVar var("ENVGUARD_T_X", "old");
    test::FaultPlatform faults;
    faults.empty_deletes();
    try {
        envguard::set("ENVGUARD_T_X", "");
        FAIL("no exception");
    } catch (const envguard::EnvError& error) {
        CHECK(error.code() == envguard::errc::empty_became_unset);
        CHECK(error.name() == "ENVGUARD_T_X");
        CHECK(std::string(error.what()).find("empty became unset") != std::string::npos);
    }
    // The failed call changed nothing: the old value was put back.
    CHECK(raw_get("ENVGUARD_T_X") == std::optional<std::string>("old"));
    std::error_code ec;
    envguard::set("ENVGUARD_T_X", "", ec);
    CHECK(ec == envguard::errc::empty_became_unset);
}
