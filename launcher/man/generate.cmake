# Writes envguard.1 with help2man from the launcher's --help, and adds each subcommand's --help (the
# subcommands are read from the top-level --help, so a new subcommand appears without editing this).
# cmake -DENVGUARD=<exe> -DHELP2MAN=<help2man> -DSTATIC=<envguard.h2m> -DOUT=<envguard.1> -P generate.cmake
foreach(var ENVGUARD HELP2MAN STATIC OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "generate.cmake: -D${var}=... is required")
  endif()
endforeach()

execute_process(COMMAND "${ENVGUARD}" --help OUTPUT_VARIABLE top RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "generate.cmake: ${ENVGUARD} --help failed (${rc})")
endif()
string(REGEX REPLACE ".*\nSubcommands:\n" "" listing "${top}")
string(REGEX MATCHALL "(^|\n)  [a-z][a-z0-9-]*" names "${listing}")
if(NOT names)
  message(FATAL_ERROR "generate.cmake: no \"Subcommands:\" list in ${ENVGUARD} --help")
endif()

set(include "[COMMANDS]\n")
foreach(name IN LISTS names)
  string(STRIP "${name}" name)
  execute_process(COMMAND "${ENVGUARD}" ${name} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "generate.cmake: ${ENVGUARD} ${name} --help failed (${rc})")
  endif()
  # Verbatim roff: backslashes escaped; a line that starts with . ' [ or / (roff requests, help2man
  # section markers) gets a zero-width \& in front.
  string(REPLACE "\\" "\\e" help "${help}")
  string(REPLACE "-" "\\-" help "${help}")
  string(REGEX REPLACE "(^|\n)([.'[/])" "\\1\\\\&\\2" help "${help}")
  string(APPEND include ".SS \"envguard ${name}\"\n.nf\n${help}.fi\n")
endforeach()
get_filename_component(out_dir "${OUT}" DIRECTORY)
file(WRITE "${out_dir}/envguard-commands.h2m" "${include}")

execute_process(
  COMMAND "${HELP2MAN}" --no-info --no-discard-stderr --section 1
          --name "run commands with an exact environment (set, set to empty, unset)"
          --include "${STATIC}" --include "${out_dir}/envguard-commands.h2m" --output "${OUT}" "${ENVGUARD}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "generate.cmake: help2man failed (${rc})")
endif()
