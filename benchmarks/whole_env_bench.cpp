// envguard benchmarks, issue #16 item 7: whole-environment operations as the environment grows to
// 100,000 variables (glibc's setenv/unsetenv scan environ per call, so one write per variable made
// them quadratic: 16-30 s for clear().keep("PATH").apply() at 100,000 before the bulk write).
//
// At each size N (synthetic variables added to the real environment, all at once):
//   clear_apply          EnvOverlay().clear().keep("PATH").apply(): the apply timed, its restore not
//   clear_restore        the same guard's restore (its destruction) timed, the apply not
//   snapshot_restore_1000  SnapshotGuard's restore after 1,000 of the variables were changed (the
//                        changes not timed)
// And the common case at 5,000 variables, one change:
//   restore_one          setenv of one variable, then EnvSnapshot::restore() of a captured snapshot
//   floor_one            the same setenv, then the floor of a restore that cannot trust pointers:
//                        compare every environ entry's text with a copy kept in environ's order,
//                        then one setenv for the entry that differs
#include "bench_env.hpp"

#include <envguard/overlay.hpp>
#include <envguard/snapshot.hpp>

#include <cstring>
#include <string>
#include <vector>

// The copy the floor compares with, in environ's order: one buffer of "NAME=VALUE\0" and each
// entry's offset.
struct floor_copy {
    std::string text;
    std::vector<std::size_t> starts;
    floor_copy() {
        for (char** entry = environ; *entry != nullptr; ++entry) {
            starts.push_back(text.size());
            text.append(*entry).push_back('\0');
        }
    }
};

// One cycle each: change the variable, then restore. Not inlined and not in an anonymous namespace,
// so that callgrind can count exactly these (--toggle-collect, see --callgrind below).
__attribute__((noinline)) void whole_env_restore_cycle(const std::string& name,
                                                       const envguard::EnvSnapshot& snapshot) {
    ::setenv(name.c_str(), "changed", 1);
    snapshot.restore();
}

__attribute__((noinline)) void whole_env_floor_cycle(const std::string& name, const floor_copy& copy) {
    ::setenv(name.c_str(), "changed", 1);
    std::size_t at = 0;
    for (char** entry = environ; *entry != nullptr; ++entry, ++at) {
        const char* expected = copy.text.data() + copy.starts[at];
        if (std::strcmp(*entry, expected) == 0) continue;
        const char* equals = std::strchr(expected, '=');
        const std::string entry_name(expected, static_cast<std::size_t>(equals - expected));
        ::setenv(entry_name.c_str(), equals + 1, 1);
    }
}

namespace {

// The inherited environment plus N synthetic variables, written with one bulk restore (O(N)).
void fill(long n) {
    static const envguard::EnvSnapshot inherited = [] {
        envguard::EnvSnapshot env;
        for (const auto& entry : envguard::EnvSnapshot::capture())
            if (entry.first.rfind("EGB_", 0) != 0 && !entry.first.empty()) env.set(entry.first, entry.second);
        return env;
    }();
    envguard::EnvSnapshot target = inherited;
    for (long i = 0; i < n; ++i) target.set(bench::synthetic_name(i), bench::synthetic_value(i));
    target.restore();
    if (bench::environment_size() != static_cast<long>(target.size())) std::abort();
}

void scaling_sizes(benchmark::internal::Benchmark* b) {
    for (long n : {1000L, 10000L, 100000L}) b->Arg(n);
    b->Unit(benchmark::kMillisecond);
}

void clear_apply(benchmark::State& state) {
    fill(state.range(0));
    envguard::EnvOverlay clean;
    clean.clear().keep("PATH");
    for (auto _ : state) {
        auto guard = clean.apply();
        state.PauseTiming();
        guard.restore();
        state.ResumeTiming();
    }
    bench::report_size(state);
}

void clear_restore(benchmark::State& state) {
    fill(state.range(0));
    envguard::EnvOverlay clean;
    clean.clear().keep("PATH");
    for (auto _ : state) {
        state.PauseTiming();
        auto guard = clean.apply();
        state.ResumeTiming();
        guard.restore();
    }
    bench::report_size(state);
}

void snapshot_restore_1000(benchmark::State& state) {
    fill(state.range(0));
    for (auto _ : state) {
        state.PauseTiming();
        {
            envguard::SnapshotGuard guard;
            for (long i = 0; i < 1000; ++i) ::setenv(bench::synthetic_name(i * (state.range(0) / 1000)).c_str(), "changed", 1);
            state.ResumeTiming();
        } // the restore
    }
    bench::report_size(state);
}

const long common_size = 5000;

void restore_one(benchmark::State& state) {
    fill(common_size);
    const std::string name = bench::probe_name(common_size);
    const auto snapshot = envguard::EnvSnapshot::capture();
    for (auto _ : state) whole_env_restore_cycle(name, snapshot);
    if (std::strcmp(std::getenv(name.c_str()), "changed") == 0) state.SkipWithError("not restored");
    bench::report_size(state);
}

void floor_one(benchmark::State& state) {
    fill(common_size);
    const std::string name = bench::probe_name(common_size);
    const floor_copy copy;
    for (auto _ : state) whole_env_floor_cycle(name, copy);
    if (std::strcmp(std::getenv(name.c_str()), "changed") == 0) state.SkipWithError("not restored");
    bench::report_size(state);
}

} // namespace

BENCHMARK(clear_apply)->Apply(scaling_sizes);
BENCHMARK(clear_restore)->Apply(scaling_sizes);
BENCHMARK(snapshot_restore_1000)->Apply(scaling_sizes);
BENCHMARK(restore_one);
BENCHMARK(floor_one);

// --callgrind: 1,000 cycles of each at 5,000 variables and nothing else timed, for
//   valgrind --tool=callgrind --toggle-collect='whole_env_restore_cycle*' bench_whole_env --callgrind
// (and the same with whole_env_floor_cycle): instructions per restore of one change and its floor.
int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--callgrind") == 0) {
        fill(common_size);
        const std::string name = bench::probe_name(common_size);
        const auto snapshot = envguard::EnvSnapshot::capture();
        const floor_copy copy;
        for (int i = 0; i < 1000; ++i) whole_env_restore_cycle(name, snapshot);
        for (int i = 0; i < 1000; ++i) whole_env_floor_cycle(name, copy);
        return std::strcmp(std::getenv(name.c_str()), "changed") == 0 ? 1 : 0;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
