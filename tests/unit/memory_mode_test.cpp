// Who owns the strings guards put in environ: MemoryMode::keep (default: the original string itself
// comes back) and MemoryMode::reclaim (envguard's own strings, freed once nothing refers to them).
// Counts, never timings: the registry of owned strings is read directly. Also run under valgrind
// (tests/CMakeLists.txt: memory_mode.valgrind) and in the ASan build.
#include "../support/fault_platform.hpp"
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

using test::raw_get;
using test::RawVar;

namespace {

// Sets a memory mode for one test and always puts the default back.
class ModeScope {
public:
    explicit ModeScope(envguard::MemoryMode mode) : previous_(envguard::set_memory_mode(mode)) {}
    ~ModeScope() { envguard::set_memory_mode(previous_); }
    ModeScope(const ModeScope&) = delete;
    ModeScope& operator=(const ModeScope&) = delete;

private:
    envguard::MemoryMode previous_;
};

std::size_t owned_count() { return envguard::detail::owned_strings().size; }

} // namespace

TEST_CASE("memory mode: keep is the default; set_memory_mode returns the previous mode") {
    CHECK(envguard::memory_mode() == envguard::MemoryMode::keep);
    CHECK(envguard::set_memory_mode(envguard::MemoryMode::reclaim) == envguard::MemoryMode::keep);
    CHECK(envguard::memory_mode() == envguard::MemoryMode::reclaim);
    CHECK(envguard::set_memory_mode(envguard::MemoryMode::keep) == envguard::MemoryMode::reclaim);
    CHECK(envguard::memory_mode() == envguard::MemoryMode::keep);
}

#ifndef _WIN32

// Issue #16 item 5: a library that putenv's strings of its own and frees the one it replaced (legal
// POSIX; CPython up to 3.8 did it) must not make a guard's restore read freed memory. The guard
// writes its own copy of the original instead (the sanitizer build turns a read into a failure).
namespace {
struct FreeingLibrary {
    char* current = nullptr;
    void set(const char* value) {
        const std::string text = std::string("ENVGUARD_T_TZ=") + value;
        auto* fresh = static_cast<char*>(std::malloc(text.size() + 1));
        REQUIRE(fresh != nullptr);
        std::memcpy(fresh, text.c_str(), text.size() + 1);
        ::putenv(fresh);
        if (current != nullptr) std::memset(current, 'X', std::strlen(current)); // as freed memory may be
        std::free(current);
        current = fresh;
    }
    ~FreeingLibrary() {
        ::unsetenv("ENVGUARD_T_TZ");
        std::free(current);
    }
};
} // namespace

TEST_CASE("memory mode: a restore never reads the original string, which its owner may have freed") {
    for (const auto mode : {envguard::MemoryMode::keep, envguard::MemoryMode::reclaim}) {
        ModeScope scope(mode);
        FreeingLibrary library;
        library.set("orig");
        {
            envguard::ScopedEnv env("ENVGUARD_T_TZ", "guard");
            CHECK(raw_get("ENVGUARD_T_TZ") == std::optional<std::string>("guard"));
            library.set("library"); // frees the string "ENVGUARD_T_TZ=orig" the guard found
        }
        CHECK(raw_get("ENVGUARD_T_TZ") == std::optional<std::string>("orig"));
        CHECK(std::getenv("ENVGUARD_T_TZ") != library.current + 14); // a copy, not the library's string
        {
            envguard::ScopedEnv env{{"ENVGUARD_T_TZ", ""}, {"ENVGUARD_T_TZ2", "x"}};
            library.set("again"); // the library's string, freed again at its next change
            library.set("again2");
        }
        CHECK(raw_get("ENVGUARD_T_TZ") == std::optional<std::string>("orig"));
        CHECK(raw_get("ENVGUARD_T_TZ2") == std::nullopt);
        CHECK(owned_count() == 0);
    }
    std::printf("RELIABILITY: memory.freed_strings cases=4\n"); // 2 guards x 2 modes
}

