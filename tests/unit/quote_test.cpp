// quote.hpp: quote_value, the one way envguard shows a name or a value in text
#include <envguard/envguard.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using namespace std::string_literals;

TEST_CASE("quote_value: plain text is put in double quotes, an empty one shows as \"\"") {
    CHECK(envguard::quote_value("RUSTC_WRAPPER") == "\"RUSTC_WRAPPER\"");
    CHECK(envguard::quote_value("") == "\"\"");
    CHECK(envguard::quote_value("a b=c;d") == "\"a b=c;d\""); // spaces, '=' and ';' as they are
    CHECK(envguard::quote_value("caf\xc3\xa9") == "\"caf\xc3\xa9\""); // UTF-8 bytes copied
}

TEST_CASE("quote_value: quotes, backslashes and control bytes are escaped") {
    CHECK(envguard::quote_value("say \"hi\"") == R"("say \"hi\"")");
    CHECK(envguard::quote_value("C:\\dir") == R"("C:\\dir")");
    CHECK(envguard::quote_value("a\nb\tc") == R"("a\nb\tc")");
    CHECK(envguard::quote_value("a\0b"s) == R"("a\0b")"); // a NUL cannot cut the text short
    CHECK(envguard::quote_value("\x01\x1f\x7f") == R"("\x01\x1f\x7f")");
}

TEST_CASE("quote_value: MAX_SHOWN shortens long text and says how long it was") {
    CHECK(envguard::quote_value("abcdef", 3) == "\"abc\"... (6 bytes)");
    CHECK(envguard::quote_value("abc", 3) == "\"abc\""); // exactly MAX_SHOWN: nothing added
    CHECK(envguard::quote_value("", 0) == "\"\"");
    CHECK(envguard::quote_value("\n\n\n", 2) == "\"\\n\\n\"... (3 bytes)"); // counts bytes, not escapes
    const std::string huge(1000, 'x');
    CHECK(envguard::quote_value(huge) == '"' + huge + '"'); // no limit by default
}

TEST_CASE("quote_value: error messages and printed recipes quote with it") {
    const std::string bad_name = "A=B\n";
    try {
        envguard::set(bad_name, "1");
        FAIL("set accepted a name with '='");
    } catch (const envguard::EnvError& e) {
        const std::string message = e.what();
        CHECK(message.find(envguard::quote_value(bad_name)) != std::string::npos);
    }
    envguard::EnvOverlay overlay;
    overlay.set("V", "x\"y");
    CHECK(overlay.operations().front().to_string() == "V=" + envguard::quote_value("x\"y"));
    // A name longer than error messages show is shortened there.
    const std::string long_name(300, 'N');
    try {
        envguard::set(long_name + "=", "1");
        FAIL("set accepted a name with '='");
    } catch (const envguard::EnvError& e) {
        CHECK(std::string(e.what()).find("... (301 bytes)") != std::string::npos);
    }
}

