// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The Windows backend, and the only file of envguard that includes <windows.h>.
//
// The truth is the Win32 environment block: it is what GetEnvironmentVariableW reads, what children
// inherit, and the only store that can hold an empty value. SetEnvironmentVariableW(name, L"") creates
// an empty variable; _putenv_s(name, ""), _putenv("X="), cmd's `set X=` and PowerShell before 7.5
// delete it instead. Reading tells empty from unset by SetLastError(0) + GetEnvironmentVariableW:
// 0 with ERROR_ENVVAR_NOT_FOUND is unset, 0 with no error is empty.
//
// The C runtime keeps its own copy (getenv, _wenviron). envguard keeps it in step where it can: a
// value is written to both; "" cannot be stored in the CRT at all (its _putenv family deletes on ""),
// so after setting "" the CRT's getenv reports the variable as missing while the OS block (and every
// child) has it empty. envguard's own get() reads the OS block, so it sees "".
#pragma once

#include "../config.hpp"
#include "platform_ops.hpp"

#ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#    define NOMINMAX
#endif
#include <windows.h>

#include <cstddef>
#include <cstdlib>
#include <string>
#include <string_view>

ENVGUARD_NAMESPACE_BEGIN

// The bodies of the public conversions names.hpp declares (and documents): every name and value goes
// through them on its way to and from the Win32 API.
ENVGUARD_DECL std::wstring to_wide(std::string_view text) {
    if (text.empty()) return {};
    const int size = ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()),
                                           nullptr, 0);
    std::wstring out(static_cast<std::size_t>(size), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), &out[0], size);
    return out;
}

ENVGUARD_DECL std::string to_utf8(std::wstring_view text) {
    if (text.empty()) return {};
    const int size = ::WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()),
                                           nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<std::size_t>(size), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), &out[0], size,
                          nullptr, nullptr);
    return out;
}

namespace detail {

using envguard::to_utf8;
using envguard::to_wide;

// Windows compares names case-insensitively, ordinally (CompareStringOrdinal), and sorts a child's
// block the same way. ASCII, by far the common case, is compared without converting.
inline int win32_compare_names(std::string_view a, std::string_view b) noexcept {
    bool ascii = true;
    for (char c : a) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    for (char c : b) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii) {
        const std::size_t n = a.size() < b.size() ? a.size() : b.size();
        for (std::size_t i = 0; i < n; ++i) {
            char x = a[i], y = b[i];
            if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
            if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
            if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y) ? -1 : 1;
        }
        return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
    }
    ENVGUARD_TRY {
        const std::wstring x = to_wide(a), y = to_wide(b);
        const int order = ::CompareStringOrdinal(x.data(), static_cast<int>(x.size()), y.data(),
                                                 static_cast<int>(y.size()), TRUE);
        return order == CSTR_LESS_THAN ? -1 : (order == CSTR_EQUAL ? 0 : 1);
    }
    ENVGUARD_CATCH_ALL {
        return a.compare(b); // out of memory: byte order, still a strict weak order
    }
}

inline bool win32_read(const std::string& name, std::string& value) {
    const std::wstring wide_name = to_wide(name);
    std::wstring buffer(128, L'\0');
    for (;;) {
        ::SetLastError(0);
        const DWORD size = ::GetEnvironmentVariableW(wide_name.c_str(), &buffer[0],
                                                     static_cast<DWORD>(buffer.size()));
        if (size == 0) {
            if (::GetLastError() == ERROR_ENVVAR_NOT_FOUND) return false;
            value.clear(); // set, and empty
            return true;
        }
        if (size < buffer.size()) {
            buffer.resize(size);
            value = to_utf8(buffer);
            return true;
        }
        buffer.resize(size); // too small: SIZE includes the terminator; the value may grow meanwhile
    }
}

// The spelling the OS block has for NAME (compared case-insensitively), or NAME when it is not set.
// Writing with that spelling keeps it: Windows takes the spelling of the last write.
inline std::wstring win32_spelling_wide(const std::wstring& name) {
    std::wstring result = name;
    wchar_t* block = ::GetEnvironmentStringsW();
    if (block == nullptr) return result;
    for (const wchar_t* entry = block; *entry != L'\0'; entry += std::wstring_view(entry).size() + 1) {
        const std::wstring_view text(entry);
        const std::size_t equals = text.find(L'=', 1);
        if (equals == std::wstring_view::npos || equals != name.size()) continue;
        if (::CompareStringOrdinal(entry, static_cast<int>(equals), name.data(), static_cast<int>(name.size()),
                                   TRUE) == CSTR_EQUAL) {
            result.assign(entry, equals);
            break;
        }
    }
    ::FreeEnvironmentStringsW(block);
    return result;
}

inline std::string win32_spelling(const std::string& name) {
    return to_utf8(win32_spelling_wide(to_wide(name)));
}

inline int win32_write(const std::string& name, const std::string& value) noexcept {
    ENVGUARD_TRY {
        const std::wstring wide_name = win32_spelling_wide(to_wide(name));
        const std::wstring wide_value = to_wide(value);
        // The CRT copy first: for a value, _wputenv_s stores it (in the CRT and the OS block); for ""
        // it can only remove the CRT's entry (and the OS one, which the next call creates again, empty).
        (void)::_wputenv_s(wide_name.c_str(), wide_value.c_str());
        if (!::SetEnvironmentVariableW(wide_name.c_str(), wide_value.c_str()))
            return static_cast<int>(::GetLastError());
        return 0;
    }
    ENVGUARD_CATCH_ALL { // converting allocates; the seam's write reports, it never throws
        return ERROR_NOT_ENOUGH_MEMORY;
    }
}

inline int win32_remove(const std::string& name) noexcept {
    ENVGUARD_TRY {
        const std::wstring wide_name = to_wide(name);
        (void)::_wputenv_s(wide_name.c_str(), L""); // the CRT's copy
        if (!::SetEnvironmentVariableW(wide_name.c_str(), nullptr)) {
            const DWORD error = ::GetLastError();
            if (error != ERROR_ENVVAR_NOT_FOUND) return static_cast<int>(error);
        }
        return 0;
    }
    ENVGUARD_CATCH_ALL {
        return ERROR_NOT_ENOUGH_MEMORY;
    }
}

// Every entry of the OS block, hidden per-drive directories ("=C:=C:\work") included: a child must
// get them too. Their names start with '=', so the separator is the first '=' after the first char.
inline void win32_list(void* context, visit_entry_fn visit) {
    wchar_t* block = ::GetEnvironmentStringsW();
    if (block == nullptr) return;
    struct release {
        wchar_t* block;
        ~release() { ::FreeEnvironmentStringsW(block); }
    } guard{block};
    for (const wchar_t* entry = block; *entry != L'\0';) {
        const std::wstring_view text(entry);
        const std::size_t equals = text.find(L'=', 1);
        if (equals != std::wstring_view::npos) {
            const std::string name = to_utf8(text.substr(0, equals));
            const std::string value = to_utf8(text.substr(equals + 1));
            visit(context, name, value);
        }
        entry += text.size() + 1;
    }
}

ENVGUARD_DECL platform_ops native_platform_ops() noexcept {
    // No find_entry/put_entry: the CRT and the OS block keep copies of their own (and free them).
    return platform_ops{&win32_read,     &win32_write, &win32_remove, &win32_list,
                        &win32_spelling, nullptr,      nullptr};
}

} // namespace detail
ENVGUARD_NAMESPACE_END
