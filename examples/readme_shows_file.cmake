# cmake -DEXAMPLE=<file> -DREADME=<file> -P readme_shows_file.cmake
# The README must show EXAMPLE whole, exactly as it is, so that what people copy is what CTest builds
# and runs.
file(READ "${EXAMPLE}" example)
file(READ "${README}" readme)
string(FIND "${readme}" "```cpp\n${example}```" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${README} does not show ${EXAMPLE} whole, as it is, in a ```cpp block")
endif()
message(STATUS "the README shows ${EXAMPLE} as it is")
