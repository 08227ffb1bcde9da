// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// EnvSnapshot's restore matcher: compares the process environment, entry by entry as the OS lists
// it, with a snapshot, and collects the changes (a detail::planned_change plan) that restore it.
// EnvSnapshot::plan_restore, which drives it, is defined here too. Part of snapshot.hpp's bodies: it
// compiles only where bodies are compiled (config.hpp), and snapshot.hpp includes it.
#pragma once

#include "../snapshot.hpp"

#if ENVGUARD_HAS_EXCEPTIONS && ENVGUARD_BODIES
#    include "names.hpp"
#    include "plan.hpp"
#    include "platform.hpp"
#    include <cstddef>
#    include <cstring>
#    include <optional>
#    include <string>
#    include <string_view>
#    include <utility>
#    include <vector>
ENVGUARD_NAMESPACE_BEGIN

class EnvSnapshot::restore_matcher {
public:
    explicit restore_matcher(const EnvSnapshot& target, std::vector<detail::planned_change>& plan)
        : target_(target), plan_(plan) {
        // Without a usable OS order every entry is looked up by name from the start.
        if (target_.os_order_.size() != target_.entries_.size()) start_tracking();
    }

    // The POSIX fast way: TEXT is an environ entry. Equal to the entry expected at this position
    // (the usual case) costs one comparison of its bytes; anything else is parsed and looked up.
    void visit_text(const char* text) {
        if (failed_) return;
        const auto& order = target_.os_order_;
        if (cursor_ < order.size() && order.size() == target_.entries_.size()) {
            const value_type& expected = target_.entries_[order[cursor_].index];
            if (is_entry(text, expected.first, expected.second)) {
                mark_seen(order[cursor_++].index);
                return;
            }
        }
        const char* equals = std::strchr(text, '=');
        if (equals == nullptr) return; // not NAME=VALUE: getenv cannot see it, capture skips it
        visit(std::string_view(text, static_cast<std::size_t>(equals - text)),
              std::string_view(equals + 1));
    }

    void visit(std::string_view name, std::string_view value) {
        if (failed_) return;
        const std::size_t index = locate(name);
        if (failed_) return;
        if (detail::is_hidden_name(name)) return; // never written nor unset: left as it is
        if (index == npos) { // only in the process: unset (a name seen before means a duplicate)
            for (const auto& change : plan_)
                if (detail::same_name(change.name, name)) return fail();
            add({std::string(name), std::string(value), std::nullopt});
            return;
        }
        const value_type& want = target_.entries_[index];
        if (want.second != value || want.first != name) add({want.first, std::string(value), want.second});
    }

    // Adds a set for every entry of the snapshot the environment lacks; false to give up.
    bool finish() {
        if (failed_) return false;
        if (!tracking_) {
            for (std::size_t i = cursor_; i < target_.os_order_.size(); ++i) add_missing(target_.os_order_[i].index);
        } else {
            for (std::size_t i = 0; i < seen_.size(); ++i)
                if (seen_[i] == 0) add_missing(i);
        }
        if (failed_) return false;
        // In name order, as changes_from gives them: an insertion sort (at most max_changes
        // entries, usually one or two), which costs every including file far less to compile
        // than std::sort's instantiation for planned_change.
        for (std::size_t i = 1; i < plan_.size(); ++i) {
            if (detail::compare_names(plan_[i - 1].name, plan_[i].name) <= 0) continue;
            detail::planned_change moving = std::move(plan_[i]);
            std::size_t j = i;
            for (; j > 0 && detail::compare_names(plan_[j - 1].name, moving.name) > 0; --j)
                plan_[j] = std::move(plan_[j - 1]);
            plan_[j] = std::move(moving);
        }
        return true;
    }

    // The first COUNT entries were those expected at their positions (before any tracking).
    void skip_matched(std::size_t count) noexcept { cursor_ = count; }

