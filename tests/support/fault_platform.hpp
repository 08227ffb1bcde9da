// Fault injection through envguard's platform seam (detail/platform.hpp): count the OS writes (set,
// remove, and on POSIX put_entry), make the Nth one fail, or make "set to empty" delete the variable the way Windows' _putenv_s does.
#pragma once

#include <envguard/envguard.hpp>

#include <cerrno>
#include <string>
#include <vector>

namespace test {

class FaultPlatform {
public:
    // fail_at: the 1-based number of the write (set or remove) that fails with EIO; 0: none fails.
    explicit FaultPlatform(int fail_at = 0) : saved_(envguard::detail::platform()) {
        state() = State{};
        state().fail_at.push_back(fail_at);
        state().native = saved_;
        auto& ops = envguard::detail::platform();
        ops.write = &write;
        ops.remove = &remove;
        if (ops.put_entry != nullptr) ops.put_entry = &put_entry; // POSIX: restores and reclaim writes
    }
    ~FaultPlatform() { envguard::detail::platform() = saved_; }
    FaultPlatform(const FaultPlatform&) = delete;
    FaultPlatform& operator=(const FaultPlatform&) = delete;

    // Also fail these writes (1-based).
    void fail_also(int n) { state().fail_at.push_back(n); }
    // Starts counting again from zero and fails the nth write from now: arm the fault after a guard
    // was built, so that it hits the guard's restore and not its construction.
    void fail_from_now(int n) {
        state().writes = 0;
        state().names.clear();
        state().fail_at.assign(1, n);
    }
    // From now on, setting "" removes the variable instead (the Windows CRT's behaviour).
    void empty_deletes(bool on = true) { state().empty_deletes = on; }

    int writes() const { return state().writes; }
    const std::vector<std::string>& written_names() const { return state().names; }

private:
    struct State {
        envguard::detail::platform_ops native{};
        std::vector<int> fail_at;
        int writes = 0;
        bool empty_deletes = false;
        std::vector<std::string> names;
    };
    static State& state() {
        static State s;
        return s;
    }
    static bool should_fail() {
        ++state().writes;
        for (int n : state().fail_at)
            if (n == state().writes) return true;
        return false;
    }
    static int write(const std::string& name, const std::string& value) {
        state().names.push_back(name);
        if (should_fail()) return EIO;
        if (value.empty() && state().empty_deletes) return state().native.remove(name);
        return state().native.write(name, value);
    }
    // Putting back an environ string (a guard's original) or an envguard-owned one is a write too.
    static int put_entry(const std::string& name, char* entry) {
        state().names.push_back(name);
        if (should_fail()) return EIO;
        if (entry[name.size() + 1] == '\0' && state().empty_deletes) return state().native.remove(name);
        return state().native.put_entry(name, entry);
    }
    static int remove(const std::string& name) {
        state().names.push_back(name);
        if (should_fail()) return EIO;
        return state().native.remove(name);
    }

    envguard::detail::platform_ops saved_;
};

} // namespace test
