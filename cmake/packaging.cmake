# A Debian package of everything `cmake --install` installs (headers, CMake package, pkg-config file,
# and, when built, the launcher with its man page and bash completion), with CPack's DEB generator:
#   cmake --build BUILD && (cd BUILD && cpack -G DEB)      ->  BUILD/envguard_<version>_<arch>.deb
# Dependencies come from dpkg-shlibdeps (Debian dpkg-dev) run on the launcher: on Debian 12 only
# libc6 (fmt and toml++ are used header-only, libstdc++ and libgcc linked statically).
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/CHANGELOG.md"
              "${PROJECT_SOURCE_DIR}/CONTRIBUTING.md" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/" DESTINATION "${CMAKE_INSTALL_DOCDIR}/docs" FILES_MATCHING PATTERN "*.md")

set(CPACK_PACKAGE_NAME envguard)
set(CPACK_PACKAGE_VENDOR envguard)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "the envguard authors") # no address: the project has none to give yet
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # envguard_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
if(PROJECT_HOMEPAGE_URL) # none yet: no Homepage field rather than a placeholder
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
endif()
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "${PROJECT_DESCRIPTION}
envguard changes environment variables and puts them back exactly, with unset and set-to-empty never
confused, also when an exception flies. This package holds the C++17 headers (with a CMake package and
a pkg-config file) and the envguard launcher, which runs commands with an exact environment, for
example cargo llvm-cov with sccache bypassed (RUSTC_WRAPPER set to the empty string).")
if(TARGET envguard_launcher)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE all) # headers only
endif()
set(CPACK_SOURCE_IGNORE_FILES "/build/" "/\\\\.git/" "/target/" "__pycache__")
include(CPack)
