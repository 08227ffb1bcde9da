// The implementation file of separate compilation must include <envguard/impl.hpp> first: a header
// included before it has already decided to leave its bodies out. Stops with one clear line; the
// control (impl.hpp alone) builds, and is the program's implementation unit.
#if ENVGUARD_COMPILE_FAIL
#include <envguard/env.hpp>
#endif
#include <envguard/impl.hpp>

int main() { return envguard::is_set("ENVGUARD_IMPL_TEST_UNSET") ? 1 : 0; }
