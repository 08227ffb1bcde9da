// process.hpp: ChildProcess and ExitStatus, the spawn under run() (POSIX, and Windows under wine).
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#ifdef _WIN32
#    include <windows.h>
#else
#    include "../support/scratch_bin.hpp"
#    include <csignal>
#    include <pthread.h>
#    include <signal.h>
#endif

namespace {

// A command of the platform's shell: /bin/sh -c SCRIPT, or cmd /c SCRIPT.
std::vector<std::string> shell(const std::string& script) {
#ifdef _WIN32
    return {"cmd", "/c", script};
#else
    return {"/bin/sh", "-c", script};
#endif
}

// A child that runs for half a minute unless it is ended.
std::vector<std::string> long_running() {
#ifdef _WIN32
    return {"ping", "-n", "30", "127.0.0.1"};
#else
    return {"/bin/sh", "-c", "exec sleep 30"}; // exec: the pid is sleep's, so nothing outlives a kill
#endif
}

// True while the process ID exists (POSIX: a zombie counts; Windows: it has not ended).
bool process_exists(long long id) {
#ifdef _WIN32
    HANDLE process = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(id));
    if (process == nullptr) return false;
    DWORD code = 0;
    const bool active = ::GetExitCodeProcess(process, &code) && code == STILL_ACTIVE;
    ::CloseHandle(process);
    return active;
#else
    return ::kill(static_cast<pid_t>(id), 0) == 0 || errno != ESRCH;
#endif
}

// The EnvError (or std::invalid_argument, as "invalid_argument: what") START throws, as one string.
template <class Start>
std::string error_of(Start start) {
    try {
        start();
    } catch (const envguard::EnvError& error) {
        return std::to_string(error.code().value()) + " " + error.name() + ": " + error.what();
    } catch (const std::invalid_argument& error) {
        return std::string("invalid_argument: ") + error.what();
    }
    return "no exception";
}

} // namespace

static_assert(!std::is_copy_constructible<envguard::ChildProcess>::value, "a child has one owner");
static_assert(std::is_nothrow_move_constructible<envguard::ChildProcess>::value, "");
static_assert(std::is_nothrow_move_assignable<envguard::ChildProcess>::value, "");
static_assert(envguard::ExitStatus::exited_with(3).shell_code() == 3, "");
static_assert(envguard::ExitStatus::killed_by(9).shell_code() == 137, "");

TEST_CASE("ExitStatus: an exit code and a signal are told apart; shell_code is 128 + N for signal N") {
    const auto exited = envguard::ExitStatus::exited_with(42);
    CHECK(exited.exited());
    CHECK(exited.code() == 42);
    CHECK(exited.signal() == 0);
    CHECK(exited.shell_code() == 42);
    const auto killed = envguard::ExitStatus::killed_by(15);
    CHECK_FALSE(killed.exited());
    CHECK(killed.code() == 0);
    CHECK(killed.signal() == 15);
    CHECK(killed.shell_code() == 143);
    // exiting with 143 is not being killed by signal 15, although a shell reports both as 143
    CHECK(envguard::ExitStatus::exited_with(143) != killed);
    CHECK(envguard::ExitStatus::exited_with(42) == exited);
}

TEST_CASE("ChildProcess: starts without waiting, has an id, and wait() returns the exit code") {
    const auto env = envguard::EnvSnapshot::capture();
    envguard::ChildProcess child(shell("exit 3"), env);
    CHECK(child.valid());
    CHECK(child.id() > 0);
    CHECK_FALSE(child.waited());
    const envguard::ExitStatus status = child.wait();
    CHECK(status == envguard::ExitStatus::exited_with(3));
    CHECK(child.waited());
    CHECK(child.wait() == status); // a second wait returns the same status
    CHECK(child.valid());          // and the object still names the child it had
}

TEST_CASE("ChildProcess: the child gets exactly the given environment") {
    envguard::EnvSnapshot env = envguard::EnvSnapshot::capture();
    env.set("ENVGUARD_T_CHILD", "8");
#ifdef _WIN32
    envguard::ChildProcess child(shell("exit %ENVGUARD_T_CHILD%"), env);
#else
    envguard::ChildProcess child(shell("exit \"$ENVGUARD_T_CHILD\""), env);
#endif
    CHECK(test::raw_get("ENVGUARD_T_CHILD") == std::nullopt); // the parent was not written
    CHECK(child.wait().code() == 8);
}

