// error.hpp
#include <envguard/envguard.hpp>

#include <doctest/doctest.h>

#include <ostream>
#include <string>
#include <system_error>
#include <type_traits>

TEST_CASE("error: errc values convert to error codes of the envguard category") {
    static_assert(std::is_error_code_enum<envguard::errc>::value, "errc is an error-code enum");
    std::error_code ec = envguard::errc::invalid_name;
    CHECK(ec.category() == envguard::envguard_category());
    CHECK(std::string(ec.category().name()) == "envguard");
    CHECK(ec.value() == 1);
    CHECK(ec == envguard::errc::invalid_name);
    CHECK(ec != envguard::errc::invalid_value);
}

TEST_CASE("error: every errc value has its own message") {
    using envguard::errc;
    const errc all[] = {errc::invalid_name, errc::invalid_value, errc::value_too_long,
                        errc::empty_became_unset, errc::os_error,
                        errc::command_not_found, errc::command_not_executable};
    for (errc a : all) {
        const std::string text = envguard::make_error_code(a).message();
        CHECK_FALSE(text.empty());
        CHECK(text.find("unknown") == std::string::npos);
        for (errc b : all)
            if (a != b) CHECK(text != envguard::make_error_code(b).message());
    }
}

TEST_CASE("error: EnvError is a std::system_error that carries the name and a full sentence") {
    static_assert(std::is_base_of<std::system_error, envguard::EnvError>::value, "");
    try {
        envguard::set("A=B", "1");
        FAIL("no exception");
    } catch (const std::system_error& error) {
        CHECK(error.code() == envguard::errc::invalid_name);
        CHECK(std::string(error.what()) ==
              "envguard: cannot set \"A=B\": a variable name must not contain '='");
        const auto* env_error = dynamic_cast<const envguard::EnvError*>(&error);
        REQUIRE(env_error != nullptr);
        CHECK(env_error->name() == "A=B");
        CHECK_FALSE(env_error->os_code());
    }
}

TEST_CASE("error: a name with control bytes is escaped in the message, and a huge one shortened") {
    try {
        envguard::set(std::string("BAD\nNAME=\0X", 11), "1");
        FAIL("no exception");
    } catch (const envguard::EnvError& error) {
        CHECK(std::string(error.what()) ==
              "envguard: cannot set \"BAD\\nNAME=\\0X\": a variable name must not contain '='");
        CHECK(error.name() == std::string("BAD\nNAME=\0X", 11)); // the name itself is exact
    }
    try {
        envguard::set(std::string(100000, 'N') + "=", "1");
        FAIL("no exception");
    } catch (const envguard::EnvError& error) {
        const std::string what = error.what();
        CHECK(what.size() < 400);
        CHECK(what.find("... (100001 bytes)") != std::string::npos);
        CHECK(error.name().size() == 100001);
    }
}
