// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// ChildProcess, run, exec and find_program on Windows: CreateProcessW with a UTF-16 environment block, the
// command line quoted for the C runtime, .bat/.cmd through cmd.exe, the console's Ctrl+C ignored while
// the child runs.
// Part of process.hpp's bodies: it compiles only where bodies are compiled (config.hpp) and only
// on Windows; process.hpp includes it.
#pragma once

#include "../process.hpp"

#if ENVGUARD_HAS_EXCEPTIONS && ENVGUARD_BODIES && ENVGUARD_WINDOWS
#    include "names.hpp"
#    include "platform.hpp" // <windows.h>, through the one file that includes it
#    include <cstdio>
#    include <cstdlib>
ENVGUARD_NAMESPACE_BEGIN

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

// Waiting for a child that did start: "cannot wait for", with its process id.
[[noreturn]] inline void throw_wait_error(DWORD error, const std::string& program, long long id) {
    const std::error_code code(static_cast<int>(error == 0 ? ERROR_GEN_FAILURE : error), std::system_category());
    throw make_env_error(errc::os_error, "wait for", program,
                         "the operating system refused (process id " + std::to_string(id) + "): " + code.message(),
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

ENVGUARD_DECL ChildProcess::ChildProcess(const std::vector<std::string>& argv, const EnvSnapshot& env,
                                        const void* /* signal_mask: POSIX only */) {
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
    program_ = argv.front();
    handle_ = process.hProcess; // kept until wait(): while it is open, the process id is not reused
    id_ = static_cast<long long>(process.dwProcessId);
}

/// WaitForSingleObject on the process handle, which stays open (the id stays the child's).
ENVGUARD_DECL void ChildProcess::wait_until_exited() {
    detail::require_child(id_);
    if (waited_) return;
    if (::WaitForSingleObject(handle_, INFINITE) != WAIT_OBJECT_0) {
        const DWORD error = ::GetLastError();
        detail::throw_wait_error(error, program_, id_);
    }
}

/// Waits, reads the exit code with GetExitCodeProcess and closes the handle.
ENVGUARD_DECL ExitStatus ChildProcess::wait() {
    detail::require_child(id_);
    if (waited_) return status_;
    DWORD code = 0;
    const bool ended = ::WaitForSingleObject(handle_, INFINITE) == WAIT_OBJECT_0 &&
                       ::GetExitCodeProcess(handle_, &code);
    if (!ended) {
        const DWORD error = ::GetLastError();
        detail::throw_wait_error(error, program_, id_);
    }
    ::CloseHandle(handle_);
    handle_ = nullptr;
    waited_ = true;
    status_ = ExitStatus::exited_with(static_cast<int>(code)); // NTSTATUS codes (0xC000...): negative
    return status_;
}

ENVGUARD_DECL void ChildProcess::end() noexcept {
    if (handle_ == nullptr) return;
    if (!waited_) {
        ::TerminateProcess(handle_, 1);
        ::WaitForSingleObject(handle_, INFINITE);
        waited_ = true;
    }
    ::CloseHandle(handle_);
    handle_ = nullptr;
}

/// Runs ARGV with exactly the environment ENV (plus SystemRoot, see EnvBlock), waits for it and
/// returns its exit code: ChildProcess(ARGV, ENV).wait().code(). The command line is quoted so that
/// the child's CommandLineToArgvW gets ARGV back exactly. The parent's environment is never written.
ENVGUARD_DECL int run(const std::vector<std::string>& argv, const EnvSnapshot& env) {
    ChildProcess child(argv, env);
    return child.wait().code();
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

ENVGUARD_NAMESPACE_END
#endif
