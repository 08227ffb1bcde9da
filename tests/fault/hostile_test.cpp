// Hostile input, one table: every entry point gets a clear error (the right errc, the variable, the
// rule) or handles the input correctly, and an error changes nothing.
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace {
struct Case {
    const char* what;
    std::string name;
    std::string value;
    std::optional<envguard::errc> error; // nullopt: must be accepted and round-trip exactly
};

std::vector<Case> cases() {
    const std::string mib(1 << 20, 'v');
    std::vector<Case> list{
        {"name with '='", "A=B", "1", envguard::errc::invalid_name},
        {"name with NUL", std::string("ENVGUARD_H\0X", 12), "1", envguard::errc::invalid_name},
        {"name with a leading '='", "=C:", "1", envguard::errc::invalid_name},
        {"empty name", "", "1", envguard::errc::invalid_name},
        {"non-ASCII name and value", "ENVGUARD_H_\xC3\xA9", "\xC3\xBC \xF0\x9F\xA6\x80", std::nullopt},
        {"value with NUL", "ENVGUARD_H_V", std::string("a\0b", 3), envguard::errc::invalid_value},
        {"value with newlines", "ENVGUARD_H_V", "line 1\nline 2\n", std::nullopt},
        {"value with '=' and quotes", "ENVGUARD_H_V", "a=b \"c\" 'd'", std::nullopt},
    };
#if ENVGUARD_WINDOWS
    list.push_back({"1 MiB name", "ENVGUARD_H_" + std::string(1 << 20, 'N'), "1", envguard::errc::invalid_name});
    list.push_back({"name with bytes invalid in UTF-8", "ENVGUARD_H_\xFF\xFE", "1", envguard::errc::invalid_name});
    list.push_back({"value with bytes invalid in UTF-8", "ENVGUARD_H_V", "\xC3", envguard::errc::invalid_value});
    list.push_back({"1 MiB value", "ENVGUARD_H_V", mib, envguard::errc::value_too_long});
#else
    // POSIX names and values are bytes: anything but '=' (names) and NUL goes.
    list.push_back({"1 MiB name", "ENVGUARD_H_" + std::string(1 << 20, 'N'), "1", std::nullopt});
    list.push_back({"name with bytes invalid in UTF-8", "ENVGUARD_H_\xFF\xFE", "1", std::nullopt});
    list.push_back({"value with bytes invalid in UTF-8", "ENVGUARD_H_V", "\xC3", std::nullopt});
    list.push_back({"1 MiB value", "ENVGUARD_H_V", mib, std::nullopt});
#endif
    return list;
}
} // namespace

TEST_CASE("hostile input: each entry point refuses clearly or handles it, and errors change nothing") {
    std::printf("RELIABILITY: hostile_input cases=%d\n", static_cast<int>(cases().size()));
    for (const auto& c : cases()) {
        const std::string what = c.what;
        CAPTURE(what);
        const auto before = test::raw_environment();
        if (c.error) {
            auto check = [&](auto&& operation) {
                try {
                    operation();
                    FAIL("accepted");
                } catch (const envguard::EnvError& error) {
                    CHECK(error.code() == *c.error);
                    CHECK(error.name() == c.name);
                    CHECK(std::string(error.what()).rfind("envguard: cannot set ", 0) == 0);
                    CHECK(std::string(error.what()).size() < 400); // a huge input stays one short line
                }
                CHECK(test::raw_environment() == before);
            };
            check([&] { envguard::set(c.name, c.value); });
            check([&] { envguard::ScopedEnv guard{{"ENVGUARD_H_OK", "1"}, {c.name, c.value}}; });
            check([&] { envguard::EnvOverlay().set(c.name, c.value); });
            check([&] { envguard::EnvSnapshot().set(c.name, c.value); });
            std::error_code ec;
            envguard::set(c.name, c.value, ec);
            CHECK(ec == *c.error);
        } else {
            {
                envguard::ScopedEnv guard{{c.name, c.value}};
                CHECK(envguard::get(c.name) == std::optional<std::string>(c.value));
                CHECK(envguard::EnvSnapshot::capture().get(c.name) == std::optional<std::string>(c.value));
                envguard::EnvSnapshot child;
                child.set(c.name, c.value);
                CHECK(envguard::EnvBlock(child).count() >= 1);
            }
            CHECK(test::raw_environment() == before);
        }
    }
}

#if !ENVGUARD_WINDOWS
extern "C" {
extern char** environ;
}

namespace {
// Puts ENTRIES in front of the real environ for its lifetime, the way a program that edits environ by
// hand would, and puts the real one back however the scope is left.
class PlantedEnviron {
public:
    explicit PlantedEnviron(std::vector<std::string>& entries) : saved_(environ) {
        for (auto& entry : entries) array_.push_back(&entry[0]);
        for (char** e = saved_; *e; ++e) array_.push_back(*e);
        array_.push_back(nullptr);
        environ = array_.data();
    }
    ~PlantedEnviron() { environ = saved_; }
    PlantedEnviron(const PlantedEnviron&) = delete;
    PlantedEnviron& operator=(const PlantedEnviron&) = delete;

private:
    char** saved_;
    std::vector<char*> array_;
};
} // namespace

TEST_CASE("hostile input: an environ with entries without '=' and repeated names is tolerated") {
    std::vector<std::string> storage{"ENVGUARD_H_DUP=first", "NO_EQUALS_SIGN_HERE", "ENVGUARD_H_DUP=second"};
    std::optional<envguard::EnvSnapshot> captured;
    std::optional<std::string> dup;
    {
        PlantedEnviron planted(storage);
        captured = envguard::EnvSnapshot::capture();
        dup = envguard::get("ENVGUARD_H_DUP");
    }
    const envguard::EnvSnapshot& snapshot = *captured;
    CHECK(snapshot.get("ENVGUARD_H_DUP") == std::optional<std::string>("first")); // as getenv finds it
    CHECK(dup == std::optional<std::string>("first"));
    CHECK_FALSE(snapshot.contains("NO_EQUALS_SIGN_HERE"));
    std::size_t dups = 0;
    for (const auto& entry : snapshot) dups += entry.first == "ENVGUARD_H_DUP";
    CHECK(dups == 1);
}

TEST_CASE("hostile input: 100,000 variables are captured, looked up and rendered for a child") {
    std::vector<std::string> storage;
    storage.reserve(100000);
    for (int i = 0; i < 100000; ++i) storage.push_back("ENVGUARD_H_N" + std::to_string(i) + "=v" + std::to_string(i));
    const envguard::EnvSnapshot snapshot = [&] {
        PlantedEnviron planted(storage);
        return envguard::EnvSnapshot::capture();
    }();
    CHECK(snapshot.size() >= 100000);
    CHECK(snapshot.get("ENVGUARD_H_N99999") == std::optional<std::string>("v99999"));
    CHECK(snapshot.get("ENVGUARD_H_N0") == std::optional<std::string>("v0"));
    envguard::EnvOverlay overlay;
    overlay.set_empty("ENVGUARD_H_N500").unset("ENVGUARD_H_N501");
    const auto child = overlay.render(snapshot);
    CHECK(child.get("ENVGUARD_H_N500") == std::optional<std::string>(""));
    CHECK_FALSE(child.contains("ENVGUARD_H_N501"));
    CHECK(envguard::EnvBlock(child).count() == child.size());
    CHECK(snapshot.diff(child).size() == 2);
}
#endif
