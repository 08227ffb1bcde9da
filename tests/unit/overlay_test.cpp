// overlay.hpp: EnvOverlay
#include "../support/fault_platform.hpp"
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using test::raw_get;
using test::RawVar;

namespace {
std::optional<std::string> value(const char* v) { return std::optional<std::string>(v); }
std::optional<std::string> value(const std::string& v) { return v; }

// A path list with the platform's separator (':' on POSIX, ';' on Windows).
std::string list(std::initializer_list<const char*> entries) {
    std::string out;
    for (const char* entry : entries) {
        if (!out.empty()) out += envguard::path_list_separator;
        out += entry;
    }
    return out;
}

envguard::EnvOverlay coverage_overlay() {
    envguard::EnvOverlay overlay;
    overlay.set_empty("RUSTC_WRAPPER").set("CARGO_INCREMENTAL", "1").unset("CARGO_TARGET_DIR");
    return overlay;
}
} // namespace

TEST_CASE("EnvOverlay: each operation prints as one line") {
    envguard::EnvOverlay overlay = coverage_overlay();
    overlay.prepend_path("PATH", "/x").append_path("PATH", "/y").set("Q", "say \"hi\"\n").clear().keep(
        "HOME");
    CHECK(overlay.to_string() == "RUSTC_WRAPPER=\"\" (set to empty, not unset)\n"
                                 "CARGO_INCREMENTAL=\"1\"\n"
                                 "CARGO_TARGET_DIR unset\n"
                                 "PATH prepend /x\n"
                                 "PATH append /y\n"
                                 "Q=\"say \\\"hi\\\"\\n\"\n"
                                 "clear (every variable not kept is removed)\n"
                                 "HOME kept\n");
    REQUIRE(overlay.size() == 8);
    CHECK(overlay.operations()[0].kind == envguard::EnvOverlay::Kind::set);
    CHECK(overlay.operations()[0].value.empty());
    CHECK(overlay.operations()[2].to_string() == "CARGO_TARGET_DIR unset");
}

TEST_CASE("EnvOverlay: render applies operations in order, a later one on the same name winning") {
    const envguard::EnvSnapshot base{{"RUSTC_WRAPPER", "sccache"}, {"CARGO_TARGET_DIR", "/shared"}};
    const auto child = coverage_overlay().render(base);
    CHECK(child.get("RUSTC_WRAPPER") == value(""));
    CHECK(child.get("CARGO_INCREMENTAL") == value("1"));
    CHECK_FALSE(child.contains("CARGO_TARGET_DIR"));

    envguard::EnvOverlay later;
    later.set("A", "1").unset("A").set_empty("B").set("B", "2").unset("C").set("C", "");
    const auto result = later.render({});
    CHECK_FALSE(result.contains("A"));
    CHECK(result.get("B") == value("2"));
    CHECK(result.get("C") == value(""));
}

TEST_CASE("EnvOverlay: render is pure: the process environment is untouched") {
    RawVar wrapper("RUSTC_WRAPPER", "sccache");
    const auto before = test::raw_environment();
    test::FaultPlatform counter;
    const auto child = coverage_overlay().render(envguard::EnvSnapshot::capture());
    CHECK(child.get("RUSTC_WRAPPER") == value(""));
    CHECK(counter.writes() == 0);
    CHECK(test::raw_environment() == before);
}

TEST_CASE("EnvOverlay: prepend_path and append_path leave no dangling separator") {
    envguard::EnvOverlay prepend;
    prepend.prepend_path("P", "/new");
    envguard::EnvOverlay append;
    append.append_path("P", "/new");
    // unset and empty both become the directory alone
    CHECK(prepend.render({}).get("P") == value("/new"));
    CHECK(prepend.render({{"P", ""}}).get("P") == value("/new"));
    CHECK(append.render({}).get("P") == value("/new"));
    CHECK(append.render({{"P", ""}}).get("P") == value("/new"));
    CHECK(prepend.render({{"P", list({"/a", "/b"})}}).get("P") == value(list({"/new", "/a", "/b"})));
    CHECK(append.render({{"P", list({"/a", "/b"})}}).get("P") == value(list({"/a", "/b", "/new"})));
}

TEST_CASE("EnvOverlay: a directory already in the path list is not added again") {
    envguard::EnvOverlay overlay;
    overlay.prepend_path("P", "/b").append_path("P", "/a").prepend_path("P", "/c").prepend_path("P",
                                                                                                "/c");
    CHECK(overlay.render({{"P", list({"/a", "/b"})}}).get("P") == value(list({"/c", "/a", "/b"})));
    // only whole entries count: /a is not "in" /ab
    envguard::EnvOverlay partial;
    partial.append_path("P", "/a");
    CHECK(partial.render({{"P", list({"/ab", "/x/a"})}}).get("P") == value(list({"/ab", "/x/a", "/a"})));
}

