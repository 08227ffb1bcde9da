# Install the headers, a CMake package (envguardConfig.cmake + version file) and a pkg-config file.
include(CMakePackageConfigHelpers)

set(ENVGUARD_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/envguard"
    CACHE STRING "Where envguardConfig.cmake is installed")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/envguard"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        FILES_MATCHING PATTERN "*.hpp")
install(TARGETS envguard EXPORT envguardTargets)
install(EXPORT envguardTargets
        NAMESPACE envguard::
        DESTINATION "${ENVGUARD_INSTALL_CMAKEDIR}")

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/envguardConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/envguardConfig.cmake"
  INSTALL_DESTINATION "${ENVGUARD_INSTALL_CMAKEDIR}")
# Header-only: the same package serves 32- and 64-bit consumers, and any 1.x accepts a request for 1.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/envguardConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion
  ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/envguardConfig.cmake"
              "${PROJECT_BINARY_DIR}/envguardConfigVersion.cmake"
        DESTINATION "${ENVGUARD_INSTALL_CMAKEDIR}")

configure_file("${PROJECT_SOURCE_DIR}/cmake/envguard.pc.in" "${PROJECT_BINARY_DIR}/envguard.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/envguard.pc"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/pkgconfig")
