// process.hpp: find_program, run, exec
#include "../support/scratch_bin.hpp"
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {
// A scratch directory with one executable script and one non-executable file in it.
struct ScratchBin : test::ScratchBin {
    ScratchBin() {
        write("tool", "#!/bin/sh\necho \"tool ran: $*\"\nexit 7\n", 0755);
        write("plain", "not a program\n", 0644);
    }
};

envguard::EnvSnapshot child_with_path(const std::string& path) {
    envguard::EnvSnapshot env;
    env.set("PATH", path);
    return env;
}
} // namespace

TEST_CASE("run: looks the program up on the child's PATH, not the parent's") {
    ScratchBin bin;
    test::RawVar parent_path("PATH", "/usr/bin:/bin"); // the parent cannot see the scratch dir
    CHECK(envguard::find_program("tool", child_with_path("/nonexistent:" + bin.dir + ":/bin")) ==
          bin.dir + "/tool");
    CHECK(envguard::run({"tool", "a"}, child_with_path(bin.dir + ":/bin")) == 7);
    CHECK_THROWS_AS(envguard::find_program("tool", child_with_path("/usr/bin:/bin")),
                    envguard::EnvError);
}

TEST_CASE("run: returns the child's exit status, and 128+N when signal N killed it") {
    const auto env = envguard::EnvSnapshot::capture();
    CHECK(envguard::run({"/bin/sh", "-c", "exit 0"}, env) == 0);
    CHECK(envguard::run({"/bin/sh", "-c", "exit 42"}, env) == 42);
    CHECK(envguard::run({"/bin/sh", "-c", "kill -TERM $$"}, env) == 128 + 15);
}

TEST_CASE("run: the child gets exactly the given environment, empty values included") {
    envguard::EnvSnapshot env;
    env.set("RUSTC_WRAPPER", "").set("ONLY", "this");
    const auto before = test::raw_environment();
    CHECK(envguard::run({"/bin/sh", "-c",
                         "test \"${RUSTC_WRAPPER+set}\" = set && test -z \"$RUSTC_WRAPPER\" && "
                         "test \"$ONLY\" = this && test -z \"${HOME+set}\""},
                        env) == 0);
    CHECK(test::raw_environment() == before); // the parent was not written
}

extern "C" {
extern char** environ;
}

TEST_CASE("run: render + run writes nothing to the parent: its environ array is untouched") {
    test::RawVar wrapper("RUSTC_WRAPPER", std::string("sccache"));
    char** const array = environ;
    std::vector<char*> entries;
    std::vector<std::string> texts;
    for (char** e = environ; *e; ++e) {
        entries.push_back(*e);
        texts.emplace_back(*e);
    }
    envguard::EnvOverlay overlay;
    overlay.set_empty("RUSTC_WRAPPER").set("CARGO_INCREMENTAL", "1").unset("HOME");
    CHECK(envguard::run({"/bin/sh", "-c", "test -z \"$RUSTC_WRAPPER\""},
                        overlay.render(envguard::EnvSnapshot::capture())) == 0);
    CHECK(environ == array); // the same array...
    std::size_t i = 0;
    for (char** e = environ; *e; ++e, ++i) {
        REQUIRE(i < entries.size());
        CHECK(*e == entries[i]);     // ...the same strings...
        CHECK(texts[i] == *e);       // ...with the same contents
    }
    CHECK(i == entries.size());
}

TEST_CASE("run: not found and not executable are different errors that name the program") {
    ScratchBin bin;
    const auto env = child_with_path(bin.dir);
    try {
        (void)envguard::run({"no-such-program-xyz"}, env);
        FAIL("no exception");
    } catch (const envguard::EnvError& error) {
        CHECK(error.code() == envguard::errc::command_not_found);
        CHECK(error.name() == "no-such-program-xyz");
        CHECK(std::string(error.what()) == "envguard: cannot run \"no-such-program-xyz\": not found "
                                           "on the child's PATH (" + bin.dir + ")");
    }
    try {
        (void)envguard::run({"plain"}, env);
        FAIL("no exception");
    } catch (const envguard::EnvError& error) {
        CHECK(error.code() == envguard::errc::command_not_executable);
        CHECK(std::string(error.what()).find("not an executable file") != std::string::npos);
    }
    CHECK_THROWS_AS((void)envguard::run({bin.dir + "/plain"}, env), envguard::EnvError);
    CHECK_THROWS_AS((void)envguard::run({bin.dir + "/missing"}, env), envguard::EnvError);
    CHECK_THROWS_AS((void)envguard::run({}, env), std::invalid_argument);
}

