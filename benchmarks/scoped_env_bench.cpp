// Benchmark item 1: ScopedEnv guarding k = 1 and k = 3 variables (set, then restore) against the
// same work written by hand with getenv/setenv/unsetenv (the floor), in an environment of N
// synthetic variables. The guarded names are placed after the N synthetic ones, so every lookup
// scans the whole environment (the worst position; the floor pays it too).
//
//   envguard_bench_scoped_env                      Google Benchmark (wall time), all cases
//   envguard_bench_scoped_env --callgrind CYCLES   no timing: under valgrind --tool=callgrind, one
//                                                  instruction-count dump per case (zeroed before,
//                                                  dumped after CYCLES * 10 / N cycles, at least
//                                                  20), labelled "<variant> k=K N=N cycles=C"; see
//                                                  benchmarks/callgrind_scoped_env.sh
#include <envguard/envguard.hpp>

#include <benchmark/benchmark.h>

#if __has_include(<valgrind/callgrind.h>)
#    include <valgrind/callgrind.h>
#else
#    define CALLGRIND_ZERO_STATS
#    define CALLGRIND_DUMP_STATS_AT(label) (void)(label)
#endif

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace {

// k = 1: a set variable gets another value. k = 3: the coverage recipe, each of the three states:
// RUSTC_WRAPPER unset -> "" (set to empty), CARGO_INCREMENTAL "0" -> "1", CARGO_TARGET_DIR a path
// -> unset.
struct Guarded {
    const char* name;
    const char* original; // nullptr: unset
    const char* value;    // nullptr: unset
};
constexpr Guarded k1[] = {{"CARGO_TARGET_DIR", "/shared/target", "/tmp/bench/target"}};
constexpr Guarded k3[] = {{"RUSTC_WRAPPER", nullptr, ""},
                          {"CARGO_INCREMENTAL", "0", "1"},
                          {"CARGO_TARGET_DIR", "/shared/target", nullptr}};

// The environment: exactly N synthetic variables, then the guarded ones in their original state.
void prepare_environment(long n) {
    ::clearenv();
    char name[64];
    char value[64];
    for (long i = 0; i < n; ++i) {
        std::snprintf(name, sizeof name, "ENVGUARD_BENCH_FILL_%06ld", i);
        std::snprintf(value, sizeof value, "synthetic-value-%06ld", i);
        ::setenv(name, value, 1);
    }
    for (const auto& g : k3)
        if (g.original != nullptr) ::setenv(g.name, g.original, 1);
}

// The floor: what careful code writes by hand. Save each original (a copy: the pointer getenv
// returns is not promised to outlive the next setenv), write, then put every one back.
template <std::size_t K>
void floor_cycle(const Guarded (&vars)[K]) {
    std::optional<std::string> saved[K];
    for (std::size_t i = 0; i < K; ++i) {
        if (const char* old = std::getenv(vars[i].name)) saved[i].emplace(old);
        if (vars[i].value != nullptr)
            ::setenv(vars[i].name, vars[i].value, 1);
        else
            ::unsetenv(vars[i].name);
    }
    benchmark::ClobberMemory();
    for (std::size_t i = K; i-- > 0;) {
        if (saved[i])
            ::setenv(vars[i].name, saved[i]->c_str(), 1);
        else
            ::unsetenv(vars[i].name);
    }
}

// envguard, in the forms the README shows.
void envguard_cycle_k1() {
    envguard::ScopedEnv env("CARGO_TARGET_DIR", "/tmp/bench/target");
    benchmark::ClobberMemory();
}
void envguard_cycle_k3() {
    envguard::ScopedEnv env{{"RUSTC_WRAPPER", ""},
                            {"CARGO_INCREMENTAL", "1"},
                            {"CARGO_TARGET_DIR", std::nullopt}};
    benchmark::ClobberMemory();
}

// Every cycle must leave the environment as it found it; checked once per case, outside the loop.
bool environment_is_original() {
    for (const auto& g : k3) {
        const char* now = std::getenv(g.name);
        if ((now == nullptr) != (g.original == nullptr)) return false;
        if (now != nullptr && std::strcmp(now, g.original) != 0) return false;
    }
    return true;
}

template <class Cycle>
void run_case(benchmark::State& state, Cycle cycle) {
    prepare_environment(state.range(0));
    for (int i = 0; i < 16; ++i) cycle(); // warm: glibc's environ array and its string cache
    for (auto _ : state) cycle();
    if (!environment_is_original()) state.SkipWithError("the environment was not restored");
}

void BM_floor_k1(benchmark::State& state) { run_case(state, [] { floor_cycle(k1); }); }
void BM_envguard_k1(benchmark::State& state) { run_case(state, envguard_cycle_k1); }
void BM_floor_k3(benchmark::State& state) { run_case(state, [] { floor_cycle(k3); }); }
void BM_envguard_k3(benchmark::State& state) { run_case(state, envguard_cycle_k3); }

#define ENVGUARD_SIZES RangeMultiplier(10)->Range(10, 10000)
BENCHMARK(BM_floor_k1)->ENVGUARD_SIZES;
BENCHMARK(BM_envguard_k1)->ENVGUARD_SIZES;
BENCHMARK(BM_floor_k3)->ENVGUARD_SIZES;
BENCHMARK(BM_envguard_k3)->ENVGUARD_SIZES;

template <class Cycle>
int count_case(const char* label, long n, long cycles, Cycle cycle) {
    prepare_environment(n);
    for (int i = 0; i < 16; ++i) cycle();
    CALLGRIND_ZERO_STATS;
    for (long i = 0; i < cycles; ++i) cycle();
    CALLGRIND_DUMP_STATS_AT(label);
    if (environment_is_original()) return 0;
    std::fprintf(stderr, "%s: the environment was not restored\n", label);
    return 1;
}

// CYCLES cycles at N = 10, fewer for larger N (each cycle costs about N times more), at least 20.
long cycles_for(long cycles, long n) { return cycles * 10 / n > 20 ? cycles * 10 / n : 20; }

int run_callgrind_cases(long base_cycles) {
    int failures = 0;
    char label[64];
    for (long n : {10L, 100L, 1000L, 10000L}) {
        const long cycles = cycles_for(base_cycles, n);
        std::snprintf(label, sizeof label, "floor k=1 N=%ld cycles=%ld", n, cycles);
        failures += count_case(label, n, cycles, [] { floor_cycle(k1); });
        std::snprintf(label, sizeof label, "envguard k=1 N=%ld cycles=%ld", n, cycles);
        failures += count_case(label, n, cycles, envguard_cycle_k1);
        std::snprintf(label, sizeof label, "floor k=3 N=%ld cycles=%ld", n, cycles);
        failures += count_case(label, n, cycles, [] { floor_cycle(k3); });
        std::snprintf(label, sizeof label, "envguard k=3 N=%ld cycles=%ld", n, cycles);
        failures += count_case(label, n, cycles, envguard_cycle_k3);
    }
    return failures == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "--callgrind") == 0)
        return run_callgrind_cases(std::strtol(argv[2], nullptr, 10));
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
