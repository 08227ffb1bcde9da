// libFuzzer target: the launcher's command line, through its real main() (launcher/main.cpp compiled
// with main renamed, see CMakeLists.txt), as `envguard run --dry-run ...`, `envguard coverage
// --dry-run ...`, `envguard check ...`, `envguard profiles ...` or with no subcommand.
// What must hold: no crash, no sanitizer report, no uncaught exception, an exit status of 0, 1 (check)
// or 125, and no process started (no_spawn.cpp turns any exec/spawn into a crash; a dry run never
// runs anything; `check`'s popen of sccache fails there, as for a missing sccache). It works in a temporary directory holding a small workspace (for --mode fast), and
// writes nothing anywhere. Words that would leave dry-run mode (--dry-run=false; run or coverage as the first word
// without a subcommand) are dropped from the input.
// Input: one byte choosing the subcommand, then the words, separated by NUL bytes.
#include "fuzz_support.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

int envguard_launcher_main(int argc, char** argv); // launcher/main.cpp's main, renamed

namespace {

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// The launcher prints to stdout and stderr; libFuzzer's own reports go to its copy of stderr when
// run with -close_fd_mask=3 (as CI does), so the target's fds 1 and 2 are pointed at /dev/null.
void quiet_stdout_stderr() {
    for (int fd : {1, 2})
        if (::fcntl(fd, F_GETFD) == -1 || fd == 1) {
            const int null = ::open("/dev/null", O_WRONLY);
            if (null >= 0 && null != fd) {
                ::dup2(null, fd);
                ::close(null);
            }
        }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    char dir[] = "/tmp/envguard-fuzz-args.XXXXXX";
    if (::mkdtemp(dir) == nullptr || ::chdir(dir) != 0) fuzz::broken("cannot make a temporary directory");
    static std::string root;
    root = dir;
    std::atexit([] { std::error_code ec; std::filesystem::remove_all(root, ec); });
    ::mkdir((root + "/py").c_str(), 0700);
    ::mkdir((root + "/core").c_str(), 0700);
    write_file(root + "/Cargo.toml", "[workspace]\nmembers = [\"py\", \"core\"]\n");
    write_file(root + "/py/Cargo.toml", "[package]\nname = \"py\"\nversion = \"0.1.0\"\n[dependencies]\npyo3 = \"0.20\"\n");
    write_file(root + "/core/Cargo.toml", "[package]\nname = \"core\"\nversion = \"0.1.0\"\n");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static bool quiet = (quiet_stdout_stderr(), true);
    (void)quiet;
    fuzz::Reader in(data, size);
    static const char* const subcommands[] = {"run", "coverage", "check", "profiles", nullptr};
    const char* subcommand = subcommands[in.byte() % 5];
    std::vector<std::string> args{"envguard"};
    if (subcommand != nullptr) args.push_back(subcommand);
    const bool dry = subcommand != nullptr && (std::strcmp(subcommand, "run") == 0 || std::strcmp(subcommand, "coverage") == 0);
    if (dry) args.push_back("--dry-run");
    while (!in.done() && args.size() < 40) {
        std::string word = in.until('\0');
        // (without a subcommand, a first word run/coverage would start one without --dry-run)
        if (word.rfind("--dry", 0) == 0 || (args.size() == 1 && (word == "run" || word == "coverage"))) continue;
        args.push_back(word);
    }
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(&arg[0]);
    argv.push_back(nullptr);
    int status = -1;
    try {
        status = envguard_launcher_main(static_cast<int>(args.size()), argv.data());
    } catch (const std::exception& e) {
        fuzz::broken(std::string("an exception escaped main: ") + e.what());
    }
    fuzz::require(status == 0 || status == 125 || (status == 1 && subcommand != nullptr && std::strcmp(subcommand, "check") == 0),
                  "unexpected exit status " + std::to_string(status));
    return 0;
}
