// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// Names and values: the rules every envguard function checks them against, how two names compare,
// and the character between the entries of a path list. Public so that a program that reads names and
// values from a file or a command line can check them with the library's own words before it builds
// anything: check_name("A=B").message("set", "A=B") is the sentence envguard::set("A=B", ...) would
// throw, without the "envguard: " in front.
//
// On Windows, where names and values are UTF-16 underneath, envguard::to_wide and envguard::to_utf8
// convert between the two forms as envguard itself does (their bodies live with the OS seam,
// detail/platform_win32.hpp, the one file that includes <windows.h>).
#pragma once

#include "config.hpp"
#include "detail/platform.hpp" // the OS seam (its backend only where the bodies are compiled)
#include "error.hpp"

#include <string>
#include <string_view>

ENVGUARD_NAMESPACE_BEGIN

/// The character between the entries of a path list such as PATH: ':' on POSIX, ';' on Windows.
#if ENVGUARD_WINDOWS
inline constexpr char path_list_separator = ';';
#else
inline constexpr char path_list_separator = ':';
#endif

/// A rule that a name, a value or a path-list entry breaks: the error value and the sentence that
/// names the rule. Converts to false when no rule is broken.
///
///     if (auto bad = envguard::check_name(name)) std::cerr << bad.message("set", name) << '\n';
///     // cannot set "A=B": a variable name must not contain '='
struct RuleViolation {
    /// The error value an EnvError for this input carries: errc::invalid_name, errc::invalid_value or
    /// errc::value_too_long.
    errc code = errc::invalid_name;
    /// The rule, one sentence without a full stop ("a variable name must not contain '='"); nullptr
    /// when no rule is broken.
    const char* rule = nullptr;

    /// True when a rule is broken.
    explicit operator bool() const noexcept { return rule != nullptr; }

    /// `cannot ACTION "NAME": RULE`: what the EnvError envguard throws for this input says after
    /// "envguard: " (the name quoted by quote_value, at most 200 bytes of it shown). Only for a broken
    /// rule.
    ENVGUARD_DECL std::string message(std::string_view action, std::string_view name) const;
};

/// The first rule NAME breaks as a variable name: empty, starting with '=', containing '=' or a NUL
/// character; on Windows also not valid UTF-8 or longer than 32,766 UTF-16 characters. Never throws,
/// never allocates. Every envguard function that takes a name checks it with this function.
ENVGUARD_DECL RuleViolation check_name(std::string_view name) noexcept;

/// The first rule VALUE breaks as a variable's value: containing a NUL character; on Windows also not
/// valid UTF-8 (errc::invalid_value) or longer than 32,766 UTF-16 characters (errc::value_too_long).
/// The empty string is a valid value.
ENVGUARD_DECL RuleViolation check_value(std::string_view value) noexcept;

/// The first rule DIR breaks as a directory to add to a path list (EnvOverlay::prepend_path and
/// append_path): a value's rules (check_value), then not empty (an empty entry means the current
/// directory) and no path_list_separator in it.
ENVGUARD_DECL RuleViolation check_path_entry(std::string_view dir) noexcept;

/// True when A and B name the same variable on this platform: byte for byte on POSIX; on Windows
/// regardless of case (Path and PATH are one variable there), compared as the OS compares them.
ENVGUARD_DECL bool same_name(std::string_view a, std::string_view b) noexcept;

#if ENVGUARD_WINDOWS
/// Windows: TEXT, UTF-8, as UTF-16, the form Windows stores names and values in. Bytes that are not
/// valid UTF-8 become U+FFFD (check_name and check_value refuse such input before envguard converts
/// it).
ENVGUARD_DECL std::wstring to_wide(std::string_view text);
/// Windows: TEXT, UTF-16, as UTF-8: how envguard returns what Windows stores (an unpaired surrogate
/// becomes U+FFFD). The inverse of to_wide for valid text.
ENVGUARD_DECL std::string to_utf8(std::wstring_view text);
#endif

ENVGUARD_NAMESPACE_END

