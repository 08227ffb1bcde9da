// The doctest main, compiled once and linked into every test program, plus the environment-leak
// check: after every test case the process environment must be exactly what it was before the case.
// A leaking case is named with each variable and both of its values, and the run fails.
//
// The check reads the environment with the OS's own calls (support/raw_env.hpp), not through
// envguard, so that a bug in envguard's own capture cannot hide a leak.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "support/raw_env.hpp"

#include <cstdio>
#include <map>
#include <string>

namespace {

using RawEnvironment = std::map<std::string, std::string>;

std::string describe(const RawEnvironment& env, const std::string& name) {
    auto it = env.find(name);
    if (it == env.end()) return "unset";
    if (it->second.empty()) return "set to the empty string";
    return "\"" + it->second + "\"";
}

bool g_leak_found = false;

struct LeakCheck : doctest::IReporter {
    explicit LeakCheck(const doctest::ContextOptions&) {}

    void test_case_start(const doctest::TestCaseData& data) override {
        before_ = raw::environment();
        name_ = data.m_name;
    }
    void test_case_end(const doctest::CurrentTestCaseStats&) override {
        const RawEnvironment after = raw::environment();
        if (after == before_) return;
        g_leak_found = true;
        std::map<std::string, int> names;
        for (const auto& entry : before_) names[entry.first];
        for (const auto& entry : after) names[entry.first];
        for (const auto& name : names) {
            const std::string was = describe(before_, name.first);
            const std::string now = describe(after, name.first);
            if (was == now) continue;
            std::fprintf(stderr, "ENVIRONMENT LEAK in test case \"%s\": %s was %s, is now %s\n",
                         name_.c_str(), name.first.c_str(), was.c_str(), now.c_str());
            // Put it back so that one leak does not make every later case fail too.
            auto it = before_.find(name.first);
            if (it == before_.end())
                raw::unset(name.first.c_str());
            else
                raw::set(name.first.c_str(), it->second.c_str());
        }
    }

    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override {}
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}

private:
    RawEnvironment before_;
    std::string name_;
};

} // namespace

REGISTER_LISTENER("envguard-leak-check", 1, LeakCheck);

int main(int argc, char** argv) {
    doctest::Context context(argc, argv);
    const int result = context.run();
    if (g_leak_found) {
        std::fprintf(stderr, "FAILED: at least one test case leaked an environment change (above)\n");
        return result != 0 ? result : 1;
    }
    return result;
}
