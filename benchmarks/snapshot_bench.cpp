// envguard benchmarks, issue #8 item 2: restoring a whole environment.
//
// At each size N (synthetic variables added to the real environment, see bench_env.hpp), in one run:
//   setenv_one            one raw setenv of the probe variable (the floor a restore is measured on)
//   change_raw_restore    change the probe, then set it back by hand with one setenv (the ideal)
//   change_restore        change the probe, then EnvSnapshot::restore() (snapshot taken beforehand)
//   change_folly_restore  change the probe, then folly's EnvVarSaver algorithm: clearenv() and setenv
//                         of every saved entry (written here: folly is not used)
//   cycle                 SnapshotGuard: capture + change + restore
//   cycle_folly           folly's cycle: copy environ into an unordered_map, change, clear and refill
//   capture               EnvSnapshot::capture()
//   capture_vector        copying environ into a std::vector<std::string> (reserved first)
// tools/run_benchmarks.sh turns these into ratios; "restore k=1" is change_restore minus setenv_one.
#include "bench_env.hpp"

#include <envguard/snapshot.hpp>

#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

const char* const changed_value = "changed";

void setenv_one(benchmark::State& state) {
    bench::fill_environment(state.range(0));
    const std::string name = bench::probe_name(state.range(0));
    const std::string original = std::getenv(name.c_str());
    bool flip = false;
    for (auto _ : state) {
        ::setenv(name.c_str(), flip ? original.c_str() : changed_value, 1);
        flip = !flip;
    }
    ::setenv(name.c_str(), original.c_str(), 1);
    bench::report_size(state);
}

void change_raw_restore(benchmark::State& state) {
    bench::fill_environment(state.range(0));
    const std::string name = bench::probe_name(state.range(0));
    const std::string original = std::getenv(name.c_str());
    for (auto _ : state) {
        ::setenv(name.c_str(), changed_value, 1);
        ::setenv(name.c_str(), original.c_str(), 1);
    }
    bench::report_size(state);
}

void change_restore(benchmark::State& state) {
    bench::fill_environment(state.range(0));
    const std::string name = bench::probe_name(state.range(0));
    const auto snapshot = envguard::EnvSnapshot::capture();
    for (auto _ : state) {
        ::setenv(name.c_str(), changed_value, 1);
        snapshot.restore();
    }
    if (std::strcmp(std::getenv(name.c_str()), changed_value) == 0) state.SkipWithError("not restored");
    bench::report_size(state);
}

// folly's EnvVarSaver / EnvironmentState: the saved state is a map; restoring clears the process
// environment and sets every saved variable again.
using saved_environment = std::unordered_map<std::string, std::string>;

saved_environment folly_capture() {
    saved_environment saved;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const char* equals = std::strchr(*entry, '=');
        if (equals == nullptr) continue;
        saved.emplace(std::string(*entry, static_cast<std::size_t>(equals - *entry)), equals + 1);
    }
    return saved;
}

void folly_restore(const saved_environment& saved) {
    ::clearenv();
    for (const auto& entry : saved) ::setenv(entry.first.c_str(), entry.second.c_str(), 1);
}

void change_folly_restore(benchmark::State& state) {
    bench::fill_environment(state.range(0));
    const std::string name = bench::probe_name(state.range(0));
    const saved_environment saved = folly_capture();
    for (auto _ : state) {
        ::setenv(name.c_str(), changed_value, 1);
        folly_restore(saved);
    }
    bench::report_size(state);
}

void cycle(benchmark::State& state) {
    bench::fill_environment(state.range(0));
    const std::string name = bench::probe_name(state.range(0));
    for (auto _ : state) {
        envguard::SnapshotGuard guard;
        ::setenv(name.c_str(), changed_value, 1);
    }
    bench::report_size(state);
}

void cycle_folly(benchmark::State& state) {
    bench::fill_environment(state.range(0));
    const std::string name = bench::probe_name(state.range(0));
    for (auto _ : state) {
        const saved_environment saved = folly_capture();
        ::setenv(name.c_str(), changed_value, 1);
        folly_restore(saved);
    }
    bench::report_size(state);
}

void capture(benchmark::State& state) {
    bench::fill_environment(state.range(0));
    for (auto _ : state) {
        auto snapshot = envguard::EnvSnapshot::capture();
        benchmark::DoNotOptimize(snapshot);
    }
    bench::report_size(state);
}

void capture_vector(benchmark::State& state) {
    bench::fill_environment(state.range(0));
    for (auto _ : state) {
        std::vector<std::string> copy;
        copy.reserve(static_cast<std::size_t>(bench::environment_size()));
        for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry)
            copy.emplace_back(*entry);
        benchmark::DoNotOptimize(copy);
    }
    bench::report_size(state);
}

} // namespace

BENCHMARK(setenv_one)->Apply(bench::sizes);
BENCHMARK(change_raw_restore)->Apply(bench::sizes);
BENCHMARK(change_restore)->Apply(bench::sizes);
BENCHMARK(change_folly_restore)->Apply(bench::sizes);
BENCHMARK(cycle)->Apply(bench::sizes);
BENCHMARK(cycle_folly)->Apply(bench::sizes);
BENCHMARK(capture)->Apply(bench::sizes);
BENCHMARK(capture_vector)->Apply(bench::sizes);

BENCHMARK_MAIN();
