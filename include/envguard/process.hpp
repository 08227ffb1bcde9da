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
#    if ENVGUARD_WINDOWS
#        include "detail/platform.hpp" // <windows.h>, through the one file that includes it
#        include <cstdio>
#        include <cstdlib>
#    else
#        include <csignal>
#        include <mutex>
#        include <signal.h>
#        include <spawn.h>
#        include <sys/stat.h>
#        include <sys/types.h>
#        include <sys/wait.h>
#        include <unistd.h>
#    endif
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


#if ENVGUARD_WINDOWS

namespace detail {

inline std::vector<std::string> split_list(const std::string& text, char separator) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(separator, start);
        if (end == std::string::npos) end = text.size();
        std::string item = text.substr(start, end - start);
        if (item.size() >= 2 && item.front() == '"' && item.back() == '"') item = item.substr(1, item.size() - 2);
        if (!item.empty()) items.push_back(item);
        start = end + 1;
    }
    return items;
}

inline bool same_extension(const std::string& path, const std::string& extension) {
    if (path.size() < extension.size()) return false;
    return compare_names(std::string_view(path).substr(path.size() - extension.size()), extension) == 0;
}

// Executable on Windows: an existing file whose extension is one of PATHEXT's.
inline file_kind probe_program(const std::string& path, const std::vector<std::string>& extensions) {
    const DWORD attributes = ::GetFileAttributesW(to_wide(path).c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES) return file_kind::missing;
    if (attributes & FILE_ATTRIBUTE_DIRECTORY) return file_kind::not_executable;
    for (const auto& extension : extensions)
        if (same_extension(path, extension)) return file_kind::executable;
    return file_kind::not_executable;
}

// PATH, as-is first when the name has an extension, then with each PATHEXT extension.
inline file_kind find_in(const std::string& base, const std::vector<std::string>& extensions,
                         std::string& found) {
    file_kind best = file_kind::missing;
    const auto slash = base.find_last_of("/\\");
    const bool has_extension = base.find('.', slash == std::string::npos ? 0 : slash + 1) != std::string::npos;
    if (has_extension) {
        best = probe_program(base, extensions);
        if (best == file_kind::executable) {
            found = base;
            return best;
        }
    }
    for (const auto& extension : extensions) {
        if (probe_program(base + extension, extensions) == file_kind::executable) {
            found = base + extension;
            return file_kind::executable;
        }
    }
    return best;
}

// One argument as CommandLineToArgvW (and the CRT) will read it back: quoted when it is empty or has
// a space, tab or quote; backslashes doubled where they precede a quote (or the closing quote).
inline std::wstring quote_argument(const std::wstring& arg) {
    if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) return arg;
    std::wstring out = L"\"";
    std::size_t backslashes = 0;
    for (wchar_t c : arg) {
        if (c == L'\\') {
            ++backslashes;
            continue;
        }
        if (c == L'"') out.append(backslashes * 2 + 1, L'\\');
        else out.append(backslashes, L'\\');
        backslashes = 0;
        out += c;
    }
    out.append(backslashes * 2, L'\\');
    out += L'"';
    return out;
}

[[noreturn]] inline void throw_spawn_error(DWORD error, const std::string& program) {
    const std::error_code code(static_cast<int>(error), std::system_category());
    if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND)
        throw_program_error(file_kind::missing, program, "");
    if (error == ERROR_BAD_EXE_FORMAT || error == ERROR_ACCESS_DENIED ||
        error == ERROR_EXE_MACHINE_TYPE_MISMATCH || error == 740 /* ERROR_ELEVATION_REQUIRED */)
        throw make_env_error(errc::command_not_executable, "run", program,
                             "it cannot be executed: " + code.message(), code);
    throw make_env_error(errc::os_error, "run", program, "the operating system refused: " + code.message(),
                         code);
}

} // namespace detail

/// The file PROGRAM would run as, for a child whose environment is ENV. A name with '/', '\\' or a
/// drive is used as it is; any other is searched on ENV's PATH (';'-separated). A name without an
/// extension gets each of ENV's PATHEXT extensions (default .COM;.EXE;.BAT;.CMD) in turn. Unlike
/// CreateProcess on its own, the parent's directory and the current directory are not searched: the
/// child's PATH decides. Throws EnvError as on POSIX.
ENVGUARD_DECL std::string find_program(std::string_view program, const EnvSnapshot& env) {
    if (program.empty()) throw std::invalid_argument("envguard: cannot run an empty command");
    const std::string name(program);
    const std::string* pathext = env.find("PATHEXT");
    const auto extensions = detail::split_list(pathext ? *pathext : std::string(".COM;.EXE;.BAT;.CMD"), ';');
    std::string found;
    if (name.find_first_of("/\\:") != std::string::npos) {
        const auto kind = detail::find_in(name, extensions, found);
        if (kind != detail::file_kind::executable) detail::throw_program_error(kind, name, "");
        return found;
    }
    const std::string* path = env.find("PATH");
    bool saw_not_executable = false;
    for (const auto& dir : detail::split_list(path ? *path : std::string(), ';')) {
        const char last = dir.back();
        const auto kind = detail::find_in(dir + (last == '\\' || last == '/' ? "" : "\\") + name, extensions, found);
        if (kind == detail::file_kind::executable) return found;
        saw_not_executable = saw_not_executable || kind == detail::file_kind::not_executable;
    }
    detail::throw_program_error(saw_not_executable ? detail::file_kind::not_executable
                                                   : detail::file_kind::missing,
                                name, "on the child's PATH (" + (path ? *path : std::string()) + ")");
}

