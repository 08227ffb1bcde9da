// What `cargo llvm-cov` will do here: see llvm_cov.hpp.
#include "llvm_cov.hpp"


#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <sstream>

#ifndef _WIN32
#    include <cerrno>
#    include <csignal>
#    include <fcntl.h>
#    include <poll.h>
#    include <sys/wait.h>
#    include <unistd.h>
#endif

namespace launcher {

namespace fs = std::filesystem;
using envguard::Finding;
using envguard::Severity;

namespace {

std::string base(const std::string& program) { return fs::path(program).filename().string(); }

std::string version_string(const ToolVersion& v) {
    return std::to_string(v[0]) + "." + std::to_string(v[1]) + "." + std::to_string(v[2]);
}

// The first line of TEXT that holds WORD, or "".
std::string line_with(const std::string& text, const std::string& word) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find(word) != std::string::npos) return line;
    }
    return {};
}

// The number at the start of TEXT after POSITION's spaces.
std::optional<int> leading_number(const std::string& text, std::size_t position) {
    while (position < text.size() && text[position] == ' ') ++position;
    if (position >= text.size() || !std::isdigit(static_cast<unsigned char>(text[position]))) return std::nullopt;
    int value = 0;
    for (; position < text.size() && std::isdigit(static_cast<unsigned char>(text[position])); ++position)
        value = value * 10 + (text[position] - '0');
    return value;
}

} // namespace

std::optional<ToolVersion> parse_llvm_cov_version(const std::string& output) {
    const std::string line = line_with(output, "cargo-llvm-cov ");
    if (line.empty()) return std::nullopt;
    ToolVersion v{};
    const std::size_t at = line.find("cargo-llvm-cov ") + std::string("cargo-llvm-cov ").size();
    if (std::sscanf(line.c_str() + at, "%d.%d.%d", &v[0], &v[1], &v[2]) == 3) return v;
    return std::nullopt;
}

std::optional<int> rustc_llvm_major(const std::string& rustc_vv) {
    const std::string line = line_with(rustc_vv, "LLVM version:");
    if (line.empty()) return std::nullopt;
    return leading_number(line, line.find("LLVM version:") + std::string("LLVM version:").size());
}

std::optional<std::string> rustc_host(const std::string& rustc_vv) {
    std::string line = line_with(rustc_vv, "host: ");
    if (line.rfind("host: ", 0) != 0) return std::nullopt;
    line = line.substr(6);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (line.empty()) return std::nullopt;
    return line;
}

std::optional<int> llvm_tool_major(const std::string& version_output) {
    const std::string line = line_with(version_output, "LLVM version ");
    if (line.empty()) return std::nullopt;
    return leading_number(line, line.find("LLVM version ") + std::string("LLVM version ").size());
}

WrapperPrediction preexisting_wrapper(const CargoConfig& config, const envguard::EnvSnapshot& env) {
    for (const char* variable : {"RUSTC_WRAPPER", "CARGO_BUILD_RUSTC_WRAPPER"})
        if (const std::string* value = env.find(variable)) {
            if (value->empty())
                return {std::nullopt,
                        std::string(variable) + " is set to the empty string: cargo-config2 finds no wrapper", {}};
            return {*value, std::string(variable) + " is set", {}};
        }
    if (config.rustc_wrapper && !config.rustc_wrapper->value.empty())
        return {config.rustc_wrapper->value,
                "build.rustc-wrapper = \"" + config.rustc_wrapper->value + "\" from " +
                    config.rustc_wrapper->source.to_string(),
                config.rustc_wrapper->source};
    if (config.rustc_wrapper)
        return {std::nullopt, "build.rustc-wrapper is the empty string at " + config.rustc_wrapper->source.to_string(),
                config.rustc_wrapper->source};
    return {std::nullopt, "RUSTC_WRAPPER and CARGO_BUILD_RUSTC_WRAPPER are unset and no config file sets "
                          "build.rustc-wrapper",
            {}};
}

bool has_no_rustc_wrapper(const std::vector<std::string>& args) {
    for (const auto& arg : args) {
        if (arg == "--") return false; // what follows goes to the test binaries
        if (arg == "--no-rustc-wrapper") return true;
    }
    return false;
}

std::string llvm_tool_location(const std::string& tool, const envguard::EnvSnapshot& env, const std::string& sysroot,
                               const std::string& host, std::string& rule) {
    const std::string variable = tool == "llvm-cov" ? "LLVM_COV" : "LLVM_PROFDATA";
    if (const std::string* value = env.find(variable); value && !value->empty()) {
        rule = variable + " is set";
        return *value;
    }
    rule = variable + " is unset: rustup's llvm-tools component in rustc's sysroot";
#ifdef _WIN32
    const std::string exe = ".exe";
#else
    const std::string exe;
#endif
    return (fs::path(sysroot) / "lib" / "rustlib" / host / "bin" / (tool + exe)).string();
}

