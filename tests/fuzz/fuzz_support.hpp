// Shared by the libFuzzer targets: reading the input, failing loudly, and a guarantee that no target
// ever starts a process (the launcher's --dry-run and the config reader must not).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sanitizer/common_interface_defs.h>

namespace fuzz {

// Consumes the fuzzer's bytes from the front; past the end every read gives 0 / "".
class Reader {
public:
    Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    bool done() const { return pos_ >= size_; }
    std::uint8_t byte() { return done() ? 0 : data_[pos_++]; }
    // A string of up to MAX bytes, its length taken from the input.
    std::string text(std::size_t max) {
        std::size_t n = byte() % (max + 1);
        std::string out;
        while (n-- > 0 && !done()) out += static_cast<char>(data_[pos_++]);
        return out;
    }
    // The rest of the input, up to the next byte equal to SEPARATOR (consumed) or the end.
    std::string until(char separator) {
        std::string out;
        while (!done()) {
            const char c = static_cast<char>(data_[pos_++]);
            if (c == separator) break;
            out += c;
        }
        return out;
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

// A broken promise: say which, then abort so that libFuzzer saves the input as a crash.
[[noreturn]] inline void broken(const std::string& what) {
    const std::string line = "fuzz: broken promise: " + what;
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
    // also where libFuzzer and the sanitizers report, when -close_fd_mask closed the target's stderr
    __sanitizer_report_error_summary(line.c_str());
    std::abort();
}

inline void require(bool condition, const std::string& what) {
    if (!condition) broken(what);
}

} // namespace fuzz
