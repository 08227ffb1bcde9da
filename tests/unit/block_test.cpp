// block.hpp: EnvBlock, and a real child started with it
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace {
std::vector<std::string> entries(const envguard::EnvBlock& block) {
    std::vector<std::string> out;
    for (char* const* p = block.envp(); *p != nullptr; ++p) out.emplace_back(*p);
    return out;
}

// Runs /bin/sh -c SCRIPT with ENVP and returns its exit status.
int run_shell(const char* script, char* const* envp) {
    const char* argv[] = {"/bin/sh", "-c", script, nullptr};
    pid_t pid = 0;
    if (::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), envp) != 0)
        return -1;
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
} // namespace

TEST_CASE("EnvBlock: holds NAME=VALUE entries in name order and a terminating null pointer") {
    const envguard::EnvBlock block(envguard::EnvSnapshot{{"B", "2"}, {"A", "1"}, {"EMPTY", ""}});
    CHECK(block.count() == 3);
    CHECK(entries(block) == std::vector<std::string>{"A=1", "B=2", "EMPTY="});
    CHECK(block.envp()[3] == nullptr);
    const envguard::EnvBlock empty;
    CHECK(empty.count() == 0);
    CHECK(empty.envp()[0] == nullptr);
}

TEST_CASE("EnvBlock: a copy points at its own storage; a move keeps the strings valid") {
    std::optional<envguard::EnvBlock> original(std::in_place, envguard::EnvSnapshot{{"A", "1"}});
    envguard::EnvBlock copy(*original);
    CHECK(copy.envp()[0] != original->envp()[0]);
    envguard::EnvBlock moved(std::move(*original));
    original.reset();
    CHECK(entries(copy) == std::vector<std::string>{"A=1"});
    CHECK(entries(moved) == std::vector<std::string>{"A=1"});
    envguard::EnvBlock assigned;
    assigned = copy;
    CHECK(entries(assigned) == std::vector<std::string>{"A=1"});
}

TEST_CASE("EnvBlock: copies and assignments keep every entry, whatever the strings' lengths") {
    // Lengths 0..19 put the strings at every offset in the block's buffer (the envp array and the
    // strings share one allocation); values may be empty or contain '='.
    envguard::EnvSnapshot snapshot;
    std::vector<std::string> expected;
    for (int i = 0; i < 20; ++i) {
        const std::string name = "N" + std::string(static_cast<std::size_t>(i), 'x');
        const std::string value = i % 3 == 0 ? std::string() : std::string(static_cast<std::size_t>(i), '=');
        snapshot.set(name, value);
        expected.push_back(name + "=" + value);
    }
    std::sort(expected.begin(), expected.end());
    const envguard::EnvBlock block(snapshot);
    CHECK(block.count() == 20);
    CHECK(entries(block) == expected);
    CHECK(block.envp()[20] == nullptr);

    const envguard::EnvBlock copy(block);
    CHECK(entries(copy) == expected);
    for (std::size_t i = 0; i < 20; ++i) CHECK(copy.envp()[i] != block.envp()[i]);

    envguard::EnvBlock assigned(envguard::EnvSnapshot{{"OLD", "1"}});
    assigned = block; // a smaller block takes a bigger one's entries
    CHECK(assigned.count() == 20);
    CHECK(entries(assigned) == expected);
    assigned = envguard::EnvBlock(envguard::EnvSnapshot{{"A", ""}}); // and back to a small one
    CHECK(entries(assigned) == std::vector<std::string>{"A="});
    CHECK(assigned.envp()[1] == nullptr);

    envguard::EnvBlock self(block);
    const envguard::EnvBlock& alias = self;
    self = alias; // self-assignment changes nothing
    CHECK(entries(self) == expected);

    envguard::EnvBlock empty_copy{envguard::EnvBlock()};
    CHECK(empty_copy.count() == 0);
    CHECK(empty_copy.envp()[0] == nullptr);
}

TEST_CASE("EnvBlock: a moved-from block has no entries and a null envp until assigned") {
    envguard::EnvBlock source(envguard::EnvSnapshot{{"A", "1"}, {"B", ""}});
    const envguard::EnvBlock taken(std::move(source));
    CHECK(taken.count() == 2);
    CHECK(source.count() == 0); // NOLINT(bugprone-use-after-move): what a moved-from block says
    CHECK(source.envp() == nullptr);
    const envguard::EnvBlock copy_of_moved(source); // copying it gives the same: no entries
    CHECK(copy_of_moved.count() == 0);
    CHECK(copy_of_moved.envp() == nullptr);
    envguard::EnvBlock assigned_from(envguard::EnvSnapshot{{"C", "3"}});
    envguard::EnvBlock target(envguard::EnvSnapshot{{"D", "4"}});
    target = std::move(assigned_from);
    CHECK(entries(target) == std::vector<std::string>{"C=3"});
    CHECK(assigned_from.count() == 0); // NOLINT(bugprone-use-after-move)
    source = taken; // assigned again, it is a block like any other
    CHECK(source.count() == 2);
    CHECK(entries(source) == std::vector<std::string>{"A=1", "B="});
}

TEST_CASE("EnvBlock: a child started with a rendered overlay sees set-to-empty as set and empty") {
    test::RawVar wrapper("RUSTC_WRAPPER", "sccache");
    test::RawVar target("CARGO_TARGET_DIR", "/shared/target");
    const auto before = test::raw_environment();
    envguard::EnvOverlay overlay;
    overlay.set_empty("RUSTC_WRAPPER").set("CARGO_INCREMENTAL", "1").unset("CARGO_TARGET_DIR");
    const envguard::EnvBlock block(overlay.render(envguard::EnvSnapshot::capture()));
    CHECK(run_shell("test \"${RUSTC_WRAPPER+set}\" = set && test -z \"$RUSTC_WRAPPER\" && "
                    "test \"$CARGO_INCREMENTAL\" = 1 && test -z \"${CARGO_TARGET_DIR+set}\"",
                    block.envp()) == 0);
    // and the check can fail: a child whose RUSTC_WRAPPER was unset does not pass it
    envguard::EnvOverlay wrong;
    wrong.unset("RUSTC_WRAPPER");
    const envguard::EnvBlock wrong_block(wrong.render(envguard::EnvSnapshot::capture()));
    CHECK(run_shell("test \"${RUSTC_WRAPPER+set}\" = set", wrong_block.envp()) == 1);
    // the parent was never written
    CHECK(test::raw_environment() == before);
}
