// names.hpp: the rules for names, values and path entries (check_name, check_value, check_path_entry,
// RuleViolation::message), how names compare (same_name), the path-list separator, and on Windows the
// UTF-8 <-> UTF-16 conversions (to_wide, to_utf8)
#include <envguard/envguard.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using namespace std::string_literals;

namespace {

// The rule's sentence, or "" when nothing is broken.
std::string rule_of(const envguard::RuleViolation& bad) { return bad ? bad.rule : ""; }

// What the library throws for a set of NAME to VALUE, or "" when it does not throw.
std::string thrown_by_overlay_set(std::string_view name, std::string_view value) {
    try {
        envguard::EnvOverlay().set(name, value);
    } catch (const envguard::EnvError& error) {
        return error.what();
    }
    return "";
}

} // namespace

TEST_CASE("check_name: each broken rule has its own sentence and errc::invalid_name") {
    CHECK(rule_of(envguard::check_name("")) == "a variable name must not be empty");
    CHECK(rule_of(envguard::check_name("=C:")) == "a variable name must not start with '='");
    CHECK(rule_of(envguard::check_name("A=B")) == "a variable name must not contain '='");
    CHECK(rule_of(envguard::check_name("A\0B"s)) == "a variable name must not contain a NUL character");
    for (const auto& bad : {""s, "=x"s, "A=B"s, "A\0B"s}) CHECK(envguard::check_name(bad).code == envguard::errc::invalid_name);
}

TEST_CASE("check_name: ordinary names, lower case and UTF-8 included, break no rule") {
    for (const char* name : {"PATH", "Path", "RUSTC_WRAPPER", "a", "x.y-z", "caf\xc3\xa9"}) {
        CAPTURE(name);
        const auto bad = envguard::check_name(name);
        CHECK_FALSE(bad);
        CHECK(bad.rule == nullptr);
    }
}

TEST_CASE("check_value: a NUL is refused, the empty value and '=' are fine") {
    CHECK(rule_of(envguard::check_value("a\0b"s)) == "a value must not contain a NUL character");
    CHECK(envguard::check_value("a\0b"s).code == envguard::errc::invalid_value);
    CHECK_FALSE(envguard::check_value(""));
    CHECK_FALSE(envguard::check_value("a=b;c:d"));
}

TEST_CASE("check_path_entry: a value's rules first, then not empty, then no list separator") {
    CHECK(rule_of(envguard::check_path_entry("")) ==
          "a directory to add to a path list must not be empty (an empty entry means the current directory)");
    const std::string sep(1, envguard::path_list_separator);
    CHECK(rule_of(envguard::check_path_entry("/a" + sep + "/b")) ==
          "a directory to add to a path list must not contain '" + sep + "', the list separator");
    CHECK(rule_of(envguard::check_path_entry("/a\0"s + sep)) == "a value must not contain a NUL character");
    CHECK(envguard::check_path_entry("").code == envguard::errc::invalid_value);
    CHECK_FALSE(envguard::check_path_entry("/usr/local/bin"));
}

TEST_CASE("path_list_separator: ';' on Windows, ':' elsewhere") {
#ifdef _WIN32
    CHECK(envguard::path_list_separator == ';');
#else
    CHECK(envguard::path_list_separator == ':');
#endif
}

TEST_CASE("RuleViolation::message is the library's own refusal without \"envguard: \"") {
    CHECK(envguard::check_name("A=B").message("set", "A=B") ==
          "cannot set \"A=B\": a variable name must not contain '='");
    CHECK(envguard::check_path_entry("").message("prepend to", "PATH") ==
          "cannot prepend to \"PATH\": a directory to add to a path list must not be empty (an empty "
          "entry means the current directory)");
    // one text per rule: exactly what the library throws for the same input
    CHECK(thrown_by_overlay_set("A=B", "v") == "envguard: " + envguard::check_name("A=B").message("set", "A=B"));
    CHECK(thrown_by_overlay_set("X", "a\0b"s) == "envguard: " + envguard::check_value("a\0b"s).message("set", "X"));
    // the name is quoted as every message quotes it, and a long one is cut
    const std::string long_name(300, 'N');
    CHECK(envguard::check_name(long_name + "=").message("unset", long_name + "=") ==
          "cannot unset " + envguard::quote_value(long_name + "=", 200) + ": a variable name must not contain '='");
}

TEST_CASE("RuleViolation::message: the error code matches what the library throws") {
    try {
        envguard::EnvOverlay().prepend_path("PATH", "");
        FAIL("prepend_path accepted an empty directory");
    } catch (const envguard::EnvError& error) {
        CHECK((error.code() == envguard::make_error_code(envguard::check_path_entry("").code)));
        CHECK(std::string(error.what()) == "envguard: " + envguard::check_path_entry("").message("prepend to", "PATH"));
    }
}

TEST_CASE("same_name: names compare as the operating system compares them") {
    CHECK(envguard::same_name("PATH", "PATH"));
    CHECK_FALSE(envguard::same_name("PATH", "PATHS"));
    CHECK_FALSE(envguard::same_name("A", ""));
    CHECK(envguard::same_name("", ""));
#ifdef _WIN32
    CHECK(envguard::same_name("Path", "PATH")); // one variable on Windows
    CHECK(envguard::same_name("caf\xc3\xa9", "CAF\xc3\x89")); // non-ASCII too, as CompareStringOrdinal does
#else
    CHECK_FALSE(envguard::same_name("Path", "PATH")); // two variables on POSIX
#endif
}

#ifdef _WIN32
TEST_CASE("to_wide and to_utf8: UTF-8 and UTF-16 round-trip, astral characters as surrogate pairs") {
    CHECK(envguard::to_wide("") == L"");
    CHECK(envguard::to_wide("PATH") == L"PATH");
    CHECK(envguard::to_wide("caf\xc3\xa9") == L"caf\u00e9");
    CHECK(envguard::to_wide("\xf0\x9f\x98\x80") == std::wstring{wchar_t(0xD83D), wchar_t(0xDE00)});
    CHECK(envguard::to_utf8(L"") == "");
    CHECK(envguard::to_utf8(L"caf\u00e9") == "caf\xc3\xa9");
    const std::string text = "a\xe2\x82\xac b\xf0\x9f\x98\x80";
    CHECK(envguard::to_utf8(envguard::to_wide(text)) == text);
    CHECK(envguard::to_wide("a\0b"s) == L"a\0b"s); // a NUL is a character like any other
}
#endif
