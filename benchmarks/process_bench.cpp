// envguard benchmarks, issue #8 item 3: starting a child with a changed environment.
//
// At each size N (synthetic variables added to the real environment, see bench_env.hpp), in one run:
//   render_block        EnvBlock(overlay.render(base)): the base snapshot with one variable set, as an
//                       envp array (base captured beforehand, as a launcher has it)
//   render_block_hand   the same envp built by hand from the same snapshot: a vector<std::string> of
//                       "NAME=VALUE" with the change applied, and the vector<char*> pointing at them
//   run                 envguard::run({"/bin/true"}, env) with env = the process environment
//   spawn_hand          posix_spawn("/bin/true", ..., environ) + waitpid, written directly
// Both child benchmarks are timed in wall-clock time: the child's work is not this process's CPU time.
#include "bench_env.hpp"

#include <envguard/envguard.hpp>

#include <spawn.h>
#include <sys/wait.h>

#include <string>
#include <vector>

namespace {

const char* const probe_value = "1";

void render_block(benchmark::State& state) {
    bench::fill_environment(state.range(0));
    const auto base = envguard::EnvSnapshot::capture();
    envguard::EnvOverlay overlay;
    overlay.set(bench::probe_name(state.range(0)), probe_value);
    for (auto _ : state) {
        const envguard::EnvBlock block(overlay.render(base));
        benchmark::DoNotOptimize(block.envp());
    }
    bench::report_size(state);
}

void render_block_hand(benchmark::State& state) {
    bench::fill_environment(state.range(0));
    const auto base = envguard::EnvSnapshot::capture();
    const std::string name = bench::probe_name(state.range(0));
    for (auto _ : state) {
        std::vector<std::string> entries;
        entries.reserve(base.size() + 1);
        bool replaced = false;
        for (const auto& entry : base) {
            if (entry.first == name) {
                entries.push_back(name + "=" + probe_value);
                replaced = true;
            } else {
                entries.push_back(entry.first + "=" + entry.second);
            }
        }
        if (!replaced) entries.push_back(name + "=" + probe_value);
        std::vector<char*> envp;
        envp.reserve(entries.size() + 1);
        for (auto& entry : entries) envp.push_back(&entry[0]);
        envp.push_back(nullptr);
        benchmark::DoNotOptimize(envp.data());
    }
    bench::report_size(state);
}

void run(benchmark::State& state) {
    bench::fill_environment(state.range(0));
    const auto env = envguard::EnvSnapshot::capture();
    const std::vector<std::string> argv{"/bin/true"};
    for (auto _ : state) {
        if (envguard::run(argv, env) != 0) state.SkipWithError("/bin/true failed");
    }
    bench::report_size(state);
}

void spawn_hand(benchmark::State& state) {
    bench::fill_environment(state.range(0));
    char program[] = "/bin/true";
    char* argv[] = {program, nullptr};
    for (auto _ : state) {
        pid_t pid = 0;
        if (::posix_spawn(&pid, program, nullptr, nullptr, argv, environ) != 0) {
            state.SkipWithError("posix_spawn failed");
            break;
        }
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0) {
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) state.SkipWithError("/bin/true failed");
    }
    bench::report_size(state);
}

} // namespace

BENCHMARK(render_block)->Apply(bench::sizes);
BENCHMARK(render_block_hand)->Apply(bench::sizes);
BENCHMARK(run)->Apply(bench::sizes)->UseRealTime();
BENCHMARK(spawn_hand)->Apply(bench::sizes)->UseRealTime();

BENCHMARK_MAIN();
