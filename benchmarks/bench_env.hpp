// envguard benchmarks: the shared helpers. A benchmark at size N first makes the process environment
// hold N synthetic variables (EGB_00000 ... ) besides whatever it inherited, so that every libc call
// and every envguard call in it works on an environment of that size.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" {
extern char** environ;
}

namespace bench {

inline std::string synthetic_name(long i) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "EGB_%05ld", i);
    return buffer;
}

inline std::string synthetic_value(long i) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "/synthetic/value/%05ld/for/benchmarking", i);
    return buffer;
}

// Makes the environment exactly: the variables the program inherited, then N synthetic ones
// (EGB_00000 .. EGB_{N-1}) with their canonical values, in that order. Rebuilt from scratch each time
// (clearenv, then setenv in order), because a clear-and-refill benchmark leaves environ in another
// order and the cost of a setenv depends on where its variable sits.
inline void fill_environment(long n) {
    static const std::vector<std::string> inherited = [] {
        std::vector<std::string> entries;
        for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry)
            if (std::string(*entry).rfind("EGB_", 0) != 0) entries.emplace_back(*entry);
        return entries;
    }();
    ::clearenv();
    for (const auto& entry : inherited) {
        const auto equals = entry.find('=');
        if (equals == std::string::npos || equals == 0) continue;
        ::setenv(entry.substr(0, equals).c_str(), entry.c_str() + equals + 1, 1);
    }
    for (long i = 0; i < n; ++i) ::setenv(synthetic_name(i).c_str(), synthetic_value(i).c_str(), 1);
}

inline long environment_size() {
    long count = 0;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) ++count;
    return count;
}

// The variable a benchmark changes: one in the middle of the synthetic ones, so that a setenv of it
// scans half of environ, as an average lookup does.
inline std::string probe_name(long n) { return synthetic_name(n / 2); }

// The sizes of issue #8.
inline void sizes(benchmark::internal::Benchmark* b) {
    for (long n : {10L, 100L, 1000L, 10000L}) b->Arg(n);
}

inline void report_size(benchmark::State& state) {
    state.counters["environ"] = static_cast<double>(environment_size());
}

} // namespace bench
