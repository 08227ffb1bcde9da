// libFuzzer target: `envguard check`'s reader of cargo's configuration (launcher/cargo_config.cpp)
// and its prediction, on files made from the input in a temporary directory:
//   ws/crate/.cargo/config.toml, ws/crate/Cargo.toml, ws/.cargo/config (a shallower file), and the
//   environment (NAME=VALUE lines), separated by 0xFF bytes (never valid in TOML); an empty part
//   means "no such file". CARGO_HOME points into the temporary directory unless the input sets it.
// What must hold: malformed or mistyped input is a ManifestError (its message names a file),
// nothing else is thrown, nothing crashes, every value's source is one of the files with a line
// inside it, and no process is started (no_spawn.cpp).
#include "fuzz_support.hpp"

#include "../../launcher/cargo_config.hpp"
#include "../../launcher/workspace.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

std::string g_root;

void put(const std::string& path, const std::string& text) {
    if (text.empty()) {
        ::unlink(path.c_str());
        return;
    }
    std::ofstream(path, std::ios::binary) << text;
}

void check_source(const launcher::FileLocation& source, const launcher::CargoConfig& config, const char* what) {
    if (source.file.empty()) return;
    const bool known = std::find(config.files.begin(), config.files.end(), source.file) != config.files.end() ||
                       source.file.filename() == "Cargo.toml";
    fuzz::require(known, std::string(what) + " comes from a file that was not read: " + source.file.string());
    fuzz::require(source.line >= 1, std::string(what) + " has line " + std::to_string(source.line));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // in memory where there is a tmpfs for it: the files are rewritten for every input
    char dir[] = "/dev/shm/envguard-fuzz-config.XXXXXX";
    char fallback[] = "/tmp/envguard-fuzz-config.XXXXXX";
    if (::mkdtemp(dir) == nullptr && ::mkdtemp(std::strcpy(dir, fallback)) == nullptr)
        fuzz::broken("cannot make a temporary directory");
    g_root = dir;
    std::atexit([] { std::error_code ec; std::filesystem::remove_all(g_root, ec); });
    for (const char* sub : {"/ws", "/ws/.cargo", "/ws/crate", "/ws/crate/.cargo", "/home"})
        ::mkdir((g_root + sub).c_str(), 0700);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Reader in(data, size);
    const char separator = static_cast<char>(0xFF);
    const std::string crate = g_root + "/ws/crate";
    put(crate + "/.cargo/config.toml", in.until(separator));
    put(crate + "/Cargo.toml", in.until(separator));
    put(g_root + "/ws/.cargo/config", in.until(separator));
    envguard::EnvSnapshot env;
    env.set("CARGO_HOME", g_root + "/home");
    const std::string lines = in.until(separator);
    std::size_t start = 0;
    while (start < lines.size()) {
        std::size_t end = lines.find('\n', start);
        if (end == std::string::npos) end = lines.size();
        const std::string line = lines.substr(start, end - start);
        const std::size_t equals = line.find('=');
        if (equals != std::string::npos && equals > 0 && line.find('\0') == std::string::npos)
            env.set(line.substr(0, equals), line.substr(equals + 1));
        start = end + 1;
    }
    const std::string version = in.until(separator);

    try {
        const std::filesystem::path root = launcher::find_workspace_root(crate).parent_path();
        const launcher::CargoConfig config = launcher::read_cargo_config(crate, env, root);
        const launcher::Prediction p = launcher::predict(
            config, env, crate, root, version.empty() ? std::nullopt : std::optional<std::string>(version));
        check_source(p.wrapper.source, config, "the wrapper");
        check_source(p.workspace_wrapper.source, config, "the workspace wrapper");
        check_source(p.incremental_source, config, "incremental");
        check_source(p.target_dir_source, config, "the target directory");
        (void)launcher::parse_version(version);
    } catch (const launcher::ManifestError& e) {
        fuzz::require(std::string(e.what()).find(g_root) != std::string::npos ||
                          std::string(e.what()).find("Cargo.toml") != std::string::npos,
                      std::string("a ManifestError that names no file: ") + e.what());
    }
    return 0;
}
