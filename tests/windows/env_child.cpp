// A child for the Windows tests: reports what it received, through the Win32 API, into a file (UTF-8),
// so that the test reads it back without going through a console's code page.
//   env_child OUT vars NAME...   one line per NAME: "NAME=value", or "NAME unset"
//   env_child OUT args ARG...    one line per argument after "args", as CommandLineToArgvW splits them
//   env_child OUT block          every entry of the environment block, one per line
#ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <shellapi.h>

#include <cstdio>
#include <cwchar>
#include <string>

static std::string utf8(const wchar_t* text, int length) {
    if (length == 0) return {};
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, text, length, nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<std::size_t>(n), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, text, length, &out[0], n, nullptr, nullptr);
    return out;
}

int main() {
    int argc = 0;
    wchar_t** argv = ::CommandLineToArgvW(::GetCommandLineW(), &argc);
    if (argc < 3) return 2;
    std::FILE* out = ::_wfopen(argv[1], L"wb");
    if (out == nullptr) return 3;
    const std::wstring mode = argv[2];
    if (mode == L"vars") {
        for (int i = 3; i < argc; ++i) {
            static wchar_t buffer[32768];
            ::SetLastError(0);
            const DWORD n = ::GetEnvironmentVariableW(argv[i], buffer, 32768);
            const std::string name = utf8(argv[i], static_cast<int>(std::wcslen(argv[i])));
            if (n == 0 && ::GetLastError() == ERROR_ENVVAR_NOT_FOUND)
                std::fprintf(out, "%s unset\n", name.c_str());
            else
                std::fprintf(out, "%s=%s\n", name.c_str(), utf8(buffer, static_cast<int>(n)).c_str());
        }
    } else if (mode == L"args") {
        for (int i = 3; i < argc; ++i)
            std::fprintf(out, "%s\n", utf8(argv[i], static_cast<int>(std::wcslen(argv[i]))).c_str());
    } else if (mode == L"block") {
        wchar_t* block = ::GetEnvironmentStringsW();
        for (const wchar_t* e = block; *e; e += std::wcslen(e) + 1)
            std::fprintf(out, "%s\n", utf8(e, static_cast<int>(std::wcslen(e))).c_str());
        ::FreeEnvironmentStringsW(block);
    }
    std::fclose(out);
    return 0;
}
