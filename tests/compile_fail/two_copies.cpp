// Two copies of envguard in one translation unit (here the split headers and the single header)
// must stop with one clear line, not a page of redefinitions.
#include <envguard/envguard.hpp>
#if ENVGUARD_COMPILE_FAIL
#include "../../single_include/envguard/envguard.hpp"
#endif

int main() { return ENVGUARD_VERSION >= 10000 ? 0 : 1; }
