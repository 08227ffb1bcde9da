// lock.hpp: EnvLock and envguard::exclusive
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <string>
#include <cstdio>
#include <thread>
#include <type_traits>

namespace {
// Whether another thread could take the envguard lock right now. try_lock from a second thread
// gives a yes/no answer without any timing.
bool lock_is_free_for_another_thread() {
    bool free = false;
    std::thread other([&] {
        if (envguard::detail::env_mutex().try_lock()) {
            free = true;
            envguard::detail::env_mutex().unlock();
        }
    });
    other.join();
    return free;
}
} // namespace

static_assert(!std::is_copy_constructible<envguard::EnvLock>::value, "");

TEST_CASE("EnvLock: holds the process-wide lock for its lifetime and is recursive") {
    CHECK(lock_is_free_for_another_thread());
    {
        envguard::EnvLock lock;
        CHECK_FALSE(lock_is_free_for_another_thread());
        envguard::EnvLock again; // the same thread may nest, and envguard calls still work
        test::RawVar x("ENVGUARD_T_X", std::nullopt);
        envguard::set("ENVGUARD_T_X", "1");
        CHECK(envguard::get("ENVGUARD_T_X") == std::optional<std::string>("1"));
    }
    CHECK(lock_is_free_for_another_thread());
}

TEST_CASE("EnvLock: a ScopedEnv built with envguard::exclusive holds it until it restores") {
    test::RawVar x("ENVGUARD_T_X", std::nullopt);
    {
        envguard::ScopedEnv env(envguard::exclusive, {{"ENVGUARD_T_X", "1"}});
        CHECK_FALSE(lock_is_free_for_another_thread());
        env.set("ENVGUARD_T_X", "2"); // still usable from its own thread
    }
    CHECK(lock_is_free_for_another_thread());
    CHECK(test::raw_get("ENVGUARD_T_X") == std::nullopt);
    {
        envguard::ScopedEnv env(envguard::exclusive);
        env.set("ENVGUARD_T_X", "");
        env.release(); // release ends the exclusive hold too
        CHECK(lock_is_free_for_another_thread());
    }
    test::raw_unset("ENVGUARD_T_X");
}

TEST_CASE("EnvLock: a guard without exclusive does not hold the lock between calls") {
    test::RawVar x("ENVGUARD_T_X", std::nullopt);
    envguard::ScopedEnv env("ENVGUARD_T_X", "1");
    CHECK(lock_is_free_for_another_thread());
}

TEST_CASE("EnvLock: threads changing the environment through exclusive guards never interleave") {
    test::RawVar x("ENVGUARD_T_COUNTER", "0");
    std::atomic<int> inconsistencies{0};
    auto worker = [&](const char* mine) {
        for (int i = 0; i < 200; ++i) {
            envguard::ScopedEnv env(envguard::exclusive, {{"ENVGUARD_T_COUNTER", mine}});
            // While this thread holds the guard, nobody else may change the variable.
            if (envguard::get("ENVGUARD_T_COUNTER") != std::optional<std::string>(mine))
                ++inconsistencies;
        }
    };
    std::thread a(worker, "a");
    std::thread b(worker, "b");
    a.join();
    b.join();
    CHECK(inconsistencies.load() == 0);
    CHECK(test::raw_get("ENVGUARD_T_COUNTER") == std::optional<std::string>("0"));
}

