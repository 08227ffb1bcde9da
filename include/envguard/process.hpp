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
#if !ENVGUARD_WINDOWS
#    include <signal.h> // sigset_t, for ChildProcess's signal mask
#endif


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

/// How a child process ended: it exited with a code, or (POSIX) a signal killed it. A value type;
/// ChildProcess::wait returns it.
class ExitStatus {
public:
    /// A child that exited with CODE (its `exit` or `main`'s return; Windows: GetExitCodeProcess, where
    /// an NTSTATUS such as 0xC0000005 comes back as a negative int).
    static constexpr ExitStatus exited_with(int code) noexcept { return ExitStatus(code, 0); }
    /// POSIX: a child that signal SIGNAL (> 0) killed.
    static constexpr ExitStatus killed_by(int signal) noexcept { return ExitStatus(0, signal); }

    /// True when the child exited with an exit code (code()); false when a signal killed it.
    constexpr bool exited() const noexcept { return signal_ == 0; }
    /// The exit code when exited(), else 0.
    constexpr int code() const noexcept { return code_; }
    /// The signal that killed the child, or 0 when it exited().
    constexpr int signal() const noexcept { return signal_; }
    /// The status as shells report it, and as run() returns it: code() when the child exited, 128 +
    /// signal() when a signal killed it.
    constexpr int shell_code() const noexcept { return signal_ == 0 ? code_ : 128 + signal_; }

    /// Equal when both exited with the same code, or both were killed by the same signal.
    friend constexpr bool operator==(const ExitStatus& a, const ExitStatus& b) noexcept {
        return a.code_ == b.code_ && a.signal_ == b.signal_;
    }
    /// Not equal().
    friend constexpr bool operator!=(const ExitStatus& a, const ExitStatus& b) noexcept { return !(a == b); }

private:
    constexpr ExitStatus(int code, int signal) noexcept : code_(code), signal_(signal) {}
    int code_;
    int signal_;
};

/// A running child process: ARGV started with exactly the environment ENV, as run() starts it (the
/// same lookup on ENV's PATH, the same /bin/sh fallback, the same errors), and owned until it is
/// reaped. Move-only, like a guard; one thread at a time uses one object. run() is this constructor
/// followed by wait().
///
/// Lifetime: wait() reaps the child and keeps its status (a second wait() returns it again). The
/// destructor of a child that was never waited for ends it (POSIX: SIGKILL; Windows:
/// TerminateProcess) and reaps it, so that no zombie is left and the child does not outlive its owner;
/// waiting instead could hang an exception's unwinding for as long as the child runs. Only the child
/// itself is ended: processes it started (a shell's commands, cargo's rustc) are not, and keep
/// running as orphans until they end; a child that must not leave any should be waited for. To let a
/// child finish, wait() for it.
///
/// POSIX: while SIGCHLD is ignored the kernel reaps children itself and wait() cannot get a status
/// (it throws, ECHILD); run() sets SIGCHLD's default disposition while it runs, this type does not.
class ChildProcess {
public:
    /// No child: what a moved-from object is too. valid() is false.
    ChildProcess() noexcept = default;

    /// Starts ARGV (ARGV[0] looked up with find_program on ENV's PATH) with exactly the environment
    /// ENV and returns without waiting. Throws what run() throws for a command it cannot start:
    /// EnvError (not found, not executable, "Argument list too long" with the size and the largest
    /// variable, an argument with a NUL byte; Windows: an argument a batch file would reinterpret),
    /// std::invalid_argument for an empty command.
    ChildProcess(const std::vector<std::string>& argv, const EnvSnapshot& env)
        : ChildProcess(argv, env, nullptr) {}

#if !ENVGUARD_WINDOWS
    /// POSIX: as above, and the child starts with the signal mask SIGNAL_MASK
    /// (posix_spawnattr_setsigmask) instead of the calling thread's. For a parent that forwards
    /// signals to the child: it blocks them, starts the child with the mask it had before, publishes
    /// id() to its handler, and unblocks them, so that no signal arrives while the handler does not
    /// yet know the child, and the child does not inherit the blocking.
    ChildProcess(const std::vector<std::string>& argv, const EnvSnapshot& env, const sigset_t& signal_mask)
        : ChildProcess(argv, env, &signal_mask) {}
#endif