std::string LlvmCovReport::chain_text() const {
    std::string out;
    for (const auto& link : chain) out += (out.empty() ? "" : " → ") + link;
    return out;
}

LlvmCovReport assess_llvm_cov(const LlvmCovFacts& facts, const CargoConfig& config, const envguard::EnvSnapshot& env,
                              const Prediction& p, bool no_rustc_wrapper, bool for_coverage) {
    LlvmCovReport r;
    r.no_rustc_wrapper = no_rustc_wrapper;
    r.llvm_cov.name = "llvm-cov";
    r.llvm_profdata.name = "llvm-profdata";
    const Severity bad = for_coverage ? Severity::error : Severity::info;
    if (!facts.program) {
        // A warning, not an error: check predicts what cargo does, and `cargo test` works without it;
        // `envguard coverage` stops with exit 127 and the same fix.
        if (for_coverage)
            r.findings.push_back({Severity::warning, "",
                                  "cargo llvm-cov is not installed (no cargo-llvm-cov in $CARGO_HOME/bin or on PATH)",
                                  "cargo install cargo-llvm-cov --locked, and rustup component add "
                                  "llvm-tools-preview (or set LLVM_COV and LLVM_PROFDATA)"});
        return r;
    }
    r.installed = true;
    r.program = facts.program;
    r.version = parse_llvm_cov_version(facts.version_output);
    if (!r.version) { // a warning: it may still work (a wrapper script, a private build)
        r.findings.push_back({for_coverage ? Severity::warning : Severity::info, "",
                              "cannot tell the version of " + *facts.program + ": `cargo-llvm-cov llvm-cov --version` "
                                  "printed " + envguard::quote_value(line_with(facts.version_output, "")),
                              "reinstall it: cargo install cargo-llvm-cov --locked"});
        return r;
    }
    r.version_text = version_string(*r.version);
    r.supported = *r.version >= llvm_cov_minimum;
    if (!r.supported)
        r.findings.push_back(
            {bad, "",
             "cargo-llvm-cov " + r.version_text + " is older than " + version_string(llvm_cov_minimum) +
                 ", the oldest envguard supports: before 0.5.25 it set CARGO_INCREMENTAL=0 itself, so what check "
                 "predicts would be wrong",
             "cargo install cargo-llvm-cov --locked (the newest), or --version 0.6.24 at least"});

    // The chain that compiles a workspace member.
    r.preexisting = preexisting_wrapper(config, env);
    r.mode = *r.version >= llvm_cov_wrapper_mode && !no_rustc_wrapper ? "wrapper" : "rustflags";
    r.chain.push_back("cargo");
    if (r.mode == "wrapper") {
        r.chain.push_back("cargo-llvm-cov");
        if (r.preexisting.program) r.chain.push_back(base(*r.preexisting.program));
    } else if (p.wrapper.program) {
        r.chain.push_back(base(*p.wrapper.program));
    }
    if (p.workspace_wrapper.program) r.chain.push_back(base(*p.workspace_wrapper.program));
    r.chain.push_back("rustc");
    if (p.target_dir) r.target_dir = *p.target_dir / "llvm-cov-target";

    // The llvm tools, against rustc's LLVM.
    r.rustc_llvm_major = rustc_llvm_major(facts.rustc_vv);
    const std::optional<std::string> host = rustc_host(facts.rustc_vv);
    for (LlvmTool* tool : {&r.llvm_cov, &r.llvm_profdata}) {
        const bool cov = tool == &r.llvm_cov;
        const std::string variable = cov ? "LLVM_COV" : "LLVM_PROFDATA";
        const std::optional<std::string>& path = cov ? facts.llvm_cov_path : facts.llvm_profdata_path;
        const std::string& version = cov ? facts.llvm_cov_version : facts.llvm_profdata_version;
        const std::string expected = llvm_tool_location(tool->name, env, facts.sysroot, host.value_or("<host>"), tool->rule);
        tool->path = path;
        const std::string debian = r.rustc_llvm_major
                                       ? "export LLVM_COV=/usr/bin/llvm-cov-" + std::to_string(*r.rustc_llvm_major) +
                                             " LLVM_PROFDATA=/usr/bin/llvm-profdata-" + std::to_string(*r.rustc_llvm_major)
                                       : std::string("export LLVM_COV and LLVM_PROFDATA (both)");
        if (!path) {
            // Set to a missing file: cargo-llvm-cov fails. rustup's component missing: cargo-llvm-cov
            // runs `rustup component add llvm-tools-preview` itself (it did on the test machine), which
            // needs the network: a warning.
            const bool from_variable = env.find(variable) && !env.find(variable)->empty();
            r.findings.push_back(
                {from_variable ? bad : for_coverage ? Severity::warning : Severity::info, variable,
                 from_variable
                     ? "cargo-llvm-cov will not find " + tool->name + ": " + expected + " does not exist (" + tool->rule + ")"
                     : expected + " does not exist (" + tool->rule + "): cargo-llvm-cov will try to install rustup's "
                       "llvm-tools component itself, which needs the network, and fails without it",
                 from_variable ? "point " + variable + " at an existing " + tool->name + " of LLVM " +
                                     (r.rustc_llvm_major ? std::to_string(*r.rustc_llvm_major) : std::string("rustc's")) +
                                     " (" + debian + ")"
                               : "rustup component add llvm-tools-preview, or " + debian});
            continue;
        }
        tool->major = llvm_tool_major(version);
        tool->version_line = line_with(version, "LLVM version ");
        if (!tool->major) {
            r.findings.push_back({bad, variable,
                                  *path + " does not say its LLVM version (`" + tool->name + " --version`)",
                                  "point " + variable + " at llvm's " + tool->name + " (" + debian + ")"});
        } else if (r.rustc_llvm_major && *tool->major != *r.rustc_llvm_major) {
            r.findings.push_back({bad, variable,
                                  *path + " is LLVM " + std::to_string(*tool->major) + " (" + tool->version_line +
                                      "), rustc's LLVM is " + std::to_string(*r.rustc_llvm_major) +
                                      ": the profiles rustc writes cannot be read by another major (broken or no reports)",
                                  debian + " (Debian: apt-get install llvm-" + std::to_string(*r.rustc_llvm_major) +
                                      "), or unset " + variable + " and rustup component add llvm-tools-preview"});
        }
    }
    if (r.mode == "wrapper" && r.preexisting.program && is_sccache(r.preexisting.program) && for_coverage)
        r.findings.push_back({Severity::info, "RUSTC_WRAPPER",
                              "cargo-llvm-cov " + r.version_text + " sets RUSTC_WRAPPER to itself and runs the "
                                  "pre-existing wrapper " + base(*r.preexisting.program) + " (" + r.preexisting.rule +
                                  ") with the instrumentation flags: " + r.chain_text(),
                              "nothing to do; RUSTC_WRAPPER=\"\" (the coverage profile) leaves sccache out, "
                              "--no-rustc-wrapper turns the wrapper mode off"});
    return r;
}

