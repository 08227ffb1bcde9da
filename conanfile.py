"""Conan 2 recipe for envguard, the header-only C++17 library.

The package is what the project's own `cmake --install` installs (headers, the CMake package
envguardConfig.cmake with its version file, the pkg-config file, license): consumers use
`find_package(envguard 1 CONFIG REQUIRED)` and `envguard::envguard`, exactly as with the Debian package
or a CMake install. Header-only: one package for every setting. No requirements, nothing downloaded.
    conan create .                      (tests/release/test_conan.sh: with a consumer)
"""
import os
import re

from conan import ConanFile
from conan.tools.cmake import CMake, CMakeToolchain, cmake_layout
from conan.tools.files import load


class EnvguardConan(ConanFile):
    name = "envguard"
    description = "RAII guards for process environment variables (header-only C++17)"
    license = "MIT"
    topics = ("environment", "environment-variables", "raii", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    exports_sources = ("CMakeLists.txt", "LICENSE", "README.md", "CHANGELOG.md", "CONTRIBUTING.md", "docs/*.md", "cmake/*", "include/*")
    no_copy_source = True

    def set_version(self):
        # The version is written once, in include/envguard/version.hpp.
        header = load(self, os.path.join(self.recipe_folder, "include", "envguard", "version.hpp"))
        parts = [re.search(rf"^#define ENVGUARD_VERSION_{part} (\d+)$", header, re.M) for part in ("MAJOR", "MINOR", "PATCH")]
        if not all(parts):
            raise ValueError("envguard: cannot read ENVGUARD_VERSION_MAJOR/MINOR/PATCH from include/envguard/version.hpp")
        self.version = ".".join(match.group(1) for match in parts)

    def layout(self):
        cmake_layout(self)

    def generate(self):
        toolchain = CMakeToolchain(self)
        # Only the library's install rules: no tests, examples or launcher (and so no CLI11/fmt/toml++).
        for option in ("ENVGUARD_BUILD_TESTS", "ENVGUARD_BUILD_EXAMPLES", "ENVGUARD_BUILD_LAUNCHER"):
            toolchain.cache_variables[option] = False
        toolchain.cache_variables["ENVGUARD_INSTALL"] = True
        toolchain.generate()

    def build(self):
        pass  # headers only

    def package(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.install()

    def package_id(self):
        self.info.clear()

    def package_info(self):
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        # Consumers use the package's own envguardConfig.cmake (find_package(envguard 1 CONFIG)), which
        # defines envguard::envguard with Threads::Threads; CMakeDeps generates nothing for it.
        self.cpp_info.set_property("cmake_find_mode", "none")
        self.cpp_info.builddirs = [os.path.join("share", "cmake", "envguard")]
        self.cpp_info.set_property("pkg_config_name", "envguard")
        if self.settings.os in ("Linux", "FreeBSD"):
            self.cpp_info.system_libs = ["pthread"]