    static bool is_entry(const char* text, const std::string& name, const std::string& value) noexcept {
        // strncmp stops at TEXT's end, so nothing past it is read; names never contain '='.
        if (std::strncmp(text, name.data(), name.size()) != 0 || text[name.size()] != '=') return false;
        // (A snapshot's values never contain NUL: set() refuses it and a captured one cannot.)
        return std::strcmp(text + name.size() + 1, value.c_str()) == 0;
    }

private:
    static constexpr std::size_t max_changes = 64; // beyond: capture and merge, O(N log N)

    // The snapshot index of NAME, or npos. The entry expected at this position (or the one after
    // it, as after an unset) first, then a binary search; marks the entry seen.
    std::size_t locate(std::string_view name) {
        const auto& order = target_.os_order_;
        std::size_t index = npos;
        if (order.size() == target_.entries_.size()) {
            for (std::size_t step = 0; step < 2 && index == npos; ++step)
                if (cursor_ + step < order.size() &&
                    detail::same_name(target_.entries_[order[cursor_ + step].index].first, name)) {
                    index = order[cursor_ + step].index;
                    if (step != 0) start_tracking();
                    cursor_ += step + 1;
                }
        }
        if (index == npos) {
            start_tracking();
            const std::size_t at = target_.position_of(name);
            if (at == target_.entries_.size() || !detail::same_name(target_.entries_[at].first, name)) return npos;
            index = at;
        }
        mark_seen(index);
        return failed_ ? npos : index;
    }

    // Once tracking, an entry met twice is a name the environment holds twice.
    void mark_seen(std::size_t index) {
        if (!tracking_) return;
        if (seen_[index] != 0) return fail();
        seen_[index] = 1;
    }

    // From here on every entry met is recorded, so the missing ones can be found at the end.
    void start_tracking() {
        if (tracking_) return;
        tracking_ = true;
        seen_.assign(target_.entries_.size(), '\0');
        for (std::size_t i = 0; i < cursor_ && i < target_.os_order_.size(); ++i) seen_[target_.os_order_[i].index] = 1;
    }

    void add_missing(std::size_t index) {
        const value_type& want = target_.entries_[index];
        if (detail::is_hidden_name(want.first)) return; // never written: see is_hidden_name
        add({want.first, std::nullopt, want.second});
    }

    void add(detail::planned_change change) {
        if (failed_) return;
        if (plan_.size() >= max_changes) return fail();
        plan_.push_back(std::move(change));
    }

    void fail() {
        failed_ = true;
        plan_.clear();
    }

    const EnvSnapshot& target_;
    std::vector<detail::planned_change>& plan_;
    std::size_t cursor_ = 0;  // position in target_.os_order_
    bool tracking_ = false;   // seen_ in use
    bool failed_ = false;
    std::string seen_;        // by snapshot index (0 or 1), once tracking; a std::string, whose
                              // members the standard library compiles once, not in every file
};

ENVGUARD_DECL bool EnvSnapshot::plan_restore(std::vector<detail::planned_change>& plan) const {
    restore_matcher matcher(*this, plan);
#if !ENVGUARD_WINDOWS
    if (detail::platform().list == &detail::posix_list) {
        char** entry = detail::posix_environ();
        if (entry != nullptr) {
            // The usual case, as tight as it gets: each entry equal to the one expected there.
            if (os_order_.size() == entries_.size()) {
                const char* text = os_text_.data();
                const os_slot* order = os_order_.data();
                const std::size_t count = os_order_.size();
                std::size_t at = 0;
                std::size_t start = 0;
                for (; *entry != nullptr && at < count; ++entry, ++at) {
                    if (std::strcmp(*entry, text + start) != 0) break;
                    start = order[at].end;
                }
                matcher.skip_matched(at);
            }
            for (; *entry != nullptr; ++entry) matcher.visit_text(*entry);
        }
        return matcher.finish();
    }
#endif
    detail::platform().list(&matcher, [](void* context, std::string_view name, std::string_view value) {
        static_cast<restore_matcher*>(context)->visit(name, value);
    });
    return matcher.finish();
}

ENVGUARD_NAMESPACE_END
#endif // ENVGUARD_HAS_EXCEPTIONS && ENVGUARD_BODIES
