// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// Opt-in {fmt} support: fmt::formatter specializations for envguard's printable types. Never included
// by envguard.hpp; include this header (and link fmt) to write fmt::format("{}", overlay).
//
//   EnvOverlay             every operation, one per line, each ending in '\n' (EnvOverlay::to_string)
//   EnvOverlay::Operation  one line without '\n', as `--dry-run` prints it (Operation::to_string)
//   a snapshot diff        EnvSnapshot::diff returns an EnvOverlay: formatted as above
//   Finding                `error: RUSTC_WRAPPER: <problem> (fix: <fix>)`
//   Severity, CoverageMode their names: `warning`, `lcov`
//   EnvError               what(), then the details: `<what()> [name "X", envguard:1 <message>]`,
//                          plus `, os generic:22 <message>` when the OS reported an error
//
// Every formatter takes the format specification of a string ({:>40}, {:-^60}, ...), applied to the
// whole text. Written against the API that fmt 9, 10 and 11 share: each formatter inherits parse from
// fmt::formatter<fmt::string_view>, and format is a const member template (fmt 11 requires const).
// No format_as (fmt 10+ only).
#pragma once

/// \file
/// Opt-in {fmt} support: `fmt::formatter` for EnvOverlay, EnvOverlay::Operation (and so a snapshot
/// diff), Finding, Severity, CoverageMode and EnvError. See the comment at the top of this file for
/// the text of each, and the README's "Formatting with fmt".

#include "coverage.hpp"
#include "error.hpp"
#include "overlay.hpp"

#include <fmt/format.h>

#include <string>

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

// The text of an EnvError's details (see the header comment); the one place it is written.
inline std::string error_details(const EnvError& error) {
    std::string out = error.what();
    out += " [name ";
    out += envguard::quote_value(error.name(), message_name_shown);
    out += ", ";
    out += error.code().category().name();
    out += ':';
    out += std::to_string(error.code().value());
    out += ' ';
    out += error.code().message();
    if (const std::error_code os = error.os_code()) {
        out += ", os ";
        out += os.category().name();
        out += ':';
        out += std::to_string(os.value());
        out += ' ';
        out += os.message();
    }
    out += ']';
    return out;
}

// "error: RUSTC_WRAPPER: <problem> (fix: <fix>)"; without "NAME: " when the finding names none.
inline std::string finding_text(const Finding& finding) {
    std::string out(to_string(finding.severity));
    out += ": ";
    if (!finding.variable.empty()) {
        out += finding.variable;
        out += ": ";
    }
    out += finding.problem;
    if (!finding.fix.empty()) {
        out += " (fix: ";
        out += finding.fix;
        out += ')';
    }
    return out;
}

// The common part: parse (fill, align, width, precision) is fmt's own for strings; format renders
// the value with TEXT and hands the result to the string formatter.
template <typename T, std::string (*Text)(const T&)>
struct text_formatter : fmt::formatter<fmt::string_view> {
    template <typename FormatContext>
    auto format(const T& value, FormatContext& ctx) const -> decltype(ctx.out()) {
        const std::string text = Text(value);
        return fmt::formatter<fmt::string_view>::format(fmt::string_view(text.data(), text.size()), ctx);
    }
};

inline std::string overlay_text(const EnvOverlay& overlay) { return overlay.to_string(); }
inline std::string operation_text(const EnvOverlay::Operation& op) { return op.to_string(); }
inline std::string severity_text(const Severity& severity) { return std::string(to_string(severity)); }
inline std::string coverage_mode_text(const CoverageMode& mode) { return std::string(to_string(mode)); }

} // namespace detail
ENVGUARD_NAMESPACE_END

/// \cond FMT_SPECIALIZATIONS
// (left out of the API reference: Doxygen cannot place specializations of fmt's template without
// fmt's headers; the file comment above lists them.)
template <>
struct fmt::formatter<envguard::EnvOverlay>
    : envguard::detail::text_formatter<envguard::EnvOverlay, envguard::detail::overlay_text> {};

template <>
struct fmt::formatter<envguard::EnvOverlay::Operation>
    : envguard::detail::text_formatter<envguard::EnvOverlay::Operation, envguard::detail::operation_text> {};

template <>
struct fmt::formatter<envguard::Finding>
    : envguard::detail::text_formatter<envguard::Finding, envguard::detail::finding_text> {};

template <>
struct fmt::formatter<envguard::Severity>
    : envguard::detail::text_formatter<envguard::Severity, envguard::detail::severity_text> {};

template <>
struct fmt::formatter<envguard::CoverageMode>
    : envguard::detail::text_formatter<envguard::CoverageMode, envguard::detail::coverage_mode_text> {};

template <>
struct fmt::formatter<envguard::EnvError>
    : envguard::detail::text_formatter<envguard::EnvError, envguard::detail::error_details> {};
/// \endcond