TEST_CASE("ChildProcess: wait_until_exited waits without reaping; wait() then reaps") {
    const auto env = envguard::EnvSnapshot::capture();
    envguard::ChildProcess child(shell("exit 4"), env);
    child.wait_until_exited();
    CHECK_FALSE(child.waited());
#ifndef _WIN32
    CHECK(::kill(static_cast<pid_t>(child.id()), 0) == 0); // a zombie: the pid is still the child's
#endif
    CHECK(child.wait().code() == 4);
#ifndef _WIN32
    CHECK(::kill(static_cast<pid_t>(child.id()), 0) == -1); // reaped
#endif
    child.wait_until_exited(); // after wait(): returns at once
    CHECK(child.wait().code() == 4);
}

TEST_CASE("ChildProcess: moving hands the child over; the moved-from object has none") {
    const auto env = envguard::EnvSnapshot::capture();
    envguard::ChildProcess first(shell("exit 5"), env);
    const long long id = first.id();
    envguard::ChildProcess second(std::move(first));
    CHECK_FALSE(first.valid()); // NOLINT(bugprone-use-after-move): the documented moved-from state
    CHECK(first.id() == 0);
    CHECK_THROWS_AS((void)first.wait(), std::logic_error);
    CHECK_THROWS_AS(first.wait_until_exited(), std::logic_error);
    CHECK(second.id() == id);
    envguard::ChildProcess third;
    CHECK_FALSE(third.valid());
    third = std::move(second);
    CHECK(third.id() == id);
    CHECK(third.wait().code() == 5);
    CHECK_THROWS_AS((void)second.wait(), std::logic_error); // NOLINT(bugprone-use-after-move)
    // Moving from a waited child leaves a default-constructed object, not a stale "waited" one.
    envguard::ChildProcess fourth(std::move(third));
    CHECK_FALSE(third.valid()); // NOLINT(bugprone-use-after-move)
    CHECK_FALSE(third.waited());
    CHECK(fourth.waited());
    CHECK(fourth.wait().code() == 5);
}

TEST_CASE("ChildProcess: the destructor of an unwaited child ends and reaps it") {
    const auto env = envguard::EnvSnapshot::capture();
    long long id = 0;
    {
        envguard::ChildProcess child(long_running(), env);
        id = child.id();
        REQUIRE(process_exists(id));
    }
    CHECK_FALSE(process_exists(id)); // POSIX: no zombie left either (kill(pid, 0) says ESRCH)

    // move assignment ends the child the target held
    envguard::ChildProcess target(long_running(), env);
    const long long replaced = target.id();
    target = envguard::ChildProcess(shell("exit 6"), env);
    CHECK_FALSE(process_exists(replaced));
    CHECK(target.wait().code() == 6);
}

TEST_CASE("ChildProcess: start errors are run()'s, word for word") {
    const auto env = envguard::EnvSnapshot::capture();
    const std::vector<std::vector<std::string>> commands{
        {"no-such-program-xyz"},                      // not found on PATH
        {"/nonexistent-dir/program"},                 // no such file
        {},                                           // empty command
        {""},                                         // empty program name
        {shell("exit 0").front(), std::string("a\0b", 3)}, // NUL in an argument
    };
    for (const auto& argv : commands) {
        const std::string from_run = error_of([&] { (void)envguard::run(argv, env); });
        CAPTURE(from_run);
        CHECK(from_run != "no exception");
        CHECK(error_of([&] { envguard::ChildProcess child(argv, env); }) == from_run);
    }
}

#ifndef _WIN32

namespace {
// A scratch directory with a non-executable file and a script without "#!".
struct Scratch : test::ScratchBin {
    Scratch() {
        write("plain", "not a program\n", 0644);
        write("nobang", "exit $(( $1 + 3 ))\n", 0755);
    }
};

// Restores the calling thread's signal mask.
struct MaskRestorer {
    sigset_t saved;
    MaskRestorer() { ::pthread_sigmask(SIG_SETMASK, nullptr, &saved); }
    ~MaskRestorer() { ::pthread_sigmask(SIG_SETMASK, &saved, nullptr); }
};
} // namespace

TEST_CASE("ChildProcess: a child killed by a signal is reported as that signal") {
    const auto env = envguard::EnvSnapshot::capture();
    envguard::ChildProcess child(shell("kill -TERM $$"), env);
    const auto status = child.wait();
    CHECK_FALSE(status.exited());
    CHECK(status.signal() == SIGTERM);
    CHECK(status.shell_code() == 128 + SIGTERM);
    CHECK(envguard::run(shell("kill -TERM $$"), env) == status.shell_code()); // what run() returns

    envguard::ChildProcess killed(long_running(), env);
    REQUIRE(::kill(static_cast<pid_t>(killed.id()), SIGKILL) == 0); // id() is the pid to signal
    CHECK(killed.wait() == envguard::ExitStatus::killed_by(SIGKILL));
}