/// Runs ARGV with exactly the environment ENV (plus SystemRoot, see EnvBlock), waits for it and
/// returns its exit code. The command line is quoted so that the child's CommandLineToArgvW gets
/// ARGV back exactly. The parent's environment is never written.
ENVGUARD_DECL int run(const std::vector<std::string>& argv, const EnvSnapshot& env) {
    detail::require_command(argv);
    for (const auto& arg : argv)
        if (auto bad = detail::check_value(arg))
            throw detail::make_env_error(bad.code, "pass the argument", arg,
                                         std::string(bad.rule) + " (to reach the child intact)");
    const std::string path = find_program(argv.front(), env);
    // A batch file runs under cmd.exe, which does not follow CommandLineToArgvW's quoting and expands
    // %VAR% even inside quotes: refuse what cmd would reinterpret rather than let an argument become a
    // command. The first word is the resolved file, so cmd does not look the name up again.
    const bool batch = detail::same_extension(path, ".bat") || detail::same_extension(path, ".cmd");
    if (batch)
        for (std::size_t i = 1; i < argv.size(); ++i)
            if (argv[i].find_first_of("\"%\r\n") != std::string::npos)
                throw detail::make_env_error(errc::invalid_value, "pass the argument", argv[i],
                                             "an argument to a batch file (" + path +
                                                 ") must not contain '\"', '%', CR or LF: cmd.exe "
                                                 "would reinterpret it");
    const EnvBlock block(env);
    std::wstring command_line;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (!command_line.empty()) command_line += L' ';
        command_line += detail::quote_argument(detail::to_wide(i == 0 && batch ? path : argv[i]));
    }
    std::vector<wchar_t> mutable_line(command_line.begin(), command_line.end());
    mutable_line.push_back(L'\0');
    STARTUPINFOW startup{};
    startup.cb = sizeof startup;
    PROCESS_INFORMATION process{};
    if (!::CreateProcessW(detail::to_wide(path).c_str(), mutable_line.data(), nullptr, nullptr, TRUE,
                          CREATE_UNICODE_ENVIRONMENT, const_cast<wchar_t*>(block.block()), nullptr,
                          &startup, &process))
        detail::throw_spawn_error(::GetLastError(), argv.front());
    ::CloseHandle(process.hThread);
    DWORD code = 0;
    const bool waited = ::WaitForSingleObject(process.hProcess, INFINITE) == WAIT_OBJECT_0 &&
                        ::GetExitCodeProcess(process.hProcess, &code);
    const DWORD error = waited ? 0 : ::GetLastError();
    ::CloseHandle(process.hProcess);
    if (!waited) detail::throw_spawn_error(error == 0 ? ERROR_GEN_FAILURE : error, argv.front());
    return static_cast<int>(code); // NTSTATUS codes (0xC000...) come back as negative ints
}

namespace detail {
// While the child runs, Ctrl+C and Ctrl+Break go to it (the whole console gets them); this process
// only waits, so that the shell sees the child's own exit code, as with execve.
inline BOOL WINAPI ignore_console_interrupt(DWORD) noexcept { return TRUE; }
} // namespace detail

/// Windows has no execve: runs ARGV as run() does (ignoring Ctrl+C meanwhile, which the child gets),
/// then ends this process with the child's exit code.
[[noreturn]] ENVGUARD_DECL void exec(const std::vector<std::string>& argv, const EnvSnapshot& env) {
    ::SetConsoleCtrlHandler(&detail::ignore_console_interrupt, TRUE);
    const int code = run(argv, env);
    std::fflush(nullptr);
    std::exit(code);
}

#else

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
    shell.insert(shell.end(), args.begin() + 1, args.end()); // the rest and the null
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

/// Runs ARGV (ARGV[0] looked up with find_program on ENV's PATH) with exactly the environment ENV,
/// waits for it, and returns its exit status, or 128 + N when signal N killed it (as shells report
/// it). The parent's environment is never written. A file the kernel cannot execute (a script
/// without "#!") is run by /bin/sh, as execvp and GNU env do. Throws EnvError when the program cannot
/// be found or started (for "Argument list too long": with the size and the largest variable), or
/// for an argument containing a NUL byte; std::invalid_argument for an empty command. Works with
/// SIGCHLD ignored: while it waits, SIGCHLD has its default disposition (see the README).
ENVGUARD_DECL int run(const std::vector<std::string>& argv, const EnvSnapshot& env) {
    detail::require_command(argv);
    const std::string path = find_program(argv.front(), env);
    const EnvBlock block(env);
    auto args = detail::argv_pointers(argv);
    detail::sigchld_default_while_running reapable;
    pid_t pid = 0;
    int error = ::posix_spawn(&pid, path.c_str(), nullptr, nullptr, args.data(), block.envp());
    if (error == ENOEXEC) {
        auto shell = detail::shell_arguments(path, args);
        error = ::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, shell.data(), block.envp());
    }
    if (error == E2BIG) detail::throw_exec_error(error, argv.front(), detail::argument_list_size_note(args.data(), block.envp()));
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

#endif

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
#endif // ENVGUARD_HAS_EXCEPTIONS
