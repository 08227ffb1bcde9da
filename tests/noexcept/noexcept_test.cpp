// The std::error_code API and NothrowScopedEnv, built with -fno-exceptions (tests/CMakeLists.txt):
// they compile, report every failure through std::error_code, and change nothing on error. Plain
// checks instead of doctest, so that nothing but envguard and the standard library is built without
// exceptions (the suite's shared doctest main is built with them); a failed check prints its line
// and the program exits 1.
#if ENVGUARD_EXPECT_SINGLE_HEADER
#    include <envguard/envguard.hpp> // the single header: everything that works without exceptions
#else
#    include <envguard/env.hpp>
#    include <envguard/nothrow_scoped_env.hpp>
#endif

#include "../support/raw_env.hpp"

#include <cerrno>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

static_assert(ENVGUARD_HAS_EXCEPTIONS == 0, "this test must be built with -fno-exceptions");
static_assert(ENVGUARD_SINGLE_HEADER == ENVGUARD_EXPECT_SINGLE_HEADER, "built against the wrong header form");

// The throwing overloads are left out: only the std::error_code ones exist.
template <class T, class = void>
struct has_throwing_get : std::false_type {};
template <class T>
struct has_throwing_get<T, std::void_t<decltype(envguard::get(std::declval<T>()))>> : std::true_type {};
static_assert(!has_throwing_get<std::string_view>::value, "get(name) must not exist without exceptions");
static_assert(noexcept(envguard::get("X", std::declval<std::error_code&>())), "");
static_assert(noexcept(envguard::set("X", "1", std::declval<std::error_code&>())), "");
static_assert(noexcept(envguard::unset("X", std::declval<std::error_code&>())), "");
static_assert(noexcept(envguard::is_set("X", std::declval<std::error_code&>())), "");
static_assert(noexcept(envguard::assign("X", std::nullopt, std::declval<std::error_code&>())), "");

