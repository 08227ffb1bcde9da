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