TEST_CASE("EnvOverlay: path entries that would corrupt the list are refused, naming the rule") {
    envguard::EnvOverlay overlay;
    CHECK_THROWS_WITH_AS(overlay.prepend_path("PATH", ""),
                         "envguard: cannot prepend to \"PATH\": a directory to add to a path list "
                         "must not be empty (an empty entry means the current directory)",
                         envguard::EnvError);
    CHECK_THROWS_WITH_AS(overlay.append_path("PATH", list({"/a", "/b"})),
                         (std::string("envguard: cannot append to \"PATH\": a directory to add to a path "
                                      "list must not contain '") +
                          envguard::path_list_separator + "', the list separator")
                             .c_str(),
                         envguard::EnvError);
    CHECK(overlay.empty()); // a refused operation is not recorded
}

TEST_CASE("EnvOverlay: bad names and values are refused when the operation is added") {
    envguard::EnvOverlay overlay;
    CHECK_THROWS_WITH_AS(overlay.set("", "1"),
                         "envguard: cannot set \"\": a variable name must not be empty",
                         envguard::EnvError);
    CHECK_THROWS_WITH_AS(overlay.unset("A=B"),
                         "envguard: cannot unset \"A=B\": a variable name must not contain '='",
                         envguard::EnvError);
    CHECK_THROWS_WITH_AS(overlay.set("A", std::string("x\0y", 3)),
                         "envguard: cannot set \"A\": a value must not contain a NUL character",
                         envguard::EnvError);
    CHECK_THROWS_AS(overlay.keep("=C:"), envguard::EnvError);
    CHECK(overlay.empty());
}

TEST_CASE("EnvOverlay: clear removes everything except the kept names") {
    envguard::EnvOverlay overlay;
    overlay.set("BEFORE", "dropped").clear().keep("HOME").set("AFTER", "1");
    const auto child = overlay.render({{"HOME", "/home/u"}, {"PATH", "/bin"}, {"X", ""}});
    CHECK(child == envguard::EnvSnapshot{{"AFTER", "1"}, {"HOME", "/home/u"}});
}

TEST_CASE("EnvOverlay: apply changes the process and its guard undoes it exactly") {
    RawVar wrapper("RUSTC_WRAPPER", "sccache");
    RawVar incremental("CARGO_INCREMENTAL", std::nullopt);
    RawVar target("CARGO_TARGET_DIR", "/shared/target");
    RawVar path("PATH", list({"/usr/bin", "/bin"}));
    const auto before = test::raw_environment();
    {
        envguard::EnvOverlay overlay = coverage_overlay();
        overlay.prepend_path("PATH", "/opt/llvm/bin");
        auto guard = overlay.apply();
        CHECK(guard.active());
        CHECK(raw_get("RUSTC_WRAPPER") == value(""));
        CHECK(raw_get("CARGO_INCREMENTAL") == value("1"));
        CHECK(raw_get("CARGO_TARGET_DIR") == std::nullopt);
        CHECK(raw_get("PATH") == value(list({"/opt/llvm/bin", "/usr/bin", "/bin"})));
    }
    CHECK(test::raw_environment() == before);
}

TEST_CASE("EnvOverlay: apply writes only what really changes") {
    RawVar a("ENVGUARD_T_A", "same");
    RawVar b("ENVGUARD_T_B", std::nullopt);
    envguard::EnvOverlay overlay;
    overlay.set("ENVGUARD_T_A", "same").unset("ENVGUARD_T_B").set("ENVGUARD_T_C", "new");
    RawVar c("ENVGUARD_T_C", std::nullopt);
    test::FaultPlatform counter;
    {
        auto guard = overlay.apply();
        CHECK(counter.writes() == 1);
        CHECK(guard.saved().size() == 1);
    }
    CHECK(counter.writes() == 2);
    CHECK(raw_get("ENVGUARD_T_C") == std::nullopt);
}

TEST_CASE("EnvOverlay: apply with clear empties the process environment and restores it all") {
    RawVar keep("ENVGUARD_T_KEEP", "k");
    const auto before = test::raw_environment();
    {
        envguard::EnvOverlay overlay;
        overlay.clear().keep("ENVGUARD_T_KEEP").set_empty("ENVGUARD_T_E");
        auto guard = overlay.apply();
        const auto during = test::raw_environment();
        CHECK(during.size() == 2);
        CHECK(during.at("ENVGUARD_T_KEEP") == "k");
        CHECK(during.at("ENVGUARD_T_E").empty());
    }
    CHECK(test::raw_environment() == before);
}

TEST_CASE("EnvOverlay: overlays compare by their operations") {
    CHECK(coverage_overlay() == coverage_overlay());
    envguard::EnvOverlay other = coverage_overlay();
    other.unset("X");
    CHECK(other != coverage_overlay());
}