std::optional<std::string> find_cargo_llvm_cov(const envguard::EnvSnapshot& env) {
    std::string cargo_home;
    if (const std::string* home = env.find("CARGO_HOME"); home && !home->empty()) // "" counts as unset
        cargo_home = *home;
    else if (const std::string* user_home = home_directory(env))
        cargo_home = (fs::path(*user_home) / ".cargo").string();
    std::error_code ec;
#ifdef _WIN32
    const char* name = "cargo-llvm-cov.exe";
#else
    const char* name = "cargo-llvm-cov";
#endif
    if (!cargo_home.empty()) {
        const fs::path candidate = fs::path(cargo_home) / "bin" / name;
        if (fs::exists(candidate, ec)) return candidate.string();
    }
    try {
        return envguard::find_program("cargo-llvm-cov", env);
    } catch (const envguard::EnvError&) {
        return std::nullopt;
    }
}

Captured run_captured(const std::vector<std::string>& argv, const envguard::EnvSnapshot& env,
                      std::chrono::milliseconds timeout) {
    Captured c;
    std::string program;
    try {
        program = envguard::find_program(argv.front(), env);
    } catch (const envguard::EnvError& error) {
        c.err = error.what();
        return c;
    }
#ifdef _WIN32
    // (no deadline, and the launcher's own environment: _popen cannot take another)
    (void)timeout;
    std::string command = "\"\"" + program + "\"";
    for (std::size_t i = 1; i < argv.size(); ++i) command += " \"" + argv[i] + "\"";
    command += " 2>&1\"";
    std::FILE* pipe = _popen(command.c_str(), "r");
    if (pipe == nullptr) return c;
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) c.out.append(buffer, got);
    c.status = _pclose(pipe);
    return c;
