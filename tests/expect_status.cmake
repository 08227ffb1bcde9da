# cmake -DSTATUS=<n>|nonzero [-DREGEX=<regex>] -P expect_status.cmake -- <command> [args...]
# Passes when the command exits with STATUS (any failure for "nonzero") and, if given, its output
# matches REGEX: it did what was expected, for the right reason.
set(command "")
set(seen_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE 1 ${last})
  if(seen_separator)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(seen_separator TRUE)
  endif()
endforeach()
execute_process(COMMAND ${command} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(STATUS STREQUAL "nonzero" AND rc EQUAL 0)
  message(FATAL_ERROR "expected failure, but the command succeeded:\n${out}\n${err}")
elseif(NOT STATUS STREQUAL "nonzero" AND NOT rc EQUAL STATUS)
  message(FATAL_ERROR "expected exit status ${STATUS}, got ${rc}\n--- output ---\n${out}\n${err}")
endif()
if(DEFINED REGEX AND NOT "${out}${err}" MATCHES "${REGEX}")
  message(FATAL_ERROR "exit status ${rc} as expected, but the output does not match: ${REGEX}\n"
                      "--- output ---\n${out}\n${err}")
endif()
message(STATUS "exit ${rc} as expected; output:\n${out}${err}")
