// libFuzzer target: EnvOverlay operations decoded from the input, checked against a plain map.
//  - each operation with a bad name, value or directory is refused with EnvError (naming the variable,
//    with the right errc) and leaves the overlay as it was; every good one is accepted;
//  - render() on the current environment equals the model, and writes nothing;
//  - apply() makes the process environment equal the model, and destroying its guard brings back the
//    original exactly; with the nth OS write failing (n from the input, through the platform seam),
//    apply() throws and the environment is the original.
// Input: one byte for n (0: no write fails), then operations: kind byte, name, value/directory.
#include "fuzz_support.hpp"

#include "../support/fault_platform.hpp"
#include "../support/raw_env.hpp"

#include <envguard/envguard.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using Map = std::map<std::string, std::string>;
enum class Kind { set, set_empty, unset, prepend, append, clear, keep };

struct Op {
    Kind kind;
    std::string name;
    std::string value;
};

// The rules, written here independently of the library (POSIX).
bool good_name(const std::string& name) {
    return !name.empty() && name.find('=') == std::string::npos && name.find('\0') == std::string::npos;
}
bool good_value(const std::string& value) { return value.find('\0') == std::string::npos; }
bool good_dir(const std::string& dir) { return !dir.empty() && good_value(dir) && dir.find(':') == std::string::npos; }

// A name the input can make bad, but never a real variable of the process when it is good.
std::string name_from(fuzz::Reader& in) {
    const std::string raw = in.text(8);
    return good_name(raw) ? "ENVGUARD_FZ_" + raw : raw;
}

bool in_list(const std::string& list, const std::string& dir) {
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = list.find(':', start);
        if (list.substr(start, end == std::string::npos ? std::string::npos : end - start) == dir) return true;
        if (end == std::string::npos) return false;
        start = end + 1;
    }
}

Map model_of(const std::vector<Op>& ops, Map env) {
    std::vector<std::string> kept;
    for (const auto& op : ops)
        if (op.kind == Kind::keep) kept.push_back(op.name);
    for (const auto& op : ops) {
        switch (op.kind) {
        case Kind::set: env[op.name] = op.value; break;
        case Kind::set_empty: env[op.name] = ""; break;
        case Kind::unset: env.erase(op.name); break;
        case Kind::prepend:
        case Kind::append: {
            auto it = env.find(op.name);
            if (it == env.end() || it->second.empty()) env[op.name] = op.value;
            else if (!in_list(it->second, op.value))
                it->second = op.kind == Kind::prepend ? op.value + ":" + it->second : it->second + ":" + op.value;
            break;
        }
        case Kind::clear: {
            Map left;
            for (const auto& name : kept)
                if (env.count(name)) left[name] = env[name];
            env = left;
            break;
        }
        case Kind::keep: break;
        }
    }
    return env;
}

Map map_of(const envguard::EnvSnapshot& snapshot) {
    Map out;
    for (const auto& [name, value] : snapshot) out[name] = value;
    return out;
}

std::string show(const Op& op) { return "operation " + std::to_string(static_cast<int>(op.kind)) + " on " + envguard::quote_value(op.name); }

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Reader in(data, size);
    const int fail_at = in.byte() % 16;
    envguard::EnvOverlay overlay;
    std::vector<Op> accepted;
    while (!in.done() && accepted.size() < 24) {
        Op op{static_cast<Kind>(in.byte() % 7), {}, {}};
        if (op.kind != Kind::clear) op.name = name_from(in);
        if (op.kind == Kind::set || op.kind == Kind::prepend || op.kind == Kind::append) op.value = in.text(12);
        const bool dir = op.kind == Kind::prepend || op.kind == Kind::append;
        const bool name_ok = op.kind == Kind::clear || good_name(op.name);
        const bool value_ok = dir ? good_dir(op.value) : good_value(op.value);
        const std::size_t before = overlay.size();
        try {
            switch (op.kind) {
            case Kind::set: overlay.set(op.name, op.value); break;
            case Kind::set_empty: overlay.set_empty(op.name); break;
            case Kind::unset: overlay.unset(op.name); break;
            case Kind::prepend: overlay.prepend_path(op.name, op.value); break;
            case Kind::append: overlay.append_path(op.name, op.value); break;
            case Kind::clear: overlay.clear(); break;
            case Kind::keep: overlay.keep(op.name); break;
            }
            fuzz::require(name_ok && value_ok, show(op) + " with bad input was accepted");
            fuzz::require(overlay.size() == before + 1, show(op) + " was not recorded");
            accepted.push_back(op);
        } catch (const envguard::EnvError& e) {
            fuzz::require(!(name_ok && value_ok), show(op) + " with good input was refused: " + e.what());
            fuzz::require(overlay.size() == before, show(op) + " was refused but changed the overlay");
            fuzz::require(e.name() == op.name, show(op) + ": the error names another variable: " + e.what());
            fuzz::require(e.code() == (name_ok ? envguard::errc::invalid_value : envguard::errc::invalid_name),
                          show(op) + ": wrong error code: " + e.what());
        }
    }

    const Map original = raw::environment();
    const Map model = model_of(accepted, original);
    fuzz::require(map_of(overlay.render(envguard::EnvSnapshot::capture())) == model,
                  "render() differs from the model");
    fuzz::require(raw::environment() == original, "render() changed the process environment");

    {
        test::FaultPlatform faults(fail_at);
        try {
            const envguard::ScopedEnv guard = overlay.apply();
            faults.fail_from_now(0); // the restore must not be the one that fails
            fuzz::require(raw::environment() == model, "apply() left an environment that differs from the model");
        } catch (const envguard::EnvError& e) {
            fuzz::require(fail_at > 0 && e.code() == envguard::errc::os_error,
                          std::string("apply() threw without a failing write: ") + e.what());
            fuzz::require(raw::environment() == original, "a failed apply() did not roll back exactly");
        }
    }
    fuzz::require(raw::environment() == original, "the guard did not restore the original environment exactly");
    return 0;
}
