#include "child_process.hpp"


#include <csignal>

#ifdef _WIN32
// <windows.h> comes with envguard's Windows backend
#else
#    include <cerrno>
#    include <pthread.h>
#    include <signal.h>
#endif

namespace launcher {
namespace {

// Written by the signal handler (or the console control handler), read by the launcher.
volatile std::sig_atomic_t g_received = 0;

#ifdef _WIN32

BOOL WINAPI on_console_event(DWORD event) noexcept {
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT) return FALSE; // close, logoff: default
    if (g_received == 0) g_received = SIGINT;
    return TRUE; // the child (same console) gets the event too and decides; we wait for it
}

#else

// The running child's pid, 0 when none; sig_atomic_t is int on the platforms we build for, as is pid_t.
volatile std::sig_atomic_t g_child = 0;

constexpr int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
constexpr std::size_t stop_signal_count = sizeof stop_signals / sizeof stop_signals[0];
struct sigaction g_previous[stop_signal_count];
bool g_installed[stop_signal_count] = {};

void on_stop_signal(int signal, siginfo_t* info, void*) {
    const int saved_errno = errno;
    if (g_received == 0) g_received = signal;
    const bool from_terminal =
#    ifdef SI_KERNEL
        // Ctrl+C, Ctrl+\ and a hang-up reach the whole foreground process group, the child included.
        info != nullptr && info->si_code == SI_KERNEL;
#    else
        (static_cast<void>(info), false);
#    endif
    const pid_t child = static_cast<pid_t>(g_child);
    if (child > 0 && !from_terminal) ::kill(child, signal);
    errno = saved_errno;
}

sigset_t stop_set() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : stop_signals) sigaddset(&set, s);
    return set;
}

#endif

} // namespace

StopSignals::StopSignals() {
    g_received = 0;
#ifdef _WIN32
    ::SetConsoleCtrlHandler(&on_console_event, TRUE);
#else
    for (std::size_t i = 0; i < stop_signal_count; ++i) {
        struct sigaction current {};
        if (::sigaction(stop_signals[i], nullptr, &current) != 0) continue;
        // Ignored when we were started (a background job's SIGINT): stay so, as shells do.
        if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_IGN) continue;
        struct sigaction handler {};
        handler.sa_sigaction = &on_stop_signal;
        handler.sa_flags = SA_SIGINFO;
        handler.sa_mask = stop_set();
        if (::sigaction(stop_signals[i], &handler, &g_previous[i]) == 0) g_installed[i] = true;
    }
#endif
}

StopSignals::~StopSignals() {
#ifdef _WIN32
    ::SetConsoleCtrlHandler(&on_console_event, FALSE);
#else
    for (std::size_t i = 0; i < stop_signal_count; ++i)
        if (g_installed[i]) {
            ::sigaction(stop_signals[i], &g_previous[i], nullptr);
            g_installed[i] = false;
        }
#endif
}

int StopSignals::received() const noexcept { return g_received; }

std::string signal_name(int signal) {
    switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
#ifndef _WIN32
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
#endif
    default: return "signal " + std::to_string(signal);
    }
}

#ifdef _WIN32

int run_forwarding_stop_signals(const std::vector<std::string>& argv, const envguard::EnvSnapshot& env) {
    return envguard::run(argv, env);
}

#else

int run_forwarding_stop_signals(const std::vector<std::string>& argv, const envguard::EnvSnapshot& env) {
    // The stop signals are blocked from before the spawn until the handler knows the child's pid, so
    // that none arrives in between and is lost; the child starts with the mask we had before.
    const sigset_t stop = stop_set();
    sigset_t original;
    ::pthread_sigmask(SIG_BLOCK, &stop, &original);
    envguard::ChildProcess child;
    try {
        child = envguard::ChildProcess(argv, env, original);
    } catch (...) {
        ::pthread_sigmask(SIG_SETMASK, &original, nullptr);
        throw;
    }
    g_child = static_cast<std::sig_atomic_t>(child.id());
    ::pthread_sigmask(SIG_SETMASK, &original, nullptr); // one that came meanwhile is handled now

    // Wait for the end without reaping: until the child is reaped its pid cannot be reused, so the
    // handler never signals a stranger.
    try {
        child.wait_until_exited();
    } catch (...) {
        g_child = 0;
        throw;
    }
    g_child = 0;
    return child.wait().shell_code();
}

#endif

} // namespace launcher