// Issue #16 item 4: with reclaim on, a guard's own string stays alive while the guard is in place,
// even when another restore put the same value back by value and then swept.
TEST_CASE("memory mode: reclaim never frees the string of a guard that has not restored") {
    ModeScope mode(envguard::MemoryMode::reclaim);
    RawVar x("ENVGUARD_T_TMPDIR", std::nullopt);
    {
        envguard::ScopedEnv job("ENVGUARD_T_TMPDIR", "scratch/job-1");
        const char* kept = std::getenv("ENVGUARD_T_TMPDIR");
        REQUIRE(kept != nullptr);
        {
            envguard::SnapshotGuard nested;
            envguard::set("ENVGUARD_T_TMPDIR", "scratch/other"); // the restore writes job-1 by value
        }
        CHECK(std::getenv("ENVGUARD_T_TMPDIR") != kept); // job's string is out of environ now
        { envguard::ScopedEnv other("ENVGUARD_T_OTHER", "x"); } // any restore sweeps
        CHECK(owned_count() == 1); // job's string: still held by job
        CHECK(std::string(kept) == "scratch/job-1"); // (a use after free under the sanitizers)
        job.set("ENVGUARD_T_TMPDIR", "scratch/job-2"); // job replaces its own: job-1 may go now
        { envguard::ScopedEnv other("ENVGUARD_T_OTHER", "x"); }
        CHECK(owned_count() == 1); // job-2 only
    }
    CHECK(owned_count() == 0);
    CHECK(raw_get("ENVGUARD_T_TMPDIR") == std::nullopt);
    std::printf("RELIABILITY: memory.freed_strings cases=1 reclaim_held=1\n");
}

TEST_CASE("memory mode: a putenv string edited while a guard had it out comes back as it was") {
    static char text[] = "ENVGUARD_T_MEMP=orig";
    ::putenv(text);
    {
        envguard::ScopedEnv env("ENVGUARD_T_MEMP", "new");
        std::snprintf(text, sizeof text, "ENVGUARD_T_MEMP=edit"); // not in environ now
    }
    CHECK(raw_get("ENVGUARD_T_MEMP") == std::optional<std::string>("orig"));
    test::raw_unset("ENVGUARD_T_MEMP");
}

TEST_CASE("memory mode: reclaim keeps all three states exact, before, during and after") {
    ModeScope mode(envguard::MemoryMode::reclaim);
    const std::optional<std::string> states[] = {std::nullopt, std::string(), std::string("v0")};
    for (const auto& start : states) {
        for (const auto& target : {std::optional<std::string>(), std::optional<std::string>(""),
                                   std::optional<std::string>("v1")}) {
            CAPTURE(start);
            CAPTURE(target);
            RawVar x("ENVGUARD_T_MEM", start);
            {
                envguard::ScopedEnv env("ENVGUARD_T_MEM", target);
                CHECK(raw_get("ENVGUARD_T_MEM") == target);
                CHECK(owned_count() == (target ? 1u : 0u));
                {
                    envguard::ScopedEnv inner{{"ENVGUARD_T_MEM", "inner"}, {"ENVGUARD_T_MEM2", ""}};
                    CHECK(raw_get("ENVGUARD_T_MEM") == std::optional<std::string>("inner"));
                    CHECK(raw_get("ENVGUARD_T_MEM2") == std::optional<std::string>(""));
                }
                CHECK(raw_get("ENVGUARD_T_MEM") == target);
                CHECK(raw_get("ENVGUARD_T_MEM2") == std::nullopt);
            }
            CHECK(raw_get("ENVGUARD_T_MEM") == start);
            CHECK(owned_count() == 0);
        }
    }
}

TEST_CASE("memory mode: reclaim frees every string it placed (1000 distinct values, count stays 0)") {
    ModeScope mode(envguard::MemoryMode::reclaim);
    RawVar x("ENVGUARD_T_MEM", std::string("original"));
    std::size_t most = 0;
    for (int i = 0; i < 1000; ++i) {
        const std::string value = "/tmp/job-" + std::to_string(i);
        envguard::ScopedEnv env("ENVGUARD_T_MEM", value);
        env.set("ENVGUARD_T_MEM", value + "-again"); // the first string is dropped at once
        most = std::max(most, owned_count());
        REQUIRE(raw_get("ENVGUARD_T_MEM") == std::optional<std::string>(value + "-again"));
    }
    CHECK(most == 2); // the guard's two strings, and never more
    CHECK(owned_count() == 0);
    CHECK(raw_get("ENVGUARD_T_MEM") == std::optional<std::string>("original"));
}

