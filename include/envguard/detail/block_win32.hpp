// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// EnvBlock on Windows: the UTF-16 block of CreateProcessW, SystemRoot added when missing.
// Part of block.hpp's bodies: it compiles only where bodies are compiled (config.hpp) and only
// on Windows; block.hpp includes it.
#pragma once

#include "../block.hpp"

#if ENVGUARD_HAS_EXCEPTIONS && ENVGUARD_BODIES && ENVGUARD_WINDOWS
#    include "platform.hpp"
ENVGUARD_NAMESPACE_BEGIN

ENVGUARD_DECL EnvBlock::EnvBlock() : EnvBlock(EnvSnapshot{}) {}

ENVGUARD_DECL EnvBlock::EnvBlock(const EnvSnapshot& snapshot) {
    const EnvSnapshot* source = &snapshot;
    EnvSnapshot with_root;
    if (!snapshot.contains("SystemRoot")) {
        std::string root;
        if (detail::platform().read("SystemRoot", root)) {
            with_root = snapshot;
            with_root.set("SystemRoot", root);
            source = &with_root;
        }
    }
    for (const auto& entry : *source) {
        const std::wstring line = detail::to_wide(entry.first + "=" + entry.second);
        block_.insert(block_.end(), line.begin(), line.end());
        block_.push_back(L'\0');
    }
    if (source->empty()) block_.push_back(L'\0'); // an empty block is two NULs
    block_.push_back(L'\0');
    count_ = source->size();
}

ENVGUARD_NAMESPACE_END
#endif
