// A doctest listener that catches every test case leaking an environment change: after each case it
// compares the whole environment with what it was before the case, prints one line per changed
// variable,
//
//     ENVIRONMENT LEAK in test case "NAME": VARIABLE was unset, is now "1"
//
// puts the environment back (so one leak does not fail every later case too), and remembers that a
// leak happened. doctest (2.4) lets a listener observe a test case but not fail it, so the program's
// main turns "a leak happened" into a failing exit status:
//
//     #define DOCTEST_CONFIG_IMPLEMENT
//     #include <doctest/doctest.h>
//     #include "doctest_leak_check.hpp"      // in exactly one .cpp file: it registers the listener
//
//     int main(int argc, char** argv) {
//         const int status = doctest::Context(argc, argv).run();
//         return envguard_harness::doctest_leak_found() ? 1 : status;
//     }
#pragma once

#include "leak_report.hpp"

#include <doctest/doctest.h>
#include <envguard/envguard.hpp>

#include <cstdio>
#include <string>

namespace envguard_harness {

// True once any test case has leaked.
inline bool& doctest_leak_found() {
    static bool found = false;
    return found;
}

class DoctestLeakCheck : public doctest::IReporter {
public:
    explicit DoctestLeakCheck(const doctest::ContextOptions&) {}

    void test_case_start(const doctest::TestCaseData& data) override {
        before_ = envguard::EnvSnapshot::capture();
        name_ = data.m_name;
    }
    void test_case_end(const doctest::CurrentTestCaseStats&) override {
        const auto changes = environment_changes(before_, envguard::EnvSnapshot::capture());
        if (changes.empty()) return;
        doctest_leak_found() = true;
        for (const auto& change : changes)
            std::fprintf(stderr, "ENVIRONMENT LEAK in test case \"%s\": %s\n", name_.c_str(), change.c_str());
        try {
            before_.restore();
        } catch (const envguard::EnvError& error) {
            std::fprintf(stderr, "could not put the environment back: %s\n", error.what());
        }
    }

    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override {
        if (doctest_leak_found())
            std::fprintf(stderr, "FAILED: at least one test case leaked an environment change (above)\n");
    }
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}

private:
    envguard::EnvSnapshot before_;
    std::string name_;
};

} // namespace envguard_harness

REGISTER_LISTENER("envguard-leak-check", 1, envguard_harness::DoctestLeakCheck);
