// fmt.hpp: fmt::formatter for envguard's printable types. Built against both header forms (the
// build says which with ENVGUARD_EXPECT_SINGLE_HEADER) and linked with fmt. fmt.hpp comes first, and
// twice: it must be self-contained and include-once.
#include <envguard/fmt.hpp>
#include <envguard/fmt.hpp>

#include <doctest/doctest.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace {

envguard::EnvOverlay coverage_overlay() {
    envguard::EnvOverlay overlay;
    overlay.set_empty("RUSTC_WRAPPER").set("CARGO_INCREMENTAL", "1").unset("CARGO_TARGET_DIR");
    return overlay;
}

envguard::EnvError error_from_set(const char* name, const char* value) {
    try {
        envguard::set(name, value);
    } catch (const envguard::EnvError& error) {
        return error;
    }
    FAIL("envguard::set(\"" << name << "\", ...) did not throw");
    return envguard::EnvError({}, {}, {});
}

} // namespace

TEST_CASE("fmt.hpp is built against the header form the build asked for") {
    CHECK(ENVGUARD_SINGLE_HEADER == ENVGUARD_EXPECT_SINGLE_HEADER);
}

TEST_CASE("an operation formats as one --dry-run line, the same text as to_string") {
    using Op = envguard::EnvOverlay::Operation;
    using Kind = envguard::EnvOverlay::Kind;
    CHECK(fmt::format("{}", Op{Kind::set, "RUSTC_WRAPPER", ""}) == "RUSTC_WRAPPER=\"\" (set to empty, not unset)");
    CHECK(fmt::format("{}", Op{Kind::set, "A", "say \"hi\""}) == "A=\"say \\\"hi\\\"\"");
    CHECK(fmt::format("{}", Op{Kind::unset, "CARGO_TARGET_DIR", ""}) == "CARGO_TARGET_DIR unset");
    CHECK(fmt::format("{}", Op{Kind::prepend_path, "PATH", "/x"}) == "PATH prepend /x");
    CHECK(fmt::format("{}", Op{Kind::append_path, "PATH", "/y"}) == "PATH append /y");
    CHECK(fmt::format("{}", Op{Kind::clear, "", ""}) == "clear (every variable not kept is removed)");
    CHECK(fmt::format("{}", Op{Kind::keep, "HOME", ""}) == "HOME kept");
    const envguard::EnvOverlay overlay = coverage_overlay();
    for (const auto& op : overlay.operations()) CHECK(fmt::format("{}", op) == op.to_string());
}

TEST_CASE("an overlay formats as its operations, one per line") {
    envguard::EnvOverlay overlay = coverage_overlay();
    overlay.prepend_path("PATH", "/opt/bin");
    const std::string text = fmt::format("{}", overlay);
    CHECK(text ==
          "RUSTC_WRAPPER=\"\" (set to empty, not unset)\n"
          "CARGO_INCREMENTAL=\"1\"\n"
          "CARGO_TARGET_DIR unset\n"
          "PATH prepend /opt/bin\n");
    CHECK(text == overlay.to_string());
    CHECK(fmt::format("[{}]", envguard::EnvOverlay()) == "[]");
}

TEST_CASE("a snapshot diff is an overlay, and formats as one") {
    const envguard::EnvSnapshot before{{"A", "1"}, {"B", ""}, {"C", "x"}};
    const envguard::EnvSnapshot after{{"A", "1"}, {"B", "now"}, {"D", ""}};
    CHECK(fmt::format("{}", before.diff(after)) ==
          "B=\"now\"\n"
          "C unset\n"
          "D=\"\" (set to empty, not unset)\n");
    CHECK(fmt::format("{}", before.diff(before)).empty());
}

TEST_CASE("the string format specification applies to the whole text") {
    using Op = envguard::EnvOverlay::Operation;
    const Op op{envguard::EnvOverlay::Kind::unset, "A", ""};
    CHECK(fmt::format("[{:>10}]", op) == "[   A unset]");
    CHECK(fmt::format("[{:-^11}]", op) == "[--A unset--]");
    CHECK(fmt::format("[{:.3}]", op) == "[A u]");
    CHECK(fmt::format("[{:<8}]", envguard::Severity::info) == "[info    ]");
}

TEST_CASE("severity and coverage mode format as their names") {
    CHECK(fmt::format("{} {} {}", envguard::Severity::info, envguard::Severity::warning,
                      envguard::Severity::error) == "info warning error");
    CHECK(fmt::format("{}/{}", envguard::CoverageMode::lcov, envguard::CoverageMode::fast) == "lcov/fast");
}

TEST_CASE("a finding formats as severity, variable, problem and fix on one line") {
    const envguard::Finding with_variable{envguard::Severity::error, "RUSTC_WRAPPER", "the problem", "the fix"};
    CHECK(fmt::format("{}", with_variable) == "error: RUSTC_WRAPPER: the problem (fix: the fix)");
    const envguard::Finding without_variable{envguard::Severity::warning, "", "two config files", "remove one"};
    CHECK(fmt::format("{}", without_variable) == "warning: two config files (fix: remove one)");
    const envguard::Finding without_fix{envguard::Severity::info, "X", "noted", ""};
    CHECK(fmt::format("{}", without_fix) == "info: X: noted");

    // One the library itself produces.
    const auto findings = envguard::check_coverage_environment(
        envguard::EnvSnapshot{{"RUSTC_WRAPPER", ""}, {"CARGO_TARGET_DIR", ""}});
    REQUIRE(findings.size() == 1);
    CHECK(fmt::format("{}", findings[0]) ==
          "error: CARGO_TARGET_DIR: CARGO_TARGET_DIR is set to the empty string: cargo stops with \"the "
          "target directory is set to an empty string\" (fix: unset CARGO_TARGET_DIR (not empty) to use "
          "the workspace's target/)");
}

TEST_CASE("an EnvError formats as what() and its details: name, code, OS code") {
    const envguard::EnvError bad_name = error_from_set("A=B", "x");
    CHECK(fmt::format("{}", bad_name) ==
          "envguard: cannot set \"A=B\": a variable name must not contain '=' "
          "[name \"A=B\", envguard:1 invalid environment variable name]");

    // The name in the details is escaped as in what(): a newline cannot forge another line.
    const envguard::EnvError escaped(envguard::make_error_code(envguard::errc::invalid_name), "A\nB",
                                     "envguard: cannot set \"A\\nB\": example");
    CHECK(fmt::format("{}", escaped) ==
          "envguard: cannot set \"A\\nB\": example [name \"A\\nB\", envguard:1 invalid environment variable name]");

    const envguard::EnvError os_refused(envguard::make_error_code(envguard::errc::os_error), "X",
                                        "envguard: cannot set \"X\": the OS refused",
                                        std::error_code(EINVAL, std::generic_category()));
    CHECK(fmt::format("{}", os_refused) ==
          "envguard: cannot set \"X\": the OS refused [name \"X\", envguard:5 the operating system refused "
          "the environment change, os generic:22 Invalid argument]");
}
