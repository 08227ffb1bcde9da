// Windows only: the three states through the Win32 block, the CRT's limit, children, case, non-ASCII
// text, argv quoting and the hidden "=C:" entries. Run under wine in CI.
#include "../support/fault_platform.hpp"
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using test::raw_get;
using test::RawVar;

namespace {
std::optional<std::string> value(const char* v) { return std::optional<std::string>(v); }

// The directory of this test program (env_child.exe is built next to it), in Windows form.
std::string here() {
    wchar_t path[MAX_PATH];
    const DWORD n = ::GetModuleFileNameW(nullptr, path, MAX_PATH);
    std::string text = raw::narrow(std::wstring(path, n));
    return text.substr(0, text.find_last_of("\\/"));
}

std::string temp_file(const char* name) {
    wchar_t dir[MAX_PATH];
    const DWORD n = ::GetTempPathW(MAX_PATH, dir);
    return raw::narrow(std::wstring(dir, n)) + name;
}

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(raw::wide(path).c_str(), std::ios::binary);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

// Runs env_child with ARGS in the environment ENV and returns the lines it wrote.
std::vector<std::string> child(const std::vector<std::string>& args, const envguard::EnvSnapshot& env) {
    const std::string out = temp_file("envguard-child.txt");
    std::vector<std::string> argv{here() + "\\env_child.exe", out};
    argv.insert(argv.end(), args.begin(), args.end());
    REQUIRE(envguard::run(argv, env) == 0);
    return lines_of(out);
}
} // namespace

TEST_CASE("windows: an empty value is set, not deleted, through set, snapshot, restore and guard exit") {
    RawVar x("ENVGUARD_W_EMPTY", std::nullopt);
    envguard::set("ENVGUARD_W_EMPTY", "");
    CHECK(raw_get("ENVGUARD_W_EMPTY") == value("")); // GetEnvironmentVariableW: 0, and no error
    CHECK(envguard::get("ENVGUARD_W_EMPTY") == value(""));
    const auto snapshot = envguard::EnvSnapshot::capture();
    CHECK(snapshot.get("ENVGUARD_W_EMPTY") == value(""));
    {
        envguard::ScopedEnv guard("ENVGUARD_W_EMPTY", "changed");
        CHECK(raw_get("ENVGUARD_W_EMPTY") == value("changed"));
    }
    CHECK(raw_get("ENVGUARD_W_EMPTY") == value("")); // came back empty, not deleted
    test::raw_unset("ENVGUARD_W_EMPTY");
    snapshot.restore();
    CHECK(raw_get("ENVGUARD_W_EMPTY") == value(""));
    test::raw_unset("ENVGUARD_W_EMPTY");
}

TEST_CASE("windows: the CRT's getenv follows values; it cannot hold an empty one (documented)") {
    RawVar x("ENVGUARD_W_CRT", std::nullopt);
    envguard::set("ENVGUARD_W_CRT", "v");
    REQUIRE(std::getenv("ENVGUARD_W_CRT") != nullptr);
    CHECK(std::string(std::getenv("ENVGUARD_W_CRT")) == "v");
    envguard::set("ENVGUARD_W_CRT", "");
    CHECK(std::getenv("ENVGUARD_W_CRT") == nullptr); // the CRT's limit...
    CHECK(raw_get("ENVGUARD_W_CRT") == value(""));   // ...while the OS block, the truth, has it
    envguard::unset("ENVGUARD_W_CRT");
    CHECK(std::getenv("ENVGUARD_W_CRT") == nullptr);
    CHECK(raw_get("ENVGUARD_W_CRT") == std::nullopt);
}

TEST_CASE("windows: a child sees an empty variable as set and empty") {
    envguard::EnvSnapshot env = envguard::EnvSnapshot::capture();
    env.set("RUSTC_WRAPPER", "").unset("CARGO_TARGET_DIR");
    CHECK(child({"vars", "RUSTC_WRAPPER", "CARGO_TARGET_DIR"}, env) ==
          std::vector<std::string>{"RUSTC_WRAPPER=", "CARGO_TARGET_DIR unset"});
    // cmd /c set RUSTC_WRAPPER prints RUSTC_WRAPPER=
    const std::string out = temp_file("envguard-cmd.txt");
    CHECK(envguard::run({"cmd", "/c", "set RUSTC_WRAPPER>" + out}, env) == 0);
    const auto lines = lines_of(out);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.front() == "RUSTC_WRAPPER=");
}

TEST_CASE("windows: names are case-insensitive and case-preserving") {
    RawVar mixed("EnvGuard_W_Mixed", std::string("1"));
    CHECK(envguard::get("ENVGUARD_W_MIXED") == value("1"));
    {
        envguard::ScopedEnv guard("envguard_w_mixed", "2");
        CHECK(raw_get("EnvGuard_W_Mixed") == value("2"));
    }
    CHECK(raw_get("ENVGUARD_W_MIXED") == value("1"));
    CHECK(test::raw_environment().count("EnvGuard_W_Mixed") == 1); // the original spelling is back
    auto snapshot = envguard::EnvSnapshot::capture();
    CHECK(snapshot.get("ENVGUARD_W_MIXED") == value("1"));
    snapshot.set("envguard_w_mixed", "3");
    std::size_t spellings = 0;
    for (const auto& entry : snapshot)
        if (entry.first == "EnvGuard_W_Mixed") ++spellings;
    CHECK(spellings == 1); // one entry, still spelled as the OS spells it
    CHECK(snapshot.get("EnvGuard_W_Mixed") == value("3"));
}

