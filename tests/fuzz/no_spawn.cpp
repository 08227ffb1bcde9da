// Linked into the fuzz targets: these definitions take the place of libc's for everything in the
// program, so that starting a process (which a dry run, the argument parser or the config reader must
// never do) is a crash that libFuzzer reports, not a process running with random arguments.
#include "fuzz_support.hpp"

#include <cerrno>
#include <spawn.h>
#include <unistd.h>

extern "C" {

int execve(const char*, char* const[], char* const[]) { fuzz::broken("execve was called"); }
int execv(const char*, char* const[]) { fuzz::broken("execv was called"); }
int execvp(const char*, char* const[]) { fuzz::broken("execvp was called"); }
int posix_spawn(pid_t*, const char*, const posix_spawn_file_actions_t*, const posix_spawnattr_t*,
                char* const[], char* const[]) {
    fuzz::broken("posix_spawn was called");
}
int posix_spawnp(pid_t*, const char*, const posix_spawn_file_actions_t*, const posix_spawnattr_t*,
                 char* const[], char* const[]) {
    fuzz::broken("posix_spawnp was called");
}
// `envguard check` asks sccache for its version and stats through popen: that fails here, as for a
// missing sccache, instead of starting a process.
FILE* popen(const char*, const char*) {
    errno = EPERM;
    return nullptr;
}
int system(const char*) { fuzz::broken("system was called"); }
pid_t fork() { fuzz::broken("fork was called"); }

} // extern "C"