TEST_CASE("ChildProcess: not executable, the /bin/sh fallback and E2BIG are run()'s") {
    Scratch bin;
    envguard::EnvSnapshot env;
    env.set("PATH", bin.dir);
    for (const std::vector<std::string>& argv :
         {std::vector<std::string>{"plain"}, std::vector<std::string>{bin.dir + "/plain"}}) {
        const std::string from_run = error_of([&] { (void)envguard::run(argv, env); });
        CHECK(from_run.find("not an executable file") != std::string::npos);
        CHECK(error_of([&] { envguard::ChildProcess child(argv, env); }) == from_run);
    }
    CHECK(envguard::ChildProcess({"nobang", "2"}, env).wait().code() == 5); // run by /bin/sh

    auto huge = env;
    huge.set("ENVGUARD_T_HUGE", std::string(200 * 1024, 'h'));
    const std::string from_run = error_of([&] { (void)envguard::run({"nobang"}, huge); });
    CAPTURE(from_run);
    CHECK(from_run.find("the largest variable is \"ENVGUARD_T_HUGE\"") != std::string::npos);
    CHECK(error_of([&] { envguard::ChildProcess child({"nobang"}, huge); }) == from_run);
}

TEST_CASE("ChildProcess: the signal mask option sets the child's mask, not the caller's") {
    const auto env = envguard::EnvSnapshot::capture();
    const MaskRestorer restore;
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigset_t original;
    REQUIRE(::pthread_sigmask(SIG_BLOCK, &term, &original) == 0); // the caller blocks SIGTERM
    REQUIRE_FALSE(sigismember(&original, SIGTERM));

    // Without the option the child inherits the blocked SIGTERM: it survives its own kill.
    CHECK(envguard::ChildProcess(shell("kill -TERM $$; exit 9"), env).wait() ==
          envguard::ExitStatus::exited_with(9));
    // With the caller's earlier mask, SIGTERM reaches it, as the launcher's forwarding needs.
    CHECK(envguard::ChildProcess(shell("kill -TERM $$; exit 9"), env, original).wait() ==
          envguard::ExitStatus::killed_by(SIGTERM));
    // And the other way round: a mask that blocks SIGTERM, given while the caller does not block it.
    REQUIRE(::pthread_sigmask(SIG_SETMASK, &original, nullptr) == 0);
    sigset_t blocking = original;
    sigaddset(&blocking, SIGTERM);
    CHECK(envguard::ChildProcess(shell("kill -TERM $$; exit 9"), env, blocking).wait() ==
          envguard::ExitStatus::exited_with(9));
    sigset_t now;
    ::pthread_sigmask(SIG_SETMASK, nullptr, &now);
    CHECK_FALSE(sigismember(&now, SIGTERM)); // the caller's own mask was not changed
}

TEST_CASE("ChildProcess: with SIGCHLD ignored (the kernel reaps), wait() throws ECHILD, as documented") {
    const auto env = envguard::EnvSnapshot::capture();
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    struct sigaction previous {};
    REQUIRE(::sigaction(SIGCHLD, &ignore, &previous) == 0);
    std::string error = "no exception";
    {
        envguard::ChildProcess child(shell("exit 0"), env);
        try {
            (void)child.wait();
        } catch (const envguard::EnvError& e) {
            error = e.what();
            CHECK(e.os_code() == std::error_code(ECHILD, std::system_category()));
        }
        CHECK_THROWS_AS((void)child.wait(), envguard::EnvError); // still no status to give
    }
    ::sigaction(SIGCHLD, &previous, nullptr);
    CHECK(error.find("cannot wait for") != std::string::npos); // it did run: not "cannot run"
    CHECK(error.find("the operating system refused (pid ") != std::string::npos);
    CHECK(error.find("SIGCHLD is ignored") != std::string::npos);
}

#else

TEST_CASE("ChildProcess (Windows): the exit code, and id() is the child's process id") {
    const auto env = envguard::EnvSnapshot::capture();
    envguard::ChildProcess child(shell("exit 7"), env);
    HANDLE process = ::OpenProcess(SYNCHRONIZE, FALSE, static_cast<DWORD>(child.id()));
    CHECK(process != nullptr);
    if (process != nullptr) ::CloseHandle(process);
    const auto status = child.wait();
    CHECK(status.exited()); // no signals on Windows
    CHECK(status.code() == 7);
    CHECK(envguard::run(shell("exit 7"), env) == status.code());
}

#endif
