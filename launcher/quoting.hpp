// The one way the launcher quotes a value in a message: as envguard's own errors do ("a\tb" with
// escapes). (Commands are printed with launcher::shell_quote, cli_support.hpp, as a shell would take them.)
#pragma once

#include <envguard/envguard.hpp>

#include <string>
#include <string_view>

namespace launcher {

inline std::string quote_value(std::string_view value) { return envguard::quote_value(value); }

} // namespace launcher