TEST_CASE("run: without PATH in the child's environment the system default path is searched") {
    CHECK(envguard::find_program("sh", envguard::EnvSnapshot{}).find("/sh") != std::string::npos);
}

TEST_CASE("exec: a program that cannot be found throws and leaves the process running") {
    CHECK_THROWS_AS(envguard::exec({"no-such-program-xyz"}, child_with_path("/nonexistent")),
                    envguard::EnvError);
}

// Issue #16 item 6.
#include <csignal>
#include <sys/wait.h>

TEST_CASE("run/exec: a script without #! runs under /bin/sh, as execvp and GNU env run it") {
    ScratchBin bin;
    bin.write("nobang", "exit $(( $1 + 3 ))\n", 0755);
    envguard::EnvSnapshot env = child_with_path(bin.dir);
    CHECK(envguard::run({"nobang", "2"}, env) == 5);
    CHECK(envguard::run({bin.dir + "/nobang", "4"}, env) == 7);
    // exec, in a child: it replaces that process with /bin/sh running the script.
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        try {
            envguard::exec({"nobang", "1"}, env);
        } catch (...) {
        }
        ::_exit(100);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 4);
}

TEST_CASE("run/exec: an argument with a NUL byte is refused, naming it, before anything starts") {
    ScratchBin bin;
    const auto env = child_with_path(bin.dir);
    const std::vector<std::string> argv{"tool", std::string("a\0b", 3)};
    try {
        (void)envguard::run(argv, env);
        FAIL("no exception");
    } catch (const envguard::EnvError& error) {
        CHECK(error.code() == envguard::errc::invalid_value);
        CHECK(std::string(error.what()) ==
              "envguard: cannot pass the argument \"a\\0b\": an argument must not contain a NUL "
              "character (the child would get it cut there)");
    }
    CHECK_THROWS_AS(envguard::exec(argv, env), envguard::EnvError);
    CHECK_THROWS_AS((void)envguard::run({std::string("to\0ol", 5)}, env), envguard::EnvError);
}

TEST_CASE("run: Argument list too long names the size and the largest variable") {
    ScratchBin bin;
    auto env = child_with_path(bin.dir);
    env.set("ENVGUARD_T_HUGE", std::string(200 * 1024, 'h')); // over Linux's limit for one string
    env.set("ENVGUARD_T_SMALL", "s");
    try {
        (void)envguard::run({"tool"}, env);
        FAIL("no exception");
    } catch (const envguard::EnvError& error) {
        const std::string what = error.what();
        CAPTURE(what);
        CHECK(error.code() == envguard::errc::os_error);
        CHECK(what.find("Argument list too long") != std::string::npos);
        CHECK(what.find("the arguments and environment take ") != std::string::npos);
        CHECK(what.find("the largest variable is \"ENVGUARD_T_HUGE\" (" + std::to_string(200 * 1024 + 16) +
                        " bytes") != std::string::npos);
    }
}

TEST_CASE("run: with SIGCHLD ignored, the child's exit status is still reported") {
    ScratchBin bin;
    const auto env = child_with_path(bin.dir);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    struct sigaction previous {};
    REQUIRE(::sigaction(SIGCHLD, &ignore, &previous) == 0);
    int status = -1;
    int killed = -1;
    try {
        status = envguard::run({"tool", "x"}, env);
        killed = envguard::run({"sh", "-c", "kill -TERM $$"}, child_with_path("/usr/bin:/bin"));
    } catch (...) {
    }
    struct sigaction after {};
    ::sigaction(SIGCHLD, &previous, &after);
    CHECK(status == 7);
    CHECK(killed == 128 + SIGTERM);
    // no-#! scripts (run by name, by path, exec), NUL (run, exec, program), E2BIG, SIGCHLD ignored (2)
    std::printf("RELIABILITY: process.edges cases=9\n");
    CHECK((after.sa_handler == SIG_IGN)); // the program's disposition is back
}
