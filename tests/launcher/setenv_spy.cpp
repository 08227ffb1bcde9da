// An LD_PRELOAD library for the launcher tests: records every call that changes the process
// environment (setenv, unsetenv, putenv, clearenv) to the file named by ENVGUARD_SPY_LOG, then does
// the real call. The launcher must never make one: it renders the child's environment instead.
// Only the program named by ENVGUARD_SPY_TARGET is watched: the children it starts inherit
// LD_PRELOAD, and what they do with their own environment is their business.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits.h>

namespace {
bool watched() {
    static const bool result = [] {
        const char* target = std::getenv("ENVGUARD_SPY_TARGET");
        if (target == nullptr) return false;
        char self[4096];
        char wanted[4096];
        return ::realpath("/proc/self/exe", self) != nullptr &&
               ::realpath(target, wanted) != nullptr && std::strcmp(self, wanted) == 0;
    }();
    return result;
}

void record(const char* call, const char* name) {
    // getenv does not change the environment, so reading the spy's own settings is fine.
    static const char* path = std::getenv("ENVGUARD_SPY_LOG");
    if (path == nullptr || !watched()) return;
    if (std::FILE* log = std::fopen(path, "a")) {
        std::fprintf(log, "%s %s\n", call, name ? name : "");
        std::fclose(log);
    }
}
template <class Fn>
Fn real(const char* symbol) {
    return reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, symbol));
}
} // namespace

extern "C" {
int setenv(const char* name, const char* value, int overwrite) {
    record("setenv", name);
    return real<int (*)(const char*, const char*, int)>("setenv")(name, value, overwrite);
}
int unsetenv(const char* name) {
    record("unsetenv", name);
    return real<int (*)(const char*)>("unsetenv")(name);
}
int putenv(char* text) {
    record("putenv", text);
    return real<int (*)(char*)>("putenv")(text);
}
int clearenv() {
    record("clearenv", "");
    return real<int (*)()>("clearenv")();
}
}
