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
#include "detail/needs_exceptions.hpp"
#include "error.hpp"
#include "snapshot.hpp"

#include <cerrno>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>


#if ENVGUARD_HAS_EXCEPTIONS // else: not available (detail/needs_exceptions.hpp)
ENVGUARD_NAMESPACE_BEGIN

/// The file PROGRAM would run as, for a child whose environment is ENV. POSIX: a name containing '/'
/// is used as it is; any other is searched on ENV's PATH (an empty entry means the current directory;
/// no PATH means the system default, as execvp does). Windows: a name with '/', '\\' or a drive is
/// used as it is; any other is searched on ENV's PATH (';'-separated), each of ENV's PATHEXT
/// extensions (default .COM;.EXE;.BAT;.CMD) tried on a name without one; the parent's directory and
/// the current directory are not searched. Throws EnvError: errc::command_not_found, or
/// errc::command_not_executable when the only match cannot be executed; std::invalid_argument for an
/// empty name.
ENVGUARD_DECL std::string find_program(std::string_view program, const EnvSnapshot& env);

/// Runs ARGV (ARGV[0] looked up with find_program on ENV's PATH) with exactly the environment ENV
/// (Windows: plus SystemRoot, see EnvBlock), waits for it, and returns its exit code (POSIX: 128 + N
/// when signal N killed it, as shells report it). The parent's environment is never written. POSIX: a
/// file the kernel cannot execute (a script without "#!") is run by /bin/sh, as execvp and GNU env
/// do; SIGCHLD has its default disposition while it waits. Windows: the command line is quoted so
/// that the child's CommandLineToArgvW gets ARGV back exactly. Throws EnvError when the program
/// cannot be found or started (for "Argument list too long": with the size and the largest
/// variable), or for an argument containing a NUL byte; std::invalid_argument for an empty command.
ENVGUARD_DECL int run(const std::vector<std::string>& argv, const EnvSnapshot& env);

/// Replaces this process with ARGV, given exactly the environment ENV (POSIX: execve, as GNU env
/// does; Windows, which has no execve: runs ARGV as run() does, ignoring Ctrl+C meanwhile, then ends
/// this process with the child's exit code). Returns only by throwing, as run() does.
[[noreturn]] ENVGUARD_DECL void exec(const std::vector<std::string>& argv, const EnvSnapshot& env);

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
#    include "detail/names.hpp"
ENVGUARD_NAMESPACE_BEGIN

namespace detail {

enum class file_kind { missing, not_executable, executable };

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

inline void require_command(const std::vector<std::string>& argv) {
    if (argv.empty() || argv.front().empty())
        throw std::invalid_argument("envguard: cannot run an empty command");
    // A C string ends at the first NUL: such an argument would reach the child cut short.
    for (const auto& arg : argv)
        if (arg.find('\0') != std::string::npos)
            throw make_env_error(errc::invalid_value, "pass the argument", arg,
                                 "an argument must not contain a NUL character (the child would get "
                                 "it cut there)");
}

} // namespace detail


ENVGUARD_NAMESPACE_END

// The operating system's part: spawning, waiting, exec (each compiles only on its own platform).
#    if ENVGUARD_WINDOWS
#        include "detail/process_win32.hpp"
#    else
#        include "detail/process_posix.hpp"
#    endif
#endif // ENVGUARD_BODIES
#endif // ENVGUARD_HAS_EXCEPTIONS
