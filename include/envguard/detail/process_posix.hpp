// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// ChildProcess, run, exec and find_program on POSIX: posix_spawn and execve with an EnvBlock, the
// search along the child's PATH, waiting (waitid without reaping, waitpid) and the child's exit status.
// Part of process.hpp's bodies: it compiles only where bodies are compiled (config.hpp) and only
// on POSIX; process.hpp includes it.
#pragma once

#include "../process.hpp"

#if ENVGUARD_HAS_EXCEPTIONS && ENVGUARD_BODIES && !ENVGUARD_WINDOWS
#    include "names.hpp"
#    include <csignal>
#    include <mutex>
#    include <signal.h>
#    include <spawn.h>
#    include <sys/stat.h>
#    include <sys/types.h>
#    include <sys/wait.h>
#    include <unistd.h>
ENVGUARD_NAMESPACE_BEGIN

namespace detail {

// The search path execvp uses when PATH is unset.
inline std::string default_search_path() {
    const std::size_t size = ::confstr(_CS_PATH, nullptr, 0);
    if (size == 0) return "/bin:/usr/bin";
    std::string path(size, '\0');
    ::confstr(_CS_PATH, &path[0], size);
    path.resize(size - 1); // confstr counts the terminating NUL
    return path;
}

inline file_kind probe_program(const std::string& path) noexcept {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return file_kind::missing;
    if (!S_ISREG(info.st_mode) || ::access(path.c_str(), X_OK) != 0) return file_kind::not_executable;
    return file_kind::executable;
}

inline std::vector<char*> argv_pointers(const std::vector<std::string>& argv) {
    std::vector<char*> pointers;
    pointers.reserve(argv.size() + 1);
    for (const auto& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
    pointers.push_back(nullptr);
    return pointers;
}

// E2BIG: what the arguments and environment take (as the kernel counts: each string with its NUL,
// plus a pointer each), the system's limit, and the largest variable, so that the message names what
// to shrink. Linux also refuses any single string over 32 pages (MAX_ARG_STRLEN, 131,072 bytes).
inline std::string argument_list_size_note(char* const* argv, char* const* envp) {
    std::size_t total = 0;
    for (char* const* p = argv; *p != nullptr; ++p) total += std::char_traits<char>::length(*p) + 1 + sizeof(char*);
    const char* largest = nullptr;
    std::size_t largest_size = 0;
    for (char* const* p = envp; *p != nullptr; ++p) {
        const std::size_t size = std::char_traits<char>::length(*p) + 1;
        total += size + sizeof(char*);
        if (size > largest_size) {
            largest_size = size;
            largest = *p;
        }
    }
    std::string note = ": the arguments and environment take " + std::to_string(total) + " bytes";
    const long limit = ::sysconf(_SC_ARG_MAX);
    if (limit > 0) note += " (the system's limit: " + std::to_string(limit) + ")";
    if (largest != nullptr) {
        const char* equals = std::char_traits<char>::find(largest, largest_size, '=');
        const std::size_t name_size = equals ? static_cast<std::size_t>(equals - largest) : largest_size - 1;
        note += "; the largest variable is " + envguard::quote_value(std::string_view(largest, name_size), 64) +
                " (" + std::to_string(largest_size - 1) + " bytes";
#if defined(__linux__)
        if (largest_size > 131072) note += ", over Linux's 131,072-byte limit for one string";
#endif
        note += ")";
    }
    return note;
}

[[noreturn]] inline void throw_exec_error(int error, const std::string& program,
                                          const std::string& note = std::string()) {
    if (error == E2BIG)
        throw make_env_error(errc::os_error, "run", program,
                             "the operating system refused: " +
                                 std::error_code(error, std::system_category()).message() + note,
                             std::error_code(error, std::system_category()));
    if (error == ENOENT) throw_program_error(file_kind::missing, program, "");
    if (error == EACCES || error == ENOEXEC || error == EISDIR)
        throw make_env_error(errc::command_not_executable, "run", program,
                             "it cannot be executed: " +
                                 std::error_code(error, std::system_category()).message(),
                             std::error_code(error, std::system_category()));
    throw make_env_error(errc::os_error, "run", program,
                         "the operating system refused: " +
                             std::error_code(error, std::system_category()).message(),
                         std::error_code(error, std::system_category()));
}

// Waiting for a child that did start: "cannot wait for", with its pid. ECHILD means that something
// else reaped it: the kernel, while SIGCHLD is ignored, or another waitpid.
[[noreturn]] inline void throw_wait_error(int error, const std::string& program, long long id) {
    const std::error_code os(error, std::system_category());
    std::string why = "the operating system refused (pid " + std::to_string(id) + "): " + os.message();
    if (error == ECHILD)
        why += " (it was reaped elsewhere: SIGCHLD is ignored, or another waitpid took it; only run() "
               "sets SIGCHLD's default disposition while it waits)";
    throw make_env_error(errc::os_error, "wait for", program, why, os);
}

} // namespace detail

/// The file PROGRAM would run as, for a child whose environment is ENV. A name containing '/' is
/// used as it is; any other is searched on ENV's PATH (an empty entry means the current directory;
/// no PATH means the system default, as execvp does). Throws EnvError: errc::command_not_found, or
/// errc::command_not_executable when the only match cannot be executed.
ENVGUARD_DECL std::string find_program(std::string_view program, const EnvSnapshot& env) {
    if (program.empty()) throw std::invalid_argument("envguard: cannot run an empty command");
    const std::string name(program);
    if (name.find('/') != std::string::npos) {
        const auto kind = detail::probe_program(name);
        if (kind != detail::file_kind::executable) detail::throw_program_error(kind, name, "");
        return name;
    }
    const std::string* child_path = env.find("PATH");
    const std::string path = child_path ? *child_path : detail::default_search_path();
    bool saw_not_executable = false;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        const std::string dir = path.substr(start, end - start);
        const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        switch (detail::probe_program(candidate)) {
        case detail::file_kind::executable: return candidate;
        case detail::file_kind::not_executable: saw_not_executable = true; break;
        case detail::file_kind::missing: break;
        }
        start = end + 1;
    }
    detail::throw_program_error(saw_not_executable ? detail::file_kind::not_executable
                                                   : detail::file_kind::missing,
                                name, "on the child's PATH (" + path + ")");
}

