// POSIX tests: a scratch directory under /tmp for small programs and files, removed with them.
#pragma once

#include <cstdio>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace test {

struct ScratchBin {
    std::string dir;
    std::vector<std::string> names; // what write() put there

    ScratchBin() {
        char pattern[] = "/tmp/envguard-test-XXXXXX";
        dir = ::mkdtemp(pattern);
    }
    ~ScratchBin() {
        for (const auto& name : names) std::remove((dir + "/" + name).c_str());
        ::rmdir(dir.c_str());
    }
    ScratchBin(const ScratchBin&) = delete;
    ScratchBin& operator=(const ScratchBin&) = delete;

    // DIR/NAME with TEXT and the permissions MODE (0755: a program).
    void write(const char* name, const char* text, mode_t mode) {
        const std::string path = dir + "/" + name;
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        names.emplace_back(name);
    }
};

} // namespace test