TEST_CASE("memory mode: reclaim keeps a string a guard will put back, whatever the order of ends") {
    ModeScope mode(envguard::MemoryMode::reclaim);
    RawVar x("ENVGUARD_T_MEM", std::nullopt);
    std::optional<envguard::ScopedEnv> outer;
    outer.emplace("ENVGUARD_T_MEM", "a");
    std::optional<envguard::ScopedEnv> inner;
    inner.emplace("ENVGUARD_T_MEM", "b"); // keeps outer's string "a" to put back
    CHECK(owned_count() == 2);
    outer.reset(); // out of order: unset now; "a" must survive, inner holds it
    CHECK(raw_get("ENVGUARD_T_MEM") == std::nullopt);
    CHECK(owned_count() == 2); // "a" (inner's original) and "b" (inner's own, held until it restores)
    inner.reset(); // puts "a" back (what inner found): the string is read here, so it must be alive
    CHECK(raw_get("ENVGUARD_T_MEM") == std::optional<std::string>("a"));
    CHECK(owned_count() == 1); // in environ: kept
    test::raw_unset("ENVGUARD_T_MEM");
    { envguard::ScopedEnv sweep("ENVGUARD_T_MEM", std::nullopt); } // any restore sweeps
    CHECK(owned_count() == 0);
}

TEST_CASE("memory mode: reclaim and other code's setenv: its value is never freed, ours is") {
    ModeScope mode(envguard::MemoryMode::reclaim);
    RawVar x("ENVGUARD_T_MEM", std::string("original"));
    {
        envguard::ScopedEnv env("ENVGUARD_T_MEM", "ours");
        test::raw_set("ENVGUARD_T_MEM", "theirs"); // replaces envguard's string in environ
        CHECK(owned_count() == 1);
        {
            envguard::ScopedEnv inner("ENVGUARD_T_MEM2", "x"); // its restore sweeps
        }
        CHECK(owned_count() == 1); // "ours" is env's until env restores (issue #16 item 4)
        CHECK(raw_get("ENVGUARD_T_MEM") == std::optional<std::string>("theirs"));
    }
    CHECK(owned_count() == 0); // env's restore released and freed "ours"; "theirs" was never ours
    CHECK(raw_get("ENVGUARD_T_MEM") == std::optional<std::string>("original"));
}

TEST_CASE("memory mode: reclaim's release() leaves the value in place, owned until replaced") {
    ModeScope mode(envguard::MemoryMode::reclaim);
    RawVar x("ENVGUARD_T_MEM", std::nullopt);
    {
        envguard::ScopedEnv env("ENVGUARD_T_MEM", "kept");
        env.release();
    }
    CHECK(raw_get("ENVGUARD_T_MEM") == std::optional<std::string>("kept"));
    CHECK(owned_count() == 1);
    test::raw_unset("ENVGUARD_T_MEM");
    { envguard::ScopedEnv sweep("ENVGUARD_T_MEM", std::nullopt); }
    CHECK(owned_count() == 0);
}

TEST_CASE("memory mode: reclaim rolls back all or nothing and frees what it made, for every n") {
    ModeScope mode(envguard::MemoryMode::reclaim);
    RawVar a("ENVGUARD_T_MEMA", std::string("a0"));
    RawVar b("ENVGUARD_T_MEMB", std::string(""));
    RawVar c("ENVGUARD_T_MEMC", std::nullopt);
    const auto before = test::raw_environment();
    for (int n = 1; n <= 3; ++n) {
        CAPTURE(n);
        test::FaultPlatform faults(n);
        CHECK_THROWS_AS(([] {
                            envguard::ScopedEnv env{{"ENVGUARD_T_MEMA", "1"},
                                                    {"ENVGUARD_T_MEMB", "2"},
                                                    {"ENVGUARD_T_MEMC", ""}};
                        }()),
                        envguard::EnvError);
        CHECK(test::raw_environment() == before);
        CHECK(owned_count() == 0);
    }
}

#else // _WIN32

TEST_CASE("memory mode: reclaim has no effect on Windows; values stay exact and nothing is owned") {
    ModeScope mode(envguard::MemoryMode::reclaim);
    RawVar x("ENVGUARD_T_MEM", std::string("original"));
    {
        envguard::ScopedEnv env{{"ENVGUARD_T_MEM", ""}, {"ENVGUARD_T_MEM2", "v"}};
        CHECK(raw_get("ENVGUARD_T_MEM") == std::optional<std::string>(""));
        CHECK(owned_count() == 0);
    }
    CHECK(raw_get("ENVGUARD_T_MEM") == std::optional<std::string>("original"));
    CHECK(raw_get("ENVGUARD_T_MEM2") == std::nullopt);
}

#endif // _WIN32
