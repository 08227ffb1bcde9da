// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// EnvBlock on POSIX: the envp array of execve / posix_spawn, its strings in one buffer.
// Part of block.hpp's bodies: it compiles only where bodies are compiled (config.hpp) and only
// on POSIX; block.hpp includes it.
#pragma once

#include "../block.hpp"

#if ENVGUARD_HAS_EXCEPTIONS && ENVGUARD_BODIES && !ENVGUARD_WINDOWS
#    include <cstddef>
#    include <cstring>
#    include <vector>
ENVGUARD_NAMESPACE_BEGIN

ENVGUARD_DECL EnvBlock::EnvBlock() : storage_(1) {} // one null pointer: an empty environment

ENVGUARD_DECL EnvBlock::EnvBlock(const EnvSnapshot& snapshot) {
    const std::size_t count = snapshot.size();
    std::size_t bytes = 0;
    for (const auto& entry : snapshot) bytes += entry.first.size() + entry.second.size() + 2;
    // count + 1 pointer slots, then enough slots for BYTES (block.hpp); all null to begin with.
    std::vector<char*> storage(count + 1 + (bytes + sizeof(char*) - 1) / sizeof(char*));
    // char may alias any object, so the slots after the envp array hold the strings' bytes.
    char* out = reinterpret_cast<char*>(storage.data() + count + 1);
    std::size_t slot = 0;
    for (const auto& entry : snapshot) {
        storage[slot++] = out;
        if (!entry.first.empty()) std::memcpy(out, entry.first.data(), entry.first.size());
        out += entry.first.size();
        *out++ = '=';
        if (!entry.second.empty()) std::memcpy(out, entry.second.data(), entry.second.size());
        out += entry.second.size();
        *out++ = '\0';
    }
    storage_.swap(storage);
    count_ = count;
}

ENVGUARD_DECL EnvBlock::EnvBlock(const EnvBlock& other) { *this = other; }

ENVGUARD_DECL EnvBlock& EnvBlock::operator=(const EnvBlock& other) {
    if (this != &other) {
        // Strong guarantee: the one allocation comes before any change. A new buffer and memcpy
        // rather than the vector's copy: the same work, without instantiating std::vector's copy
        // constructor and assignment in every file (issue #19). The copied pointers still point
        // into OTHER's buffer; each moves by the distance between the two buffers' strings.
        std::vector<char*> storage(other.storage_.size());
        if (!storage.empty()) {
            std::memcpy(storage.data(), other.storage_.data(), storage.size() * sizeof(char*));
            const char* from = reinterpret_cast<const char*>(other.storage_.data() + other.count_ + 1);
            char* to = reinterpret_cast<char*>(storage.data() + other.count_ + 1);
            for (std::size_t i = 0; i < other.count_; ++i) storage[i] = to + (other.storage_[i] - from);
        }
        storage_.swap(storage);
        count_ = other.count(); // 0 for a moved-from OTHER
    }
    return *this;
}

ENVGUARD_NAMESPACE_END
#endif
