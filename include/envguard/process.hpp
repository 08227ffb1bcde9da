// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// Start a program with a given environment: the child gets exactly ENV, the parent's environment is
// neither read nor written (so this is safe from any thread). The program is looked up on the
// *child's* PATH, because that is the PATH the recipe chose: an overlay that prepends a toolchain
// directory must find the toolchain's cargo, not the parent's.
#pragma once

#include "block.hpp"
#include "config.hpp"
#include "error.hpp"
#include "snapshot.hpp"

#include <cerrno>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

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

enum class file_kind { missing, not_executable, executable };

inline file_kind probe_program(const std::string& path) noexcept {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return file_kind::missing;
    if (!S_ISREG(info.st_mode) || ::access(path.c_str(), X_OK) != 0) return file_kind::not_executable;
    return file_kind::executable;
}

// WHERE is empty for a program given as a path, or "on the child's PATH (...)" for a name.
[[noreturn]] inline void throw_program_error(file_kind kind, std::string_view program,
                                             const std::string& where) {
    if (kind == file_kind::not_executable)
        throw make_env_error(errc::command_not_executable, "run", program,
                             where.empty() ? std::string("it is not an executable file")
                                           : "found " + where + ", but it is not an executable file");
    throw make_env_error(errc::command_not_found, "run", program,
                         where.empty() ? std::string("no such file") : "not found " + where);
}

inline std::vector<char*> argv_pointers(const std::vector<std::string>& argv) {
    std::vector<char*> pointers;
    pointers.reserve(argv.size() + 1);
    for (const auto& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
    pointers.push_back(nullptr);
    return pointers;
}

inline void require_command(const std::vector<std::string>& argv) {
    if (argv.empty() || argv.front().empty())
        throw std::invalid_argument("envguard: cannot run an empty command");
}

[[noreturn]] inline void throw_exec_error(int error, const std::string& program) {
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

} // namespace detail

/// The file PROGRAM would run as, for a child whose environment is ENV. A name containing '/' is
/// used as it is; any other is searched on ENV's PATH (an empty entry means the current directory;
/// no PATH means the system default, as execvp does). Throws EnvError: errc::command_not_found, or
/// errc::command_not_executable when the only match cannot be executed.
inline std::string find_program(std::string_view program, const EnvSnapshot& env) {
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

/// Runs ARGV (ARGV[0] looked up with find_program on ENV's PATH) with exactly the environment ENV,
/// waits for it, and returns its exit status, or 128 + N when signal N killed it (as shells report
/// it). The parent's environment is never written. Throws EnvError when the program cannot be found
/// or started, std::invalid_argument for an empty command.
inline int run(const std::vector<std::string>& argv, const EnvSnapshot& env) {
    detail::require_command(argv);
    const std::string path = find_program(argv.front(), env);
    const EnvBlock block(env);
    auto args = detail::argv_pointers(argv);
    pid_t pid = 0;
    const int error = ::posix_spawn(&pid, path.c_str(), nullptr, nullptr, args.data(), block.envp());
    if (error != 0) detail::throw_exec_error(error, argv.front());
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) detail::throw_exec_error(errno, argv.front());
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 125; // stopped/continued are not reported without WUNTRACED; never expected here
}

/// Replaces this process with ARGV, given exactly the environment ENV (execve, as GNU env does).
/// Returns only by throwing, as run() does, when the program cannot be found or started.
[[noreturn]] inline void exec(const std::vector<std::string>& argv, const EnvSnapshot& env) {
    detail::require_command(argv);
    const std::string path = find_program(argv.front(), env);
    const EnvBlock block(env);
    auto args = detail::argv_pointers(argv);
    ::execve(path.c_str(), args.data(), block.envp());
    detail::throw_exec_error(errno, argv.front());
}

ENVGUARD_NAMESPACE_END
