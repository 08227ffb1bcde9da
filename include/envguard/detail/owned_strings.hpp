// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// The "NAME=VALUE" strings envguard itself places in environ in MemoryMode::reclaim (POSIX), and
// when each may be freed: only when no environ entry points to it any more AND no guard keeps it as
// an original to put back (its "holders"). Every function here runs under EnvLock.
//
// The registry is a plain array grown with realloc inside a trivially destructible object, so that
// it is never torn down at exit while a static guard may still need it; the strings it lists at
// exit are still reachable (through it and through environ), as glibc's own are.
#pragma once

#include "../config.hpp"
#include "platform.hpp"

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

// Only ScopedEnv uses these, and it needs exceptions (make_owned_entry throws std::bad_alloc).
#if ENVGUARD_HAS_EXCEPTIONS

ENVGUARD_NAMESPACE_BEGIN
namespace detail {

struct owned_string {
    char* text;
    std::size_t holders; // guards that keep TEXT as the original they will put back
};

struct owned_registry {
    owned_string* items = nullptr;
    std::size_t size = 0;
    std::size_t capacity = 0;
};

// The registry of the program (one object, however many translation units include this header).
ENVGUARD_DECL owned_registry& owned_strings() noexcept;

#if ENVGUARD_BODIES // the rest only where bodies are compiled (config.hpp)
ENVGUARD_DECL owned_registry& owned_strings() noexcept {
    static owned_registry registry; // constant-initialized, never destroyed
    return registry;
}

// A new string "NAME=VALUE", owned by envguard and listed (with no holders). Throws std::bad_alloc
// before anything is changed.
inline char* make_owned_entry(std::string_view name, std::string_view value) {
    owned_registry& registry = owned_strings();
    if (registry.size == registry.capacity) {
        const std::size_t capacity = registry.capacity == 0 ? 8 : registry.capacity * 2;
        void* grown = std::realloc(static_cast<void*>(registry.items), capacity * sizeof(owned_string));
        if (grown == nullptr) throw std::bad_alloc();
        registry.items = static_cast<owned_string*>(grown);
        registry.capacity = capacity;
    }
    auto* text = static_cast<char*>(std::malloc(name.size() + value.size() + 2));
    if (text == nullptr) throw std::bad_alloc();
    std::memcpy(text, name.data(), name.size());
    text[name.size()] = '=';
    if (!value.empty()) std::memcpy(text + name.size() + 1, value.data(), value.size());
    text[name.size() + 1 + value.size()] = '\0';
    registry.items[registry.size++] = owned_string{text, 0};
    return text;
}

inline owned_string* find_owned(const char* text) noexcept {
    owned_registry& registry = owned_strings();
    for (std::size_t i = 0; i < registry.size; ++i)
        if (registry.items[i].text == text) return &registry.items[i];
    return nullptr;
}

// A guard keeps TEXT (an environ entry it found) as the original it will put back.
inline void hold_entry(const char* text) noexcept {
    if (text == nullptr || owned_strings().size == 0) return;
    if (owned_string* owned = find_owned(text)) ++owned->holders;
}

inline void release_entry(const char* text) noexcept {
    if (text == nullptr || owned_strings().size == 0) return;
    if (owned_string* owned = find_owned(text)) --owned->holders;
}

// Frees every owned string that no guard holds and no environ entry points to.
inline void sweep_owned_entries() noexcept {
    owned_registry& registry = owned_strings();
    if (registry.size == 0) return;
#if ENVGUARD_WINDOWS
    return; // never filled on Windows (no put_entry)
#else
    char** entries = posix_environ();
    std::size_t kept = 0;
    for (std::size_t i = 0; i < registry.size; ++i) {
        const owned_string owned = registry.items[i];
        bool live = owned.holders > 0;
        for (char** entry = entries; !live && entry != nullptr && *entry != nullptr; ++entry)
            live = *entry == owned.text;
        if (live)
            registry.items[kept++] = owned;
        else
            std::free(owned.text);
    }
    registry.size = kept;
#endif
}

#endif // ENVGUARD_BODIES

} // namespace detail
ENVGUARD_NAMESPACE_END

#endif // ENVGUARD_HAS_EXCEPTIONS