TEST_CASE("windows: non-ASCII names and values round-trip to a child") {
    envguard::EnvSnapshot env = envguard::EnvSnapshot::capture();
    const std::string name = "ENVGUARD_\xC3\xA9T\xC3\xA9";                        // ENVGUARD_éTé
    const std::string text = "caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\xA6\x80"; // café 中文 🦀
    env.set(name, text);
    CHECK(child({"vars", name}, env) == std::vector<std::string>{name + "=" + text});
    RawVar own(name.c_str(), std::nullopt);
    envguard::set(name, text);
    CHECK(raw_get(name.c_str()) == value(text.c_str()));
}

TEST_CASE("windows: argv round-trips through the command line a child splits") {
    const std::vector<std::string> args{"plain", "with space", "", "quote\"inside", "trailing\\",
                                        "back\\\\slash\\\"quote", "tab\there", "C:\\Program Files\\x\\",
                                        "\xC3\xA9\xF0\x9F\xA6\x80"};
    std::vector<std::string> argv{"args"};
    argv.insert(argv.end(), args.begin(), args.end());
    CHECK(child(argv, envguard::EnvSnapshot::capture()) == args);
}

TEST_CASE("windows: =C: entries are refused for writes and passed on to children") {
    CHECK_THROWS_WITH_AS(envguard::set("=C:", "C:\\"),
                         "envguard: cannot set \"=C:\": a variable name must not start with '='",
                         envguard::EnvError);
    // Plant a hidden per-drive entry the way cmd.exe does (straight through Win32), then check that
    // a snapshot keeps it and a child's block carries it.
    REQUIRE(::SetEnvironmentVariableW(L"=Q:", L"Q:\\envguard") != FALSE);
    const envguard::EnvSnapshot env = envguard::EnvSnapshot::capture();
    ::SetEnvironmentVariableW(L"=Q:", nullptr);
    CHECK(env.get("=Q:") == value("Q:\\envguard"));
    const auto block = child({"block"}, env);
    bool passed = false, has_system_root = false;
    for (const auto& line : block) {
        passed = passed || line == "=Q:=Q:\\envguard";
        has_system_root = has_system_root || line.rfind("SystemRoot=", 0) == 0;
    }
    CHECK(passed);
    CHECK(has_system_root);
}

TEST_CASE("windows: invalid UTF-8 and over-long values are refused, changing nothing") {
    RawVar x("ENVGUARD_W_BAD", std::string("kept"));
    CHECK_THROWS_WITH_AS(envguard::set("ENVGUARD_W_BAD", "\xFF\xFE"),
                         "envguard: cannot set \"ENVGUARD_W_BAD\": a value must be valid UTF-8",
                         envguard::EnvError);
    CHECK_THROWS_WITH_AS(envguard::set("BAD\xC3", "1"),
                         "envguard: cannot set \"BAD\xC3\": a variable name must be valid UTF-8",
                         envguard::EnvError);
    try {
        envguard::set("ENVGUARD_W_BAD", std::string(32767, 'x'));
        FAIL("no exception");
    } catch (const envguard::EnvError& error) {
        CHECK(error.code() == envguard::errc::value_too_long);
    }
    // The longest value envguard accepts round-trips exactly.
    envguard::set("ENVGUARD_W_BAD", std::string(32766, 'x'));
    CHECK(raw_get("ENVGUARD_W_BAD") == std::optional<std::string>(std::string(32766, 'x')));
    test::raw_set("ENVGUARD_W_BAD", "kept");
    CHECK(raw_get("ENVGUARD_W_BAD") == value("kept"));
}

TEST_CASE("windows: a child's block is sorted case-insensitively with one entry per name") {
    envguard::EnvSnapshot env;
    env.set("b", "2").set("A", "1").set("_u", "3").set("B", "4");
    const envguard::EnvBlock block(env);
    std::vector<std::string> entries;
    for (const wchar_t* e = block.block(); *e; e += std::wcslen(e) + 1) entries.push_back(raw::narrow(e));
    REQUIRE(entries.size() == 4); // A, b (=4, one entry for b/B), SystemRoot, _u
    CHECK(entries[0] == "A=1");
    CHECK(entries[1] == "b=4");
    CHECK(entries[2].rfind("SystemRoot=", 0) == 0);
    CHECK(entries[3] == "_u=3");
    const envguard::EnvBlock empty(envguard::EnvSnapshot{});
    CHECK(empty.count() == 1); // SystemRoot alone
}

TEST_CASE("windows: a moved-from block has no entries and a null block until assigned") {
    envguard::EnvBlock source(envguard::EnvSnapshot{{"A", "1"}});
    const envguard::EnvBlock taken(std::move(source));
    CHECK(taken.count() == 2); // A and SystemRoot
    CHECK(source.count() == 0); // NOLINT(bugprone-use-after-move): what a moved-from block says
    CHECK(source.block() == nullptr);
    source = taken;
    CHECK(source.count() == 2);
    CHECK(source.block() != nullptr);
}