namespace {

int failures = 0;
int checks = 0;

#define CHECK(condition)                                                                   \
    do {                                                                                   \
        ++checks;                                                                          \
        if (!(condition)) {                                                                \
            ++failures;                                                                    \
            std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
        }                                                                                  \
    } while (false)

using Env = std::map<std::string, std::string>;
using opt = std::optional<std::string>;

const char* const A = "ENVGUARD_NOEXC_A";
const char* const B = "ENVGUARD_NOEXC_B";

// A variable put into a known state through the OS, and put back afterwards.
class RawVar {
public:
    RawVar(const char* name, const opt& value) : name_(name), before_(raw::get(name)) { put(value); }
    ~RawVar() { put(before_); }
    RawVar(const RawVar&) = delete;
    RawVar& operator=(const RawVar&) = delete;
    void put(const opt& value) {
        if (value)
            raw::set(name_, value->c_str());
        else
            raw::unset(name_);
    }

private:
    const char* name_;
    opt before_;
};

// The platform seam with failing writes: FAIL_AT is the 1-based write that fails with EIO (0: none);
// EMPTY_DELETES makes "set to empty" remove the variable, as the Windows CRT does.
class FaultSeam {
public:
    explicit FaultSeam(int fail_at, bool empty_deletes = false) : saved_(envguard::detail::platform()) {
        native() = saved_;
        fail_at_() = fail_at;
        empty_deletes_() = empty_deletes;
        writes_() = 0;
        envguard::detail::platform().write = &write;
        envguard::detail::platform().remove = &remove;
    }
    ~FaultSeam() { envguard::detail::platform() = saved_; }
    FaultSeam(const FaultSeam&) = delete;
    FaultSeam& operator=(const FaultSeam&) = delete;
    void fail_from_now(int n) {
        writes_() = 0;
        fail_at_() = n;
    }

private:
    static envguard::detail::platform_ops& native() {
        static envguard::detail::platform_ops ops{};
        return ops;
    }
    static int& fail_at_() {
        static int n = 0;
        return n;
    }
    static bool& empty_deletes_() {
        static bool on = false;
        return on;
    }
    static int& writes_() {
        static int n = 0;
        return n;
    }
    static int write(const std::string& name, const std::string& value) {
        if (++writes_() == fail_at_()) return EIO;
        if (value.empty() && empty_deletes_()) return native().remove(name);
        return native().write(name, value);
    }
    static int remove(const std::string& name) {
        if (++writes_() == fail_at_()) return EIO;
        return native().remove(name);
    }
    envguard::detail::platform_ops saved_;
};

// What the restore-failure handler saw.
struct Reported {
    int calls = 0;
    std::string name;
    std::string what;
    std::error_code code;
};
Reported& reported() {
    static Reported r;
    return r;
}
void record_failure(const envguard::EnvError& error) noexcept {
    ++reported().calls;
    reported().name = error.name();
    reported().what = error.what();
    reported().code = error.code();
}

void three_states() {
    RawVar a(A, std::nullopt);
    std::error_code ec = envguard::errc::os_error; // stale: every call must clear it on success

    CHECK(envguard::get(A, ec) == std::nullopt);
    CHECK(!ec);
    CHECK(!envguard::is_set(A, ec));

    envguard::set(A, "", ec); // empty: set, not unset
    CHECK(!ec);
    CHECK(raw::get(A) == opt(""));
    CHECK(envguard::get(A, ec) == opt(""));
    CHECK(envguard::is_set(A, ec));
    CHECK(!ec);

    ec = envguard::errc::os_error;
    envguard::set(A, "value with spaces", ec);
    CHECK(!ec);
    CHECK(raw::get(A) == opt("value with spaces"));
    CHECK(envguard::get(A, ec) == opt("value with spaces"));

    envguard::unset(A, ec);
    CHECK(!ec);
    CHECK(raw::get(A) == std::nullopt);
    envguard::unset(A, ec); // unsetting an unset variable is not an error
    CHECK(!ec);

    // assign: the inverse of get, all three states.
    for (const opt& state : {opt("x"), opt(""), opt(std::nullopt), opt("y")}) {
        envguard::assign(A, state, ec);
        CHECK(!ec);
        CHECK(raw::get(A) == state);
        CHECK(envguard::get(A, ec) == state);
        CHECK(!ec);
    }
}

void bad_input_changes_nothing() {
    RawVar a(A, "old");
    const Env before = raw::environment();
    struct Case {
        std::string name;
        std::string value;
        envguard::errc name_code;  // for get/unset/is_set/assign(nullopt): the name alone
        envguard::errc value_code; // for set/assign(value)
    };
    const Case cases[] = {
        {"", "1", envguard::errc::invalid_name, envguard::errc::invalid_name},
        {"A=B", "1", envguard::errc::invalid_name, envguard::errc::invalid_name},
        {"=C:", "1", envguard::errc::invalid_name, envguard::errc::invalid_name},
        {std::string("A\0B", 3), "1", envguard::errc::invalid_name, envguard::errc::invalid_name},
        {A, std::string("a\0b", 3), envguard::errc::invalid_name /* unused */, envguard::errc::invalid_value},
    };
    for (const auto& c : cases) {
        std::error_code ec;
        envguard::set(c.name, c.value, ec);
        CHECK(ec == c.value_code);
        ec.clear();
        envguard::assign(c.name, c.value, ec);
        CHECK(ec == c.value_code);
        if (c.name == A) continue; // a valid name: only its value was bad
        ec.clear();
        envguard::unset(c.name, ec);
        CHECK(ec == c.name_code);
        ec.clear();
        envguard::assign(c.name, std::nullopt, ec);
        CHECK(ec == c.name_code);
        ec.clear();
        CHECK(envguard::get(c.name, ec) == std::nullopt);
        CHECK(ec == c.name_code);
        ec.clear();
        CHECK(!envguard::is_set(c.name, ec));
        CHECK(ec == c.name_code);
        ec.clear();
    }
    CHECK(raw::environment() == before);
    CHECK(raw::get(A) == opt("old"));
    // The code carries envguard's category and message.
    std::error_code ec;
    envguard::set("A=B", "1", ec);
    CHECK(ec.category() == envguard::envguard_category());
    CHECK(ec.message() == "invalid environment variable name");
}

void os_failures_change_nothing() {
    RawVar a(A, "old");
    std::error_code ec;
    {
        FaultSeam seam(1);
        envguard::set(A, "new", ec);
    }
    CHECK(ec == envguard::errc::os_error);
    CHECK(raw::get(A) == opt("old"));
    {
        FaultSeam seam(1);
        envguard::unset(A, ec);
    }
    CHECK(ec == envguard::errc::os_error);
    CHECK(raw::get(A) == opt("old"));
    {
        FaultSeam seam(0, /*empty_deletes=*/true);
        envguard::set(A, "", ec);
    }
    CHECK(ec == envguard::errc::empty_became_unset);
    CHECK(raw::get(A) == opt("old")); // put back
}

void guard_restores_three_states() {
    RawVar a(A, "original");
    RawVar b(B, std::nullopt);
    const Env before = raw::environment();
    {
        envguard::NothrowScopedEnv env;
        CHECK(!env.active());
        std::error_code ec = envguard::errc::os_error;
        env.set_empty(A, ec);
        CHECK(!ec);
        CHECK(raw::get(A) == opt(""));
        env.set(B, "new", ec);
        CHECK(!ec);
        CHECK(raw::get(B) == opt("new"));
        env.unset(A, ec); // second change of A: its original stays "original"
        CHECK(!ec);
        CHECK(raw::get(A) == std::nullopt);
        env.assign(B, opt(""), ec);
        CHECK(!ec);
        CHECK(env.active());
        CHECK(env.size() == 2);
    }
    CHECK(raw::environment() == before);
    CHECK(raw::get(A) == opt("original"));
    CHECK(raw::get(B) == std::nullopt);

    // An empty original comes back empty, not unset.
    RawVar empty(A, "");
    {
        envguard::NothrowScopedEnv env;
        std::error_code ec;
        env.unset(A, ec);
        CHECK(!ec);
        CHECK(raw::get(A) == std::nullopt);
    }
    CHECK(raw::get(A) == opt(""));
}

void guard_bad_input_changes_nothing() {
    RawVar a(A, "old");
    const Env before = raw::environment();
    envguard::NothrowScopedEnv env;
    std::error_code ec;
    env.set("A=B", "1", ec);
    CHECK(ec == envguard::errc::invalid_name);
    env.set(A, std::string("a\0b", 3), ec);
    CHECK(ec == envguard::errc::invalid_value);
    env.unset("", ec);
    CHECK(ec == envguard::errc::invalid_name);
    env.assign("=C:", std::nullopt, ec);
    CHECK(ec == envguard::errc::invalid_name);
    env.set_empty(std::string("X\0Y", 3), ec);
    CHECK(ec == envguard::errc::invalid_name);
    CHECK(!env.active()); // nothing to restore: nothing was changed
    CHECK(raw::environment() == before);
    {
        FaultSeam seam(1);
        env.set(A, "new", ec);
    }
    CHECK(ec == envguard::errc::os_error);
    CHECK(!env.active());
    CHECK(raw::get(A) == opt("old"));
}

void guard_restore_release_move_exclusive() {
    RawVar a(A, "old");
    std::error_code ec;
    {
        envguard::NothrowScopedEnv env;
        env.set(A, "1", ec);
        env.restore(ec); // now, explicitly
        CHECK(!ec);
        CHECK(!env.active());
        CHECK(raw::get(A) == opt("old"));
        env.set(A, "2", ec);
        env.release(); // keep it
        CHECK(!env.active());
    }
    CHECK(raw::get(A) == opt("2"));
    raw::set(A, "old");
    {
        envguard::NothrowScopedEnv outer;
        outer.set(A, "outer", ec);
        {
            envguard::NothrowScopedEnv moved = std::move(outer);
            CHECK(!outer.active());
            CHECK(moved.active());
            envguard::NothrowScopedEnv inner(envguard::exclusive);
            inner.set(A, "inner", ec);
            CHECK(raw::get(A) == opt("inner"));
        } // inner, then moved: LIFO
        CHECK(raw::get(A) == opt("old"));
    }
    CHECK(raw::get(A) == opt("old"));
}

void guard_restore_failure_goes_to_handler() {
    RawVar a(A, "old");
    RawVar b(B, std::nullopt);
    const auto previous = envguard::set_restore_failure_handler(&record_failure);
    reported() = Reported{};
    std::error_code ec;
    {
        FaultSeam seam(0);
        envguard::NothrowScopedEnv env;
        env.set(A, "1", ec);
        env.set(B, "2", ec);
        seam.fail_from_now(1); // restoring B (reverse order) fails; A is still restored
        env.restore(ec);
    }
    CHECK(ec == envguard::errc::os_error);
    CHECK(reported().calls == 1);
    CHECK(reported().name == B);
    CHECK(reported().code == envguard::errc::os_error);
    CHECK(reported().what.rfind(std::string("envguard: cannot unset \"") + B + "\": the operating system refused: ", 0) == 0);
    CHECK(raw::get(A) == opt("old"));
    CHECK(raw::get(B) == opt("2")); // the one that failed
    raw::unset(B);

    reported() = Reported{};
    {
        FaultSeam seam(0);
        envguard::NothrowScopedEnv env;
        env.set(A, "1", ec);
        seam.fail_from_now(1); // the destructor's restore fails
    }
    CHECK(reported().calls == 1);
    CHECK(reported().name == A);
    CHECK(raw::get(A) == opt("1"));
    envguard::set_restore_failure_handler(previous);
}

} // namespace

int main() {
    const Env start = raw::environment();
    three_states();
    bad_input_changes_nothing();
    os_failures_change_nothing();
    guard_restores_three_states();
    guard_bad_input_changes_nothing();
    guard_restore_release_move_exclusive();
    guard_restore_failure_goes_to_handler();
    CHECK(raw::environment() == start); // every test put back what it changed
    std::printf("noexcept_test (%s header, no exceptions): %d checks, %d failed\n",
                ENVGUARD_SINGLE_HEADER ? "single" : "split", checks, failures);
    return failures == 0 ? 0 : 1;
}
