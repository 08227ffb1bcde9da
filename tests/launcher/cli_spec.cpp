// Specs for the launcher's command-line pieces: the split at "--" (launcher/cli_support), run's words
// as GNU env reads them (launcher/commands/run_words), the coverage mode from --mode and its
// shorthands (launcher/commands/coverage_mode), the validators the options use, and check's two
// output forms (launcher/commands/check_report). tests/launcher/cli_test.sh runs the same through the
// real program.
#include <doctest/doctest.h>

#include "cli_support.hpp"
#include "commands/check_report.hpp"
#include "commands/coverage_mode.hpp"
#include "commands/run_words.hpp"

#include <string>
#include <vector>

using Words = std::vector<std::string>;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The message of the UsageError BODY throws ("" when it throws none).
template <typename Body>
std::string usage_error_of(Body body) {
    try {
        body();
    } catch (const launcher::UsageError& error) {
        return error.what();
    }
    return {};
}

} // namespace

TEST_CASE("split_at_dashes: the first -- splits; later ones belong to what follows") {
    const auto split = launcher::split_at_dashes({"run", "X=1", "--", "cmd", "--", "arg"});
    CHECK(split.options == Words{"run", "X=1"});
    CHECK(split.after_dashes == Words{"cmd", "--", "arg"});
    CHECK(split.had_dashes);

    const auto none = launcher::split_at_dashes({"check", "--format", "json"});
    CHECK(none.options == Words{"check", "--format", "json"});
    CHECK(none.after_dashes.empty());
    CHECK_FALSE(none.had_dashes);

    const auto trailing = launcher::split_at_dashes({"coverage", "--"});
    CHECK(trailing.options == Words{"coverage"});
    CHECK(trailing.after_dashes.empty());
    CHECK(trailing.had_dashes); // `check --` is refused for it, with nothing after
}

TEST_CASE("shell_quote and join_command: plain words as they are, the rest in single quotes") {
    CHECK(launcher::shell_quote("cargo") == "cargo");
    CHECK(launcher::shell_quote("--output-path=a/b.json") == "--output-path=a/b.json");
    CHECK(launcher::shell_quote("") == "''");
    CHECK(launcher::shell_quote("a b") == "'a b'");
    CHECK(launcher::shell_quote("it's") == "'it'\\''s'");
    CHECK(launcher::join_command({"cargo", "llvm-cov", "a b"}) == "cargo llvm-cov 'a b'");
    CHECK(launcher::join_command({}).empty());
}

TEST_CASE("display_value: unset, empty and set are three different things") {
    CHECK(launcher::display_value(std::nullopt) == "unset");
    CHECK(launcher::display_value(std::string()) == "\"\" (set to empty, not unset)");
    CHECK(launcher::display_value(std::string("1")) == "\"1\"");
}

TEST_CASE("split_name_dir and split_commas") {
    CHECK(launcher::split_name_dir("PATH=/opt/bin", "--prepend-path") ==
          std::pair<std::string, std::string>{"PATH", "/opt/bin"});
    CHECK(launcher::split_name_dir("P=a=b", "--append-path").second == "a=b");
    CHECK(usage_error_of([] { (void)launcher::split_name_dir("PATH", "--append-path"); }) ==
          "envguard: --append-path wants NAME=DIR, got PATH");
    CHECK(launcher::split_commas({"a,b", "c"}) == Words{"a", "b", "c"});
    CHECK(launcher::split_commas({"a,"}) == Words{"a", ""}); // the library refuses the empty name
    CHECK(launcher::split_commas({}).empty());
}

TEST_CASE("did_you_mean: the nearest candidate within two edits") {
    CHECK(launcher::did_you_mean("covrage", {"run", "coverage", "check"}) == std::optional<std::string>("coverage"));
    CHECK(launcher::did_you_mean("--formt", {"--format", "--for"}) == std::optional<std::string>("--format"));
    CHECK_FALSE(launcher::did_you_mean("zzzzzz", {"run", "check"}));
    CHECK(launcher::suggestion("chek", {"check"}) == " (did you mean check?)");
    CHECK(launcher::suggestion("xyzzy", {"check"}).empty());
}

TEST_CASE("one_of: a known value passes; another throws the launcher's own sentence") {
    const CLI::Validator format = launcher::one_of(
        {"text", "json"}, [](const std::string& value) { return "bad " + value; }, false);
    std::string text = "text";
    CHECK(format(text).empty());
    std::string xml = "xml";
    CHECK(usage_error_of([&] { (void)format(xml); }) == "bad xml");
    std::string empty;
    CHECK(usage_error_of([&] { (void)format(empty); }) == "bad ");
    const CLI::Validator optional = launcher::one_of(
        {"build"}, [](const std::string& value) { return "bad " + value; }, true);
    CHECK(optional(empty).empty());
}