TEST_CASE("threads: exclusive guards, reads and locked snapshot scopes from several threads") {
    // Run under ThreadSanitizer too (the tsan preset): envguard against envguard must be race-free.
    test::RawVar shared("ENVGUARD_T_SHARED", "0");
    const auto before = test::raw_environment();
    std::atomic<int> wrong{0};
    auto guard_loop = [&](const char* name, const char* mine) {
        for (int i = 0; i < 300; ++i) {
            envguard::ScopedEnv env(envguard::exclusive, {{name, mine}, {"ENVGUARD_T_SHARED", mine}});
            if (envguard::get("ENVGUARD_T_SHARED") != std::optional<std::string>(mine)) ++wrong;
        }
    };
    auto read_loop = [&] {
        for (int i = 0; i < 1000; ++i) {
            const auto value = envguard::get("ENVGUARD_T_SHARED");
            if (!value) ++wrong; // always set: "0", "a" or "b"
        }
    };
    auto snapshot_loop = [&] {
        for (int i = 0; i < 100; ++i) {
            envguard::EnvLock lock; // a whole-environment restore must not interleave with others
            envguard::SnapshotGuard isolate;
            envguard::set("ENVGUARD_T_SNAPSHOT_THREAD", "x");
        }
    };
    std::thread a(guard_loop, "ENVGUARD_T_A_THREAD", "a");
    std::thread b(guard_loop, "ENVGUARD_T_B_THREAD", "b");
    std::thread c(read_loop);
    std::thread d(snapshot_loop);
    a.join();
    b.join();
    c.join();
    d.join();
    CHECK(wrong.load() == 0);
    CHECK(test::raw_environment() == before);
    std::printf("RELIABILITY: threads cases=%d threads=4\n", 2 * 300 + 1000 + 100); // the loops above
}

#ifndef _WIN32
#    include <csignal>
#    include <cstdlib>
#    include <cstring>
#    include <sys/wait.h>
#    include <unistd.h>

// Issue #16 item 2: a child made by fork() never inherits a held EnvLock. Each child arms an alarm,
// so that a hang ends as SIGALRM (a failure) instead of hanging the suite.
namespace {
// The child's exit status as "exit N" / "signal N", for the check's message.
std::string wait_for(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return "waitpid failed";
    if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
    return "other";
}
bool raw_is(const char* name, const char* want) {
    const char* got = std::getenv(name);
    return want == nullptr ? got == nullptr : got != nullptr && std::strcmp(got, want) == 0;
}
} // namespace

TEST_CASE("fork: a child forked inside ScopedEnv(exclusive) restores and uses envguard without hanging") {
    test::RawVar x("ENVGUARD_T_FORK", std::nullopt);
    pid_t pid = -1;
    {
        envguard::ScopedEnv guard(envguard::exclusive, {{"ENVGUARD_T_FORK", "v"}});
        pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::alarm(10);
            bool ok = raw_is("ENVGUARD_T_FORK", "v");
            { envguard::ScopedEnv in_child(std::move(guard)); } // the destructor, lock and all, in the child
            ok = ok && raw_is("ENVGUARD_T_FORK", nullptr);
            envguard::set("ENVGUARD_T_FORK", "child"); // the lock is free again
            envguard::EnvLock lock;
            ok = ok && raw_is("ENVGUARD_T_FORK", "child");
            ::_exit(ok ? 0 : 1);
        }
    }
    CHECK(wait_for(pid) == "exit 0");
    CHECK(raw_is("ENVGUARD_T_FORK", nullptr));
}

TEST_CASE("fork: a child forked while another thread holds EnvLock gets a free lock") {
    test::RawVar x("ENVGUARD_T_FORK", std::nullopt);
    std::atomic<bool> held{false};
    std::atomic<bool> done{false};
    std::thread holder([&] {
        envguard::ScopedEnv guard(envguard::exclusive, {{"ENVGUARD_T_FORK", "thread"}});
        held = true;
        while (!done) std::this_thread::yield();
    });
    while (!held) std::this_thread::yield();
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::alarm(10);
        bool ok = raw_is("ENVGUARD_T_FORK", "thread"); // the environment as it was at the fork
        {
            envguard::ScopedEnv guard(envguard::exclusive, {{"ENVGUARD_T_FORK", "child"}});
            ok = ok && raw_is("ENVGUARD_T_FORK", "child");
        }
        ok = ok && raw_is("ENVGUARD_T_FORK", "thread");
        ::_exit(ok ? 0 : 1);
    }
    CHECK(wait_for(pid) == "exit 0");
    CHECK_FALSE(lock_is_free_for_another_thread()); // the parent's holder still holds it
    done = true;
    holder.join();
    CHECK(lock_is_free_for_another_thread());
    CHECK(raw_is("ENVGUARD_T_FORK", nullptr));
    std::printf("RELIABILITY: fork cases=2\n"); // the two fork cases above, each under an alarm
}
#endif