#else
    int out_pipe[2], err_pipe[2];
    if (::pipe(out_pipe) != 0) return c;
    if (::pipe(err_pipe) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        return c;
    }
    const envguard::EnvBlock block(env);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0); // its own group: a timeout ends it and what it started (sccache's server stays)
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        ::close(out_pipe[1]);
        ::close(err_pipe[1]);
        const int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0) ::dup2(null, 0);
        ::execve(program.c_str(), args.data(), block.envp());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (pid < 0) {
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        return c;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    char buffer[4096];
    while (open_fds > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            c.timed_out = true;
            break;
        }
        const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got > 0) {
                (i == 0 ? c.out : c.err).append(buffer, static_cast<std::size_t>(got));
            } else if (!(got < 0 && errno == EINTR)) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    for (auto& fd : fds)
        if (fd.fd >= 0) ::close(fd.fd);
    int status = 0;
    if (c.timed_out) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
    }
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    c.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return c;
#endif
}

LlvmCovFacts gather_llvm_cov_facts(const envguard::EnvSnapshot& env) {
    using namespace std::chrono_literals;
    LlvmCovFacts f;
    f.program = find_cargo_llvm_cov(env);
    if (!f.program) return f;
    f.version_output = run_captured({*f.program, "llvm-cov", "--version"}, env, 20s).out;
    f.rustc_vv = run_captured({"rustc", "-vV"}, env, 20s).out;
    f.sysroot = run_captured({"rustc", "--print", "sysroot"}, env, 20s).out;
    while (!f.sysroot.empty() && (f.sysroot.back() == '\n' || f.sysroot.back() == '\r')) f.sysroot.pop_back();
    const std::string host = rustc_host(f.rustc_vv).value_or("<host>");
    for (const char* tool : {"llvm-cov", "llvm-profdata"}) {
        std::string rule;
        const std::string where = llvm_tool_location(tool, env, f.sysroot, host, rule);
        std::optional<std::string> found;
        try {
            found = envguard::find_program(where, env); // a bare name (LLVM_COV=llvm-cov-22) on PATH
        } catch (const envguard::EnvError&) {
        }
        if (!found) continue;
        std::string version = run_captured({*found, "--version"}, env, 20s).out;
        // llvm-profdata of LLVM 14 prints no version for a bare --version ("Unknown command!")
        if (!llvm_tool_major(version) && std::string(tool) == "llvm-profdata")
            version = run_captured({*found, "merge", "--version"}, env, 20s).out;
        if (std::string(tool) == "llvm-cov") {
            f.llvm_cov_path = found;
            f.llvm_cov_version = version;
        } else {
            f.llvm_profdata_path = found;
            f.llvm_profdata_version = version;
        }
    }
    return f;
}

SccacheServer probe_sccache_server(const std::string& sccache, const envguard::EnvSnapshot& env,
                                   std::chrono::milliseconds timeout) {
    SccacheServer s;
    // sccache 0.5.1+ refuses compiles, not --show-stats, under CARGO_INCREMENTAL=1
    const Captured c = run_captured({sccache, "--show-stats"}, env, timeout);
    std::istringstream in(c.out);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        for (const char* wanted : {"Compile requests ", "Cache hits ", "Cache misses "}) {
            const std::size_t digits = line.find_first_not_of(' ', std::string(wanted).size());
            if (line.rfind(wanted, 0) == 0 && digits != std::string::npos &&
                std::isdigit(static_cast<unsigned char>(line[digits])))
                s.stats.push_back(line);
        }
    }
    if (c.timed_out) {
        s.problem = "no answer from its server within " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s";
    } else if (c.status != 0) {
        std::string message = c.err;
        while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
        for (auto& ch : message)
            if (ch == '\n') ch = ' ';
        s.problem = "`sccache --show-stats` exited with status " + std::to_string(c.status) +
                    (message.empty() ? std::string() : ": " + message);
    }
    return s;
}

Finding sccache_server_finding(const std::string& sccache, const std::string& problem,
                               const envguard::EnvSnapshot& env) {
    const std::string* port = env.find("SCCACHE_SERVER_PORT");
    const std::string* dir = env.find("SCCACHE_DIR");
    return {Severity::error, "SCCACHE_SERVER_PORT",
            "sccache's server cannot be reached or started (" + sccache + ", port " +
                (port && !port->empty() ? *port : std::string("4226, the default")) +
                (dir && !dir->empty() ? ", SCCACHE_DIR " + *dir : std::string()) + "): " + problem +
                "; every compile through sccache would fail",
            "free the port or choose another (SCCACHE_SERVER_PORT=N), check that SCCACHE_DIR is a writable "
            "directory, and see `sccache --start-server`; or set RUSTC_WRAPPER to the empty string to build "
            "without sccache"};
}

} // namespace launcher
