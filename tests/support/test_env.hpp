// Helpers for the tests: read and write the environment with plain libc calls, independent of
// envguard, so that a test checks envguard against the OS and not against itself.
#pragma once

#include <envguard/envguard.hpp>

#include <doctest/doctest.h>

#include "raw_env.hpp"

#include <map>
#include <optional>
#include <ostream> // doctest prints std::error_code through operator<<
#include <string>
#include <vector>

namespace test {

inline std::optional<std::string> raw_get(const char* name) { return raw::get(name); }
inline void raw_set(const char* name, const char* value) { raw::set(name, value); }
inline void raw_unset(const char* name) { raw::unset(name); }
inline std::map<std::string, std::string> raw_environment() { return raw::environment(); }

// Sets (or unsets) a variable for the length of a test with plain libc calls, so that a test can
// prepare a starting state without relying on the guard under test.
class RawVar {
public:
    RawVar(const char* name, std::optional<std::string> value) : name_(name), saved_(raw_get(name)) {
        put(value);
    }
    ~RawVar() { put(saved_); }
    RawVar(const RawVar&) = delete;
    RawVar& operator=(const RawVar&) = delete;

private:
    void put(const std::optional<std::string>& value) {
        if (value)
            raw_set(name_, value->c_str());
        else
            raw_unset(name_);
    }
    const char* name_;
    std::optional<std::string> saved_;
};

// An environment entry without a usable name, planted with the OS's own calls for the length of a
// test: POSIX "=NAME-less" (an empty name, as `env '=x' prog` leaves it, put with putenv and taken out
// of environ by hand, since unsetenv("") is refused); Windows a hidden per-drive entry "=Q:" (as
// cmd.exe keeps "=C:"). name() is how EnvSnapshot::capture records it.
class HiddenEntry {
public:
    explicit HiddenEntry(const char* value) { put(value); }
    ~HiddenEntry() { remove(); }
    HiddenEntry(const HiddenEntry&) = delete;
    HiddenEntry& operator=(const HiddenEntry&) = delete;

    // Replaces the entry's value (POSIX: putenv of another "=VALUE" string replaces the entry).
    void put(const char* value) {
#ifdef _WIN32
        raw::set("=Q:", value);
#else
        const std::string text = std::string("=") + value;
        storage_.emplace_back(text.begin(), text.end());
        storage_.back().push_back('\0');
        ::putenv(storage_.back().data());
#endif
    }
    static std::string name() {
#ifdef _WIN32
        return "=Q:";
#else
        return "";
#endif
    }
    // The entry's value as the OS holds it now, or std::nullopt when there is none.
    static std::optional<std::string> current() {
#ifdef _WIN32
        return raw::get("=Q:");
#else
        for (char** entry = environ; entry && *entry; ++entry)
            if ((*entry)[0] == '=') return std::string(*entry + 1);
        return std::nullopt;
#endif
    }
    // The number of hidden entries (POSIX: entries starting with '=').
    static std::size_t count() {
#ifdef _WIN32
        return raw::get("=Q:") ? 1 : 0;
#else
        std::size_t n = 0;
        for (char** entry = environ; entry && *entry; ++entry) n += (*entry)[0] == '=' ? 1 : 0;
        return n;
#endif
    }

private:
    static void remove() {
#ifdef _WIN32
        raw::unset("=Q:");
#else
        for (char** entry = environ; entry && *entry;) {
            if ((*entry)[0] == '=') {
                for (char** from = entry; (from[0] = from[1]) != nullptr;) ++from;
            } else {
                ++entry;
            }
        }
#endif
    }
    std::vector<std::vector<char>> storage_; // every string given to putenv stays valid until the end
};

} // namespace test

// Failure messages show a three-state value as unset, "" or "value", not as {?}.
namespace doctest {
template <>
struct StringMaker<std::optional<std::string>> {
    static String convert(const std::optional<std::string>& value) {
        if (!value) return "unset";
        return ("\"" + *value + "\"").c_str();
    }
};
} // namespace doctest