#if ENVGUARD_BODIES
#    include "detail/names.hpp" // compare_names
ENVGUARD_NAMESPACE_BEGIN
namespace detail {

// The number of UTF-16 code units TEXT becomes, or -1 when TEXT is not valid UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF are invalid). Windows stores names and values as UTF-16,
// so this is where "not valid UTF-8" and "too long" are decided, before anything is converted.
inline long long utf16_length(std::string_view text) noexcept {
    long long units = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        unsigned long code = 0;
        if (byte < 0x80) {
            code = byte;
        } else if ((byte & 0xE0) == 0xC0) {
            extra = 1;
            code = byte & 0x1F;
        } else if ((byte & 0xF0) == 0xE0) {
            extra = 2;
            code = byte & 0x0F;
        } else if ((byte & 0xF8) == 0xF0) {
            extra = 3;
            code = byte & 0x07;
        } else {
            return -1;
        }
        if (i + extra >= text.size()) return -1; // truncated sequence
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return -1;
            code = (code << 6) | (next & 0x3F);
        }
        static const unsigned long minimum[] = {0, 0x80, 0x800, 0x10000};
        if (code < minimum[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return -1;
        units += code >= 0x10000 ? 2 : 1;
        i += extra + 1;
    }
    return units;
}

// The longest value Windows keeps whole, in UTF-16 code units: 32,767 including the terminating NUL
// (a 32,767-unit value comes back one unit short under wine).
inline constexpr long long max_windows_value_units = 32766;

} // namespace detail

ENVGUARD_DECL std::string RuleViolation::message(std::string_view action, std::string_view name) const {
    return detail::refusal(action, name, rule != nullptr ? rule : "");
}

ENVGUARD_DECL RuleViolation check_name(std::string_view name) noexcept {
    if (name.empty()) return {errc::invalid_name, "a variable name must not be empty"};
    // A leading '=' is its own rule: on Windows such names (=C:) are the hidden per-drive current
    // directories, which a program must pass on but never set.
    if (name.front() == '=')
        return {errc::invalid_name, "a variable name must not start with '='"};
    for (char c : name) {
        if (c == '=') return {errc::invalid_name, "a variable name must not contain '='"};
        if (c == '\0')
            return {errc::invalid_name, "a variable name must not contain a NUL character"};
    }
#if ENVGUARD_WINDOWS
    const long long units = detail::utf16_length(name);
    if (units < 0) return {errc::invalid_name, "a variable name must be valid UTF-8"};
    // Longer names are accepted by SetEnvironmentVariableW and then missing from the block that
    // children get (seen under wine): refuse them rather than lose them.
    if (units > detail::max_windows_value_units)
        return {errc::invalid_name, "a variable name must not be longer than 32,766 UTF-16 characters"};
#endif
    return {errc::invalid_name, nullptr};
}

ENVGUARD_DECL RuleViolation check_value(std::string_view value) noexcept {
    if (value.find('\0') != std::string_view::npos)
        return {errc::invalid_value, "a value must not contain a NUL character"};
#if ENVGUARD_WINDOWS
    const long long units = detail::utf16_length(value);
    if (units < 0) return {errc::invalid_value, "a value must be valid UTF-8"};
    if (units > detail::max_windows_value_units)
        return {errc::value_too_long, "a value must not be longer than 32,766 UTF-16 characters"};
#endif
    return {errc::invalid_value, nullptr};
}

ENVGUARD_DECL RuleViolation check_path_entry(std::string_view dir) noexcept {
    if (auto bad = check_value(dir)) return bad;
    if (dir.empty())
        return {errc::invalid_value, "a directory to add to a path list must not be empty "
                                     "(an empty entry means the current directory)"};
    if (dir.find(path_list_separator) != std::string_view::npos) {
#if ENVGUARD_WINDOWS
        return {errc::invalid_value, "a directory to add to a path list must not contain ';', the list separator"};
#else
        return {errc::invalid_value, "a directory to add to a path list must not contain ':', the list separator"};
#endif
    }
    return {errc::invalid_value, nullptr};
}

ENVGUARD_DECL bool same_name(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && detail::compare_names(a, b) == 0;
}

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_BODIES
