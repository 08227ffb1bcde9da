// The environment through the OS's own calls, independent of envguard, so that tests (and the leak
// check in main.cpp) check envguard against the OS and not against itself.
// POSIX: getenv/setenv/unsetenv/environ. Windows: the Win32 block (Get/SetEnvironmentVariableW,
// GetEnvironmentStringsW), which is what envguard promises to keep exact there.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>

#ifdef _WIN32
#    ifndef WIN32_LEAN_AND_MEAN
#        define WIN32_LEAN_AND_MEAN
#    endif
#    ifndef NOMINMAX
#        define NOMINMAX
#    endif
#    include <windows.h>
#else
extern "C" {
extern char** environ;
}
#endif

namespace raw {

#ifdef _WIN32
inline std::wstring wide(const std::string& text) {
    if (text.empty()) return {};
    const int n = ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
    std::wstring out(static_cast<std::size_t>(n), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), &out[0], n);
    return out;
}
inline std::string narrow(const std::wstring& text) {
    if (text.empty()) return {};
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0,
                                        nullptr, nullptr);
    std::string out(static_cast<std::size_t>(n), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), &out[0], n, nullptr,
                          nullptr);
    return out;
}
inline std::optional<std::string> get(const char* name) {
    const std::wstring w = wide(name);
    wchar_t buffer[32768];
    ::SetLastError(0);
    const DWORD n = ::GetEnvironmentVariableW(w.c_str(), buffer, 32768);
    if (n == 0 && ::GetLastError() == ERROR_ENVVAR_NOT_FOUND) return std::nullopt;
    return narrow(std::wstring(buffer, n));
}
inline void set(const char* name, const char* value) {
    ::SetEnvironmentVariableW(wide(name).c_str(), wide(value).c_str());
}
inline void unset(const char* name) { ::SetEnvironmentVariableW(wide(name).c_str(), nullptr); }
// Names as Windows spells them (case-preserving); hidden "=C:" entries included.
inline std::map<std::string, std::string> environment() {
    std::map<std::string, std::string> result;
    wchar_t* block = ::GetEnvironmentStringsW();
    for (const wchar_t* entry = block; entry && *entry; entry += std::wcslen(entry) + 1) {
        const std::wstring text(entry);
        const auto equals = text.find(L'=', 1);
        if (equals != std::wstring::npos) result.emplace(narrow(text.substr(0, equals)), narrow(text.substr(equals + 1)));
    }
    ::FreeEnvironmentStringsW(block);
    return result;
}
#else
inline std::optional<std::string> get(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::optional<std::string>(value) : std::nullopt;
}
inline void set(const char* name, const char* value) { ::setenv(name, value, 1); }
inline void unset(const char* name) { ::unsetenv(name); }
inline std::map<std::string, std::string> environment() {
    std::map<std::string, std::string> result;
    for (char** entry = environ; entry && *entry; ++entry) {
        const char* equals = std::strchr(*entry, '=');
        if (equals) result.emplace(std::string(*entry, static_cast<std::size_t>(equals - *entry)), equals + 1);
    }
    return result;
}
#endif

} // namespace raw
