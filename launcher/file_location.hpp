// FileLocation: where something was written, as messages show it ("FILE:LINE"). One type for every
// "file and line" in the launcher: a cargo config value's origin, a profile's definition.
#pragma once

#include <filesystem>
#include <string>
#include <system_error>

namespace launcher {

struct FileLocation {
    std::filesystem::path file; // empty: not from a file (the environment, or a default)
    long line = 0;
    long column = 0; // 0: not known

    // "FILE:LINE", FILE relative to the current directory when it is below it (".cargo/config.toml:2"),
    // else as stored; "" when not from a file.
    std::string to_string() const {
        if (file.empty()) return {};
        std::error_code ec;
        const std::filesystem::path relative = std::filesystem::relative(file, std::filesystem::current_path(ec), ec);
        const bool below = !ec && !relative.empty() && *relative.begin() != "..";
        return (below ? relative : file).string() + ":" + std::to_string(line);
    }
};

} // namespace launcher