namespace detail {

// execvp's fallback for a file the kernel cannot execute (ENOEXEC: a script without "#!"): the same
// file run by /bin/sh, as "/bin/sh PATH ARG1 ...".
inline std::vector<char*> shell_arguments(const std::string& path, const std::vector<char*>& args) {
    std::vector<char*> shell;
    shell.reserve(args.size() + 1);
    shell.push_back(const_cast<char*>("/bin/sh"));
    shell.push_back(const_cast<char*>(path.c_str()));
    for (std::size_t i = 1; i < args.size(); ++i) shell.push_back(args[i]); // the rest and the null
    return shell;
}

// While SIGCHLD is ignored (or SA_NOCLDWAIT is set), the kernel reaps children itself and waitpid
// cannot report their status. run() sets the default disposition from before the spawn until its
// child is reaped, then puts the old one back and reaps whatever else ended meanwhile (which the
// program had asked the kernel to discard anyway). One run() at a time does this.
class sigchld_default_while_running {
public:
    sigchld_default_while_running() {
        struct sigaction current {};
        ::sigaction(SIGCHLD, nullptr, &current);
        const bool ignored = current.sa_handler == SIG_IGN ||
                             (current.sa_handler == SIG_DFL && (current.sa_flags & SA_NOCLDWAIT) != 0);
        if (!ignored) return;
        lock_ = std::unique_lock<std::mutex>(mutex());
        struct sigaction deflt {};
        deflt.sa_handler = SIG_DFL;
        sigemptyset(&deflt.sa_mask);
        ::sigaction(SIGCHLD, &deflt, &previous_);
        active_ = true;
    }
    ~sigchld_default_while_running() {
        if (!active_) return;
        ::sigaction(SIGCHLD, &previous_, nullptr);
        int status = 0;
        while (::waitpid(-1, &status, WNOHANG) > 0) {
        }
    }
    sigchld_default_while_running(const sigchld_default_while_running&) = delete;
    sigchld_default_while_running& operator=(const sigchld_default_while_running&) = delete;

private:
    static std::mutex& mutex() {
        static std::mutex m;
        return m;
    }
    struct sigaction previous_ {};
    bool active_ = false;
    std::unique_lock<std::mutex> lock_;
};

} // namespace detail

