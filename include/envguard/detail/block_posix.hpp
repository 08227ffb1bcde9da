// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// EnvBlock on POSIX: the envp array of execve / posix_spawn, its strings in one buffer.
// Part of block.hpp's bodies: it compiles only where bodies are compiled (config.hpp) and only
// on POSIX; block.hpp includes it.
#pragma once

#include "../block.hpp"

#if ENVGUARD_HAS_EXCEPTIONS && ENVGUARD_BODIES && !ENVGUARD_WINDOWS
#    include <cstring>
#    include <string>
ENVGUARD_NAMESPACE_BEGIN

ENVGUARD_DECL EnvBlock::EnvBlock() { index(); }

ENVGUARD_DECL EnvBlock::EnvBlock(const EnvSnapshot& snapshot) {
    std::size_t bytes = 0;
    for (const auto& entry : snapshot) bytes += entry.first.size() + entry.second.size() + 2;
    std::vector<char>(bytes).swap(text_);
    char* out = text_.data();
    for (const auto& entry : snapshot) {
        if (!entry.first.empty()) std::memcpy(out, entry.first.data(), entry.first.size());
        out += entry.first.size();
        *out++ = '=';
        if (!entry.second.empty()) std::memcpy(out, entry.second.data(), entry.second.size());
        out += entry.second.size();
        *out++ = '\0';
    }
    count_ = snapshot.size();
    index();
}

ENVGUARD_DECL EnvBlock::EnvBlock(const EnvBlock& other) { *this = other; }

ENVGUARD_DECL EnvBlock& EnvBlock::operator=(const EnvBlock& other) {
    if (this != &other) {
        // Strong guarantee: what can throw (the two allocations) comes before any change. A new
        // buffer and memcpy rather than the vector's copy: the same work, without instantiating
        // std::vector<char>'s copy constructor and assignment in every file (issue #19).
        pointers_.reserve(other.count_ + 1);
        std::vector<char> text(other.text_.size());
        if (!text.empty()) std::memcpy(text.data(), other.text_.data(), text.size());
        text_.swap(text);
        count_ = other.count_;
        index(); // allocates nothing: the pointers' room is reserved
    }
    return *this;
}

ENVGUARD_DECL void EnvBlock::index() {
    pointers_.clear();
    pointers_.reserve(count_ + 1);
    char* cursor = text_.data();
    for (std::size_t i = 0; i < count_; ++i) {
        pointers_.push_back(cursor);
        cursor += std::char_traits<char>::length(cursor) + 1;
    }
    pointers_.push_back(nullptr);
}

ENVGUARD_NAMESPACE_END
#endif
