// Running `envguard coverage`'s commands one after another so that a stop request is obeyed: while
// a command runs, SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to the launcher are passed on to that
// command, the launcher waits for it to end (it never dies before its child), and once such a signal
// has arrived no further command is started. The caller then exits with 128 + the signal.
#pragma once

#include <envguard/envguard.hpp>

#include <string>
#include <vector>

namespace launcher {

// While alive, catches the stop signals (those not ignored when it was created: a command started
// with SIGINT ignored, as shells start background jobs, keeps ignoring it, and so do its children).
// One at a time; the previous handlers come back on destruction.
class StopSignals {
public:
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // The first stop signal received since construction (SIGINT for Ctrl+C/Ctrl+Break on Windows),
    // or 0.
    int received() const noexcept;
};

// Runs ARGV with exactly ENV (an envguard::ChildProcess: started as envguard::run starts it), waits,
// and returns its exit status (128 + N when signal N killed it). POSIX: a stop signal the launcher gets
// while it runs is sent on to it, unless it came from the terminal, which sends it to the whole
// foreground process group, child included, already. Windows: envguard::run (the console sends
// Ctrl+C to the child itself).
int run_forwarding_stop_signals(const std::vector<std::string>& argv, const envguard::EnvSnapshot& env);

// "SIGINT", "SIGTERM", ... for messages.
std::string signal_name(int signal);

} // namespace launcher
