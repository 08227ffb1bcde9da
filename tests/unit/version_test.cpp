// version.hpp and config.hpp
#include <envguard/envguard.hpp>

#include <doctest/doctest.h>

#include <string>

TEST_CASE("version: the integer version agrees with its three parts") {
    CHECK(ENVGUARD_VERSION ==
          ENVGUARD_VERSION_MAJOR * 10000 + ENVGUARD_VERSION_MINOR * 100 + ENVGUARD_VERSION_PATCH);
    CHECK(ENVGUARD_VERSION_MAJOR == 1);
}

TEST_CASE("config: the suite was built against the header form the build asked for") {
    // ENVGUARD_EXPECT_SINGLE_HEADER comes from the build; a build that silently picked the split
    // headers while claiming to test the single header (or the reverse) fails here.
    CHECK(ENVGUARD_SINGLE_HEADER == ENVGUARD_EXPECT_SINGLE_HEADER);
#ifndef ENVGUARD_EXPECT_SEPARATE
#    define ENVGUARD_EXPECT_SEPARATE 0
#endif
    // The same for the compile mode (issue #19): the separate-compilation suite sees declarations
    // only, its bodies come from envguard::envguard_compiled.
    CHECK(ENVGUARD_SEPARATE == ENVGUARD_EXPECT_SEPARATE);
    CHECK(ENVGUARD_BODIES == 1 - ENVGUARD_EXPECT_SEPARATE);
}

TEST_CASE("config: the API lives in the inline namespace envguard::v1") {
    envguard::v1::EnvOverlay overlay; // the same type under both names
    envguard::EnvOverlay& same = overlay;
    same.set("A", "1");
    CHECK(overlay.size() == 1);
}
