# The Python wheels' install rules (pyproject.toml: scikit-build-core configures this project with
# SKBUILD set and installs only the `wheel` component). A wheel carries a launcher that
# tools/release.sh built and stripped, so that the tarball, the zip and the wheels hold the same bytes:
#   ENVGUARD_WHEEL_LAUNCHER     the executable (envguard or envguard.exe): the wheel's scripts, which
#                               pip installs on PATH (bin/ of a venv or pipx, Scripts\ on Windows)
#   ENVGUARD_WHEEL_MAN_PAGE     optional: envguard.1, installed as share/man/man1/envguard.1
#   ENVGUARD_WHEEL_COMPLETION   optional: the bash completion, share/bash-completion/completions/envguard
set(ENVGUARD_WHEEL_LAUNCHER "" CACHE FILEPATH "The envguard executable the wheel carries (tools/release.sh)")
set(ENVGUARD_WHEEL_MAN_PAGE "" CACHE FILEPATH "envguard.1 for the wheel (optional)")
set(ENVGUARD_WHEEL_COMPLETION "" CACHE FILEPATH "The bash completion for the wheel (optional)")

if(NOT ENVGUARD_WHEEL_LAUNCHER OR NOT EXISTS "${ENVGUARD_WHEEL_LAUNCHER}")
  message(FATAL_ERROR "envguard's wheels carry the launcher that tools/release.sh builds: run "
                      "`bash tools/release.sh` (ENVGUARD_WHEEL_LAUNCHER is '${ENVGUARD_WHEEL_LAUNCHER}')")
endif()
get_filename_component(_envguard_wheel_exe "${ENVGUARD_WHEEL_LAUNCHER}" NAME)
if(NOT _envguard_wheel_exe MATCHES "^envguard(\\.exe)?$")
  message(FATAL_ERROR "ENVGUARD_WHEEL_LAUNCHER must name a file called envguard or envguard.exe, not ${_envguard_wheel_exe}")
endif()
install(PROGRAMS "${ENVGUARD_WHEEL_LAUNCHER}" DESTINATION "${SKBUILD_SCRIPTS_DIR}" COMPONENT wheel)
if(ENVGUARD_WHEEL_MAN_PAGE)
  install(FILES "${ENVGUARD_WHEEL_MAN_PAGE}" DESTINATION "${SKBUILD_DATA_DIR}/share/man/man1" COMPONENT wheel)
endif()
if(ENVGUARD_WHEEL_COMPLETION)
  install(FILES "${ENVGUARD_WHEEL_COMPLETION}" DESTINATION "${SKBUILD_DATA_DIR}/share/bash-completion/completions"
          RENAME envguard COMPONENT wheel)
endif()
