// A model test: seeded, reproducible random sequences of set, set-empty, unset, path edits, nested
// ScopedEnv and SnapshotGuard scopes, applied overlays and snapshot restores, run against the real
// environment and against a plain map that says what the environment must be. The two are compared
// after every step; at the end every scope is closed and the original must be back.
// A failing case prints its seed and step; ENVGUARD_MODEL_SEED=<n> replays one seed alone.
#include "../support/test_env.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using State = std::map<std::string, std::optional<std::string>>;

const std::vector<std::string> names{"ENVGUARD_M_A", "ENVGUARD_M_B", "ENVGUARD_M_C", "ENVGUARD_M_D",
                                     "ENVGUARD_M_PATH"};
const std::string sep(1, envguard::path_list_separator);
const std::vector<std::optional<std::string>> values{std::nullopt, std::string(), std::string("a"),
                                                     std::string("value with spaces"),
                                                     "/x" + sep + "/y", std::string("/d1")};
const std::vector<std::string> dirs{"/d1", "/d2", "/x"};

// The model of a path edit, written independently of the library: unset or empty becomes DIR alone,
// an entry already in the list leaves it as it is.
std::optional<std::string> edit_path(const std::optional<std::string>& current, const std::string& dir,
                                     bool prepend) {
    if (!current || current->empty()) return dir;
    std::size_t start = 0;
    while (start <= current->size()) {
        std::size_t end = current->find(sep[0], start);
        if (end == std::string::npos) end = current->size();
        if (current->substr(start, end - start) == dir) return current;
        start = end + 1;
    }
    return prepend ? dir + sep + *current : *current + sep + dir;
}

// One open scope: a ScopedEnv (remembers each name's state at its first touch) or a SnapshotGuard
// (remembers everything at its creation).
struct Frame {
    std::unique_ptr<envguard::ScopedEnv> guard;
    std::unique_ptr<envguard::SnapshotGuard> snapshot_guard;
    std::vector<std::string> touch_order;
    State originals; // ScopedEnv: state at first touch; SnapshotGuard: everything at creation
};

struct Run {
    std::mt19937 rng;
    State model;
    std::vector<Frame> frames;
    std::vector<std::pair<envguard::EnvSnapshot, State>> snapshots;

    explicit Run(unsigned seed) : rng(seed) {
        for (const auto& name : names) model[name] = std::nullopt;
    }
    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }
    const std::string& any_name() { return names[pick(names.size())]; }
    const std::optional<std::string>& any_value() { return values[pick(values.size())]; }

    void touch(Frame& frame, const std::string& name) {
        if (frame.originals.count(name)) return;
        frame.originals[name] = model[name];
        frame.touch_order.push_back(name);
    }

    void close_top() {
        Frame& frame = frames.back();
        if (frame.guard) {
            for (auto it = frame.touch_order.rbegin(); it != frame.touch_order.rend(); ++it)
                model[*it] = frame.originals[*it];
        } else {
            model = frame.originals;
        }
        frames.pop_back(); // destroys the guard: the real restore
    }

    void step() {
        switch (pick(9)) {
        case 0: { // a free function
            const auto& name = any_name();
            const auto& value = any_value();
            envguard::assign(name, value);
            model[name] = value;
            break;
        }
        case 1: { // open a ScopedEnv with one to three changes
            Frame frame;
            std::vector<envguard::EnvChange> changes;
            for (std::size_t i = 0, n = 1 + pick(3); i < n; ++i) changes.push_back({any_name(), any_value()});
            for (const auto& change : changes) touch(frame, change.name);
            frame.guard = std::make_unique<envguard::ScopedEnv>(changes);
            for (const auto& change : changes) model[change.name] = change.value;
            frames.push_back(std::move(frame));
            break;
        }
        case 2: { // one more change through the innermost ScopedEnv, if any
            for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
                if (!it->guard) continue;
                if (&*it != &frames.back()) break; // only the innermost scope, as code would
                const auto& name = any_name();
                const auto& value = any_value();
                touch(*it, name);
                it->guard->assign(name, value);
                model[name] = value;
                break;
            }
            break;
        }
        case 3: { // open a SnapshotGuard
            Frame frame;
            frame.originals = model;
            frame.snapshot_guard = std::make_unique<envguard::SnapshotGuard>();
            frames.push_back(std::move(frame));
            break;
        }
        case 4:
        case 5:
            if (!frames.empty()) close_top();
            break;
        case 6: { // an overlay applied in a scope of its own
            envguard::EnvOverlay overlay;
            State target = model;
            for (std::size_t i = 0, n = 1 + pick(4); i < n; ++i) {
                const auto& name = any_name();
                switch (pick(3)) {
                case 0: {
                    const auto& value = any_value();
                    overlay.assign(name, value);
                    target[name] = value;
                    break;
                }
                case 1: {
                    const auto& dir = dirs[pick(dirs.size())];
                    overlay.prepend_path(name, dir);
                    target[name] = edit_path(target[name], dir, true);
                    break;
                }
                default: {
                    const auto& dir = dirs[pick(dirs.size())];
                    overlay.append_path(name, dir);
                    target[name] = edit_path(target[name], dir, false);
                    break;
                }
                }
            }
            Frame frame;
            for (const auto& name : names)
                if (target[name] != model[name]) touch(frame, name);
            frame.guard = std::make_unique<envguard::ScopedEnv>(overlay.apply());
            model = target;
            frames.push_back(std::move(frame));
            break;
        }
        case 7: // take a snapshot
            snapshots.emplace_back(envguard::EnvSnapshot::capture(), model);
            break;
        case 8: // restore a snapshot taken earlier
            if (!snapshots.empty()) {
                const auto& [snapshot, state] = snapshots[pick(snapshots.size())];
                snapshot.restore();
                model = state;
            }
            break;
        }
    }

    bool matches() const {
        for (const auto& name : names)
            if (test::raw_get(name.c_str()) != model.at(name)) return false;
        return true;
    }
};

} // namespace

TEST_CASE("model: random sequences of every operation agree with a model after every step") {
    constexpr int steps_per_seed = 1000;
    std::vector<unsigned> seeds;
    if (const char* one = std::getenv("ENVGUARD_MODEL_SEED"))
        seeds.push_back(static_cast<unsigned>(std::strtoul(one, nullptr, 10)));
    else
        for (unsigned seed = 1; seed <= 10; ++seed) seeds.push_back(seed); // 10 x 1000 = 10,000 steps
    const auto original = test::raw_environment();
    envguard::SnapshotGuard cleanup; // whatever happens, the test leaves nothing behind
    for (const auto& name : names) test::raw_unset(name.c_str());
    int steps_run = 0;
    for (unsigned seed : seeds) {
        Run run(seed);
        for (int step = 0; step < steps_per_seed; ++step) {
            run.step();
            ++steps_run;
            if (!run.matches()) {
                FAIL("seed " << seed << ", step " << step << ": the environment differs from the model "
                             "(replay with ENVGUARD_MODEL_SEED=" << seed << ")");
            }
        }
        while (!run.frames.empty()) run.close_top();
        CHECK_MESSAGE(run.matches(), "seed " << seed << ": closing every scope did not restore the model");
        for (const auto& name : names) test::raw_unset(name.c_str());
    }
    CHECK(steps_run == static_cast<int>(seeds.size()) * steps_per_seed);
    std::printf("RELIABILITY: model cases=%d seeds=%d\n", steps_run, static_cast<int>(seeds.size()));
    cleanup.restore();
    CHECK(test::raw_environment() == original);
}