    /// Takes OTHER's child; OTHER is left as a default-constructed object (no child, not waited).
    ChildProcess(ChildProcess&& other) noexcept;
    /// Ends this object's own unwaited child as the destructor does, then takes OTHER's.
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    /// A child not waited for is killed and reaped (see the class comment); a waited one is left alone.
    ~ChildProcess();

    /// True when this object holds a child (started here or moved in), waited for or not.
    bool valid() const noexcept { return id_ != 0; }
    /// The child's process id (POSIX: its pid; Windows: its process id), 0 without a child. It stays
    /// the child's until wait() (POSIX: the kernel does not reuse an unreaped pid; Windows: this object
    /// holds the process handle until then).
    long long id() const noexcept { return id_; }
    /// True once wait() has returned the child's status.
    bool waited() const noexcept { return waited_; }

    /// Blocks until the child has ended, without reaping it: id() is still the child's afterwards, so a
    /// signal sent to it by a concurrent handler cannot reach another process that got the id. Then
    /// call wait(). Returns at once after wait(). Throws EnvError when the operating system cannot
    /// wait (POSIX: ECHILD while SIGCHLD is ignored); std::logic_error without a child.
    void wait_until_exited();

    /// Waits for the child to end (if it has not), reaps it, and returns how it ended; again the same
    /// status on a later call. Throws EnvError when the operating system cannot wait (POSIX: ECHILD
    /// while SIGCHLD is ignored; the child is then no longer this object's); std::logic_error without
    /// a child.
    ExitStatus wait();

private:
    // SIGNAL_MASK: POSIX a const sigset_t*, or null for the calling thread's mask (void: no sigset_t on Windows).
    ChildProcess(const std::vector<std::string>& argv, const EnvSnapshot& env, const void* signal_mask);
    void end() noexcept;    // kills and reaps an unwaited child; closes the handle
    void forget() noexcept; // after a move: this object holds no child

    std::string program_; // ARGV[0], for error messages
    long long id_ = 0;
    void* handle_ = nullptr; // Windows: the process handle
    bool waited_ = false;
    bool lost_ = false; // POSIX: waiting failed; the pid is no longer ours to signal
    ExitStatus status_ = ExitStatus::exited_with(0);
};

/// Runs ARGV (ARGV[0] looked up with find_program on ENV's PATH) with exactly the environment ENV
/// (Windows: plus SystemRoot, see EnvBlock), waits for it, and returns its exit code (POSIX: 128 + N
/// when signal N killed it, as shells report it): ChildProcess(ARGV, ENV).wait().shell_code(). The parent's environment is never written. POSIX: a
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

inline void require_child(long long id) {
    if (id == 0) throw std::logic_error("envguard: ChildProcess: no child to wait for (moved from, or never started)");
}

} // namespace detail

ENVGUARD_DECL ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : program_(static_cast<std::string&&>(other.program_)), id_(other.id_), handle_(other.handle_),
      waited_(other.waited_), lost_(other.lost_), status_(other.status_) {
    other.forget();
}

ENVGUARD_DECL ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        end();
        program_ = static_cast<std::string&&>(other.program_);
        id_ = other.id_;
        handle_ = other.handle_;
        waited_ = other.waited_;
        lost_ = other.lost_;
        status_ = other.status_;
        other.forget();
    }
    return *this;
}

ENVGUARD_DECL ChildProcess::~ChildProcess() { end(); }

// A moved-from object is a default-constructed one: no child, not waited, nothing lost.
ENVGUARD_DECL void ChildProcess::forget() noexcept {
    id_ = 0;
    handle_ = nullptr;
    waited_ = false;
    lost_ = false;
    status_ = ExitStatus::exited_with(0);
}

ENVGUARD_NAMESPACE_END

// The operating system's part: spawning, waiting, ending, exec (each compiles only on its own platform).
#    if ENVGUARD_WINDOWS
#        include "detail/process_win32.hpp"
#    else
#        include "detail/process_posix.hpp"
#    endif
#endif // ENVGUARD_BODIES
#endif // ENVGUARD_HAS_EXCEPTIONS
