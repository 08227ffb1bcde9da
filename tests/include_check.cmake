# Fails when including envguard.hpp pulls in a header it must not (issue #8 item 5): on POSIX no
# <iostream> (static initialisers in every program), <regex> or <windows.h>. Runs the compiler's
# preprocessor with -H, which lists every header opened, one per line, dots showing the depth.
#   cmake -DCXX=c++ -DINCLUDE_DIR=... -DHEADER=envguard/envguard.hpp -P include_check.cmake
foreach(var CXX INCLUDE_DIR HEADER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "include_check.cmake: ${var} is not set")
  endif()
endforeach()
set(source "${CMAKE_CURRENT_BINARY_DIR}/include_check_${HEADER_ID}.cpp")
file(WRITE "${source}" "#include <${HEADER}>\nint main() { return 0; }\n")
execute_process(
  COMMAND "${CXX}" -std=c++17 -E -H -I "${INCLUDE_DIR}" "${source}" -o /dev/null
  RESULT_VARIABLE status
  ERROR_VARIABLE headers)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "include_check: preprocessing <${HEADER}> failed:\n${headers}")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${headers}")
set(count 0)
set(forbidden "")
foreach(line IN LISTS lines)
  if(line MATCHES "^\\.+ ")
    math(EXPR count "${count} + 1")
    if(line MATCHES "[/\\\\](iostream|regex|windows\\.h|Windows\\.h)$")
      string(APPEND forbidden "  ${line}\n")
    endif()
  endif()
endforeach()
if(count LESS 10)
  message(FATAL_ERROR "include_check: only ${count} headers listed; is -H supported by ${CXX}?\n${headers}")
endif()
if(forbidden)
  message(FATAL_ERROR "include_check: <${HEADER}> pulls in headers it must not on POSIX "
                      "(the chain is in the compiler's -H output):\n${forbidden}")
endif()
message(STATUS "include_check: <${HEADER}> opens ${count} headers, none of <iostream>, <regex>, <windows.h>")