ENVGUARD_DECL ChildProcess::ChildProcess(const std::vector<std::string>& argv, const EnvSnapshot& env,
                                        const void* signal_mask) {
    detail::require_command(argv);
    const std::string path = find_program(argv.front(), env);
    const EnvBlock block(env);
    auto args = detail::argv_pointers(argv);
    program_ = argv.front();
    posix_spawnattr_t attributes;
    posix_spawnattr_t* use_attributes = nullptr;
    if (signal_mask != nullptr) {
        if (const int error = ::posix_spawnattr_init(&attributes)) detail::throw_exec_error(error, program_);
        ::posix_spawnattr_setsigmask(&attributes, static_cast<const sigset_t*>(signal_mask));
        ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
        use_attributes = &attributes;
    }
    pid_t pid = 0;
    int error = ::posix_spawn(&pid, path.c_str(), nullptr, use_attributes, args.data(), block.envp());
    if (error == ENOEXEC) {
        auto shell = detail::shell_arguments(path, args);
        error = ::posix_spawn(&pid, "/bin/sh", nullptr, use_attributes, shell.data(), block.envp());
    }
    if (use_attributes != nullptr) ::posix_spawnattr_destroy(&attributes);
    if (error == E2BIG) detail::throw_exec_error(error, program_, detail::argument_list_size_note(args.data(), block.envp()));
    if (error != 0) detail::throw_exec_error(error, program_);
    id_ = pid;
}

/// Waits without reaping (waitid with WNOWAIT): the pid stays the child's until wait().
ENVGUARD_DECL void ChildProcess::wait_until_exited() {
    detail::require_child(id_);
    if (waited_) return; // reaped already
    if (lost_) detail::throw_wait_error(ECHILD, program_, id_);
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(id_), &info, WEXITED | WNOWAIT) != 0)
        if (errno != EINTR) {
            lost_ = true;
            detail::throw_wait_error(errno, program_, id_);
        }
}

/// Reaps the child with waitpid and keeps its status.
ENVGUARD_DECL ExitStatus ChildProcess::wait() {
    detail::require_child(id_);
    if (waited_) return status_;
    if (lost_) detail::throw_wait_error(ECHILD, program_, id_);
    int status = 0;
    while (::waitpid(static_cast<pid_t>(id_), &status, 0) < 0)
        if (errno != EINTR) {
            lost_ = true;
            detail::throw_wait_error(errno, program_, id_);
        }
    waited_ = true;
    if (WIFEXITED(status)) status_ = ExitStatus::exited_with(WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) status_ = ExitStatus::killed_by(WTERMSIG(status));
    else status_ = ExitStatus::exited_with(125); // stopped/continued: not reported without WUNTRACED
    return status_;
}

ENVGUARD_DECL void ChildProcess::end() noexcept {
    if (id_ == 0 || waited_ || lost_) return;
    const auto pid = static_cast<pid_t>(id_);
    ::kill(pid, SIGKILL); // not reaped yet, so the pid is still the child's
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    waited_ = true;
}

/// Runs ARGV (ARGV[0] looked up with find_program on ENV's PATH) with exactly the environment ENV,
/// waits for it, and returns its exit status, or 128 + N when signal N killed it (as shells report
/// it): ChildProcess(ARGV, ENV).wait().shell_code(). The parent's environment is never written. A
/// file the kernel cannot execute (a script without "#!") is run by /bin/sh, as execvp and GNU env
/// do. Throws EnvError when the program cannot be found or started (for "Argument list too long":
/// with the size and the largest variable), or for an argument containing a NUL byte;
/// std::invalid_argument for an empty command. Works with SIGCHLD ignored: while it waits, SIGCHLD
/// has its default disposition (see the README).
ENVGUARD_DECL int run(const std::vector<std::string>& argv, const EnvSnapshot& env) {
    detail::sigchld_default_while_running reapable;
    ChildProcess child(argv, env);
    return child.wait().shell_code();
}

/// Replaces this process with ARGV, given exactly the environment ENV (execve, as GNU env does).
/// Returns only by throwing, as run() does, when the program cannot be found or started.
[[noreturn]] ENVGUARD_DECL void exec(const std::vector<std::string>& argv, const EnvSnapshot& env) {
    detail::require_command(argv);
    const std::string path = find_program(argv.front(), env);
    const EnvBlock block(env);
    auto args = detail::argv_pointers(argv);
    ::execve(path.c_str(), args.data(), block.envp());
    int error = errno;
    if (error == ENOEXEC) {
        auto shell = detail::shell_arguments(path, args);
        ::execve("/bin/sh", shell.data(), block.envp());
        error = errno;
    }
    if (error == E2BIG) detail::throw_exec_error(error, argv.front(), detail::argument_list_size_note(args.data(), block.envp()));
    detail::throw_exec_error(error, argv.front());
}

ENVGUARD_NAMESPACE_END
#endif