TEST_CASE("not_an_option: a value that looks like an option is refused") {
    std::string value = "--dry-run";
    CHECK(contains(launcher::not_an_option(value), "needs a value, but got --dry-run"));
    std::string dash = "-";
    CHECK(launcher::not_an_option(dash).empty()); // "-" is a value (stdin, a file name)
    std::string plain = "NAME";
    CHECK(launcher::not_an_option(plain).empty());
}

TEST_CASE("add_repeated_option: one value per occurrence, repeatable, never an option-looking word") {
    std::vector<std::string> names;
    bool dry_run = false;
    CLI::App app;
    launcher::add_repeated_option(app, "-u,--unset", names, "Remove NAME", "NAME");
    app.add_flag("--dry-run", dry_run);
    app.allow_extras();
    app.parse(std::string("-u A --unset B C"), false);
    CHECK(names == Words{"A", "B"});
    CHECK(app.remaining() == Words{"C"}); // the word after a value is not taken as a second value
    CHECK(app.get_option("--unset")->get_type_name() == "NAME");

    names.clear();
    CLI::App strict;
    launcher::add_repeated_option(strict, "-u,--unset", names, "Remove NAME", "NAME");
    strict.add_flag("--dry-run", dry_run);
    CHECK_THROWS_AS(strict.parse(std::string("--unset=--dry-run"), false), CLI::ValidationError);
    CHECK(names.empty());
}

TEST_CASE("run_words: options after the first NAME=VALUE or command word are refused") {
    const Words known{"--unset", "-u", "--dry-run"};
    CHECK(usage_error_of([&] { (void)launcher::run_words({"X=1", "--dry-run", "true"}, {}, false, known); }) ==
          "envguard: run: --dry-run must come before NAME=VALUE and the command");
    CHECK(usage_error_of([&] { (void)launcher::run_words({"--nope", "true"}, {}, false, known); }) ==
          "envguard: run: unknown option --nope (a command that starts with '-' goes after --)");
    // a word after the command is the command's
    CHECK(launcher::run_words({"ls", "-l"}, {}, false, known) == Words{"ls", "-l"});
}

TEST_CASE("run_words: a -- after the command is the command's; after assignments it is not") {
    CHECK(launcher::run_words({"X=1", "grep"}, {"-e", "x"}, true, {}) == Words{"X=1", "grep", "--", "-e", "x"});
    CHECK(launcher::run_words({"X=1"}, {"Y=2", "env"}, true, {}) == Words{"X=1", "Y=2", "env"});
    CHECK(launcher::run_words({}, {"true"}, true, {}) == Words{"true"});
    CHECK(launcher::run_words({"true"}, {}, false, {}) == Words{"true"});
}

TEST_CASE("split_run_words: leading NAME=VALUE words, split at the first '='; then the command") {
    const auto words = launcher::split_run_words({"A=1", "B=x=y", "C=", "cmd", "D=2"});
    REQUIRE(words.assignments.size() == 3);
    CHECK(words.assignments[1] == std::pair<std::string, std::string>{"B", "x=y"});
    CHECK(words.assignments[2] == std::pair<std::string, std::string>{"C", ""});
    CHECK(words.command == Words{"cmd", "D=2"});
    CHECK(launcher::split_run_words({"A=1"}).command.empty());
}

TEST_CASE("cargo commands: which ones run cargo, what they build for, llvm-cov's arguments") {
    CHECK(launcher::runs_cargo({"cargo", "build"}));
    CHECK(launcher::runs_cargo({"/home/u/.cargo/bin/cargo"}));
    CHECK_FALSE(launcher::runs_cargo({"cargo-llvm-cov"}));
    CHECK_FALSE(launcher::runs_cargo({}));
    CHECK(launcher::cargo_command_predicts({"cargo", "test"}) == launcher::PredictFor::coverage);
    CHECK(launcher::cargo_command_predicts({"cargo", "llvm-cov"}) == launcher::PredictFor::coverage);
    CHECK(launcher::cargo_command_predicts({"cargo", "build"}) == launcher::PredictFor::build);
    CHECK(launcher::cargo_llvm_cov_arguments({"cargo", "llvm-cov", "--html"}) == std::optional<Words>(Words{"--html"}));
    CHECK_FALSE(launcher::cargo_llvm_cov_arguments({"cargo", "test"}));
}

TEST_CASE("chosen_coverage_mode: --mode or one shorthand, html by default") {
    CHECK(launcher::chosen_coverage_mode("", {}) == "html");
    CHECK(launcher::chosen_coverage_mode("lcov", {}) == "lcov");
    CHECK(launcher::chosen_coverage_mode("", {"json"}) == "json");
    CHECK(launcher::chosen_coverage_mode("json", {"json"}) == "json");
    CHECK(usage_error_of([] { (void)launcher::chosen_coverage_mode("", {"html", "lcov"}); }) ==
          "envguard: coverage: choose one mode: --html and --lcov were both given");
    CHECK(usage_error_of([] { (void)launcher::chosen_coverage_mode("text", {"lcov"}); }) ==
          "envguard: coverage: choose one mode: --mode text and --lcov were both given");
}

