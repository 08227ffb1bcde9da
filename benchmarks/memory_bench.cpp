// Benchmark item 6: how much the process grows over many guard cycles, each with a value never used
// before (a temp dir, a port: what a test harness or a launcher guards per test or job).
//
//   envguard_bench_memory MODE [CYCLES]     MODE: setenv | keep | reclaim; CYCLES default 1000000
//
// setenv:  the same work by hand: setenv(NAME, distinct value) then unsetenv(NAME)
// keep:    envguard::ScopedEnv in the default MemoryMode::keep
// reclaim: envguard::ScopedEnv after envguard::set_memory_mode(envguard::MemoryMode::reclaim)
//
// Prints one line: MODE CYCLES RSS_BEFORE_KB RSS_AFTER_KB GROWTH_KB BYTES_PER_CYCLE. RSS is read from
// /proc/self/statm (resident pages), after a warm-up of 1000 cycles so that one-time allocations
// (the environ array, the allocator's first pages) are not counted. One process per mode: run
// benchmarks/memory_table.sh for the table.
#include <envguard/envguard.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <unistd.h>

namespace {

long resident_kb() {
    std::FILE* statm = std::fopen("/proc/self/statm", "r");
    if (statm == nullptr) return -1;
    long size = 0, resident = 0;
    const int read = std::fscanf(statm, "%ld %ld", &size, &resident);
    std::fclose(statm);
    if (read != 2) return -1;
    return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

const char* const name = "ENVGUARD_BENCH_TMPDIR";

void cycle(const std::string& mode, long i) {
    char value[64];
    std::snprintf(value, sizeof value, "/tmp/envguard-bench/job-%010ld", i); // never seen before
    if (mode == "setenv") {
        ::setenv(name, value, 1);
        ::unsetenv(name);
    } else {
        envguard::ScopedEnv env(name, std::string(value));
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: %s setenv|keep|reclaim [CYCLES]\n", argv[0]);
        return 2;
    }
    const std::string mode = argv[1];
    if (mode != "setenv" && mode != "keep" && mode != "reclaim") {
        std::fprintf(stderr, "%s: unknown mode \"%s\" (setenv, keep or reclaim)\n", argv[0], argv[1]);
        return 2;
    }
    const long cycles = argc == 3 ? std::strtol(argv[2], nullptr, 10) : 1000000;
    if (mode == "reclaim") envguard::set_memory_mode(envguard::MemoryMode::reclaim);
    ::unsetenv(name);
    long i = 0;
    for (; i < 1000; ++i) cycle(mode, i); // warm-up
    const long before = resident_kb();
    for (long n = 0; n < cycles; ++n, ++i) cycle(mode, i);
    const long after = resident_kb();
    if (std::getenv(name) != nullptr) {
        std::fprintf(stderr, "%s: %s was not restored (unset)\n", argv[0], name);
        return 1;
    }
    std::printf("%s %ld %ld %ld %ld %.1f\n", mode.c_str(), cycles, before, after, after - before,
                cycles > 0 ? (after - before) * 1024.0 / static_cast<double>(cycles) : 0.0);
    return 0;
}
