// ODR check, separate compilation with the single header: this is the program's one file with the
// library's bodies (ENVGUARD_IMPLEMENTATION before the single header); odr_a.cpp and odr_b.cpp get
// declarations only (ENVGUARD_SEPARATE_COMPILATION comes from the build, for all three files).
#define ENVGUARD_IMPLEMENTATION 1
#include <envguard/envguard.hpp>

static_assert(ENVGUARD_SINGLE_HEADER == 1, "this file is built against single_include/");
static_assert(ENVGUARD_BODIES == 1, "the implementation file compiles the bodies");