TEST_CASE("unknown_coverage_mode_message names the mode, a likely one and every known one") {
    CHECK(launcher::unknown_coverage_mode_message("nope") ==
          "envguard: unknown coverage mode \"nope\" (did you mean open?) (known: html, open, text, lcov, json, "
          "fast, ci, cobertura)");
    CHECK(launcher::coverage_mode_names().size() == 8);
}

TEST_CASE("check_predicts_for: --for, else the profile's name") {
    CHECK(launcher::check_predicts_for("build", "coverage") == launcher::PredictFor::build);
    CHECK(launcher::check_predicts_for("coverage", "") == launcher::PredictFor::coverage);
    CHECK(launcher::check_predicts_for("", "ci-coverage") == launcher::PredictFor::coverage);
    CHECK(launcher::check_predicts_for("", "sccache") == launcher::PredictFor::build);
}

namespace {

launcher::CheckReport sample_report() {
    launcher::CheckReport report;
    report.dir = "/ws/crates/a";
    report.root = "/ws";
    report.profile = "coverage";
    report.what = launcher::PredictFor::coverage;
    report.config.files = {"/ws/.cargo/config.toml", "/home/u/.cargo/config.toml"};
    report.prediction.wrapper.program = "sccache";
    report.prediction.wrapper.rule = "build.rustc-wrapper";
    report.prediction.wrapper.source = {"/ws/.cargo/config.toml", 3};
    report.prediction.workspace_wrapper.rule = "not set";
    report.prediction.cargo_profile = "test";
    report.prediction.incremental = true;
    report.prediction.incremental_rule = "CARGO_INCREMENTAL=\"1\" in the environment";
    report.prediction.wrapper_sees_incremental = "1";
    report.prediction.target_dir = std::filesystem::path("/ws/target");
    report.prediction.target_dir_rule = "the default";
    report.prediction.findings = {{envguard::Severity::error, "CARGO_INCREMENTAL", "sccache refuses it", "unset it"},
                                  {envguard::Severity::info, "", "a note", "nothing"}};
    return report;
}

} // namespace

TEST_CASE("check_json: the envguard-check/1 fields, null for what is not known") {
    const nlohmann::json out = launcher::check_json(sample_report());
    CHECK(out["schema"] == "envguard-check/1");
    CHECK(out["for"] == "coverage");
    CHECK(out["profile"] == "coverage");
    CHECK(out["config_files"].size() == 2);
    CHECK(out["wrapper"]["program"] == "sccache");
    CHECK(out["wrapper"]["source"]["line"] == 3);
    CHECK(out["workspace_wrapper"]["program"].is_null());
    CHECK(out["workspace_wrapper"]["source"].is_null());
    CHECK(out["wrapper_nesting"].is_null());
    CHECK(out["incremental"]["enabled"] == true);
    CHECK(out["target_dir"]["path"] == "/ws/target");
    CHECK(out["findings"].size() == 2);
    CHECK(out["findings"][0]["severity"] == "error");
    CHECK(out["will_fail"] == true);
    CHECK_FALSE(out.contains("sccache_stats")); // only when an sccache answered
    CHECK(out["cargo_llvm_cov"] == nlohmann::json{{"installed", false}});

    const nlohmann::json error = launcher::check_error_json("envguard: no Cargo.toml");
    CHECK(error["error"] == "envguard: no Cargo.toml");
    CHECK(error["will_fail"].is_null());
}

TEST_CASE("check_text: one line per setting, the findings with their fixes, the result") {
    const std::string text = launcher::check_text(sample_report(), false);
    CHECK(contains(text, "envguard check: /ws/crates/a (with profile coverage)\n"));
    CHECK(contains(text, "config files:      /ws/.cargo/config.toml\n                   /home/u/.cargo/config.toml\n"));
    CHECK(contains(text, "wrapper:           sccache — build.rustc-wrapper\n"));
    CHECK(contains(text, "workspace wrapper: none — not set\n"));
    CHECK(contains(text, "incremental:       on (test profile) — CARGO_INCREMENTAL=\"1\" in the environment\n"));
    CHECK(contains(text, "the wrapper sees:  CARGO_INCREMENTAL \"1\"\n"));
    CHECK(contains(text, "cargo-llvm-cov:    not installed"));
    CHECK(contains(text, "error: CARGO_INCREMENTAL: sccache refuses it\n    fix: unset it\n"));
    CHECK(contains(text, "info: a note\n"));
    CHECK(contains(text, "result: the build will FAIL here (1 error)\n"));
    CHECK_FALSE(contains(text, "\x1b[")); // no colour unless asked

    launcher::CheckReport fine = sample_report();
    fine.prediction.findings.clear();
    fine.profile.clear();
    const std::string coloured = launcher::check_text(fine, true);
    CHECK(contains(coloured, "envguard check: /ws/crates/a\n"));
    CHECK(contains(coloured, "\x1b[")); // the result line is green
    CHECK(contains(coloured, "result: the build will work here"));
    CHECK(launcher::count_errors(sample_report().prediction.findings) == 1);
}
