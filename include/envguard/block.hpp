// envguard — RAII guards for process environment variables.
// SPDX-License-Identifier: MIT
//
// EnvBlock: an environment in the form a new process takes it. On POSIX that is the envp array of
// execve / posix_spawn: NAME=VALUE strings and a terminating null pointer; on Windows the UTF-16
// block of CreateProcessW. Building one reads and
// writes nothing of the parent's environment, so it is safe from any thread; pair it with
// EnvOverlay::render to start a child with a changed environment while the parent's stays as it is.
#pragma once

#include "config.hpp"
#include "detail/needs_exceptions.hpp"
#include "snapshot.hpp"

#include <cstddef>
#include <string>
#include <vector>

#if ENVGUARD_HAS_EXCEPTIONS // else: not available (detail/needs_exceptions.hpp)
ENVGUARD_NAMESPACE_BEGIN

#if ENVGUARD_WINDOWS
/// Windows: the environment block of CreateProcessW (with CREATE_UNICODE_ENVIRONMENT): UTF-16
/// "NAME=VALUE\0" entries sorted case-insensitively (the order Windows requires; the snapshot keeps
/// it), one entry per name whatever its case, ending in an extra "\0". Hidden per-drive entries
/// ("=C:=C:\\work") are kept. SystemRoot is added from this process when the snapshot lacks it:
/// without it many Windows programs, cmd.exe among them, fail in surprising ways.
class EnvBlock {
public:
    /// An empty environment (SystemRoot only, see above).
    EnvBlock();

    explicit EnvBlock(const EnvSnapshot& snapshot);

    /// The block for CreateProcessW's lpEnvironment (pass CREATE_UNICODE_ENVIRONMENT).
    const wchar_t* block() const noexcept { return block_.data(); }

    /// The number of NAME=VALUE entries; 0 once moved from (block() is then null).
    std::size_t count() const noexcept { return block_.empty() ? 0 : count_; }

private:
    std::vector<wchar_t> block_;
    std::size_t count_ = 0;
};
#else
/// A child's environment as `execve`/`posix_spawn` take it: a null-terminated array of
/// "NAME=VALUE" strings, owned by this object (built from an EnvSnapshot, typically a rendered one).
class EnvBlock {
public:
    /// An empty environment.
    EnvBlock();

    /// The entries of SNAPSHOT, in its (sorted) order. An empty value gives "NAME=" in the block,
    /// which a child reads as set-to-empty.
    explicit EnvBlock(const EnvSnapshot& snapshot);

    // Copies re-point the array at their own storage; moves keep the buffer and so the pointers.
    /// A copy with its own storage (its envp() points into the copy, not into OTHER).
    EnvBlock(const EnvBlock& other);
    /// Copies OTHER's entries; envp() then points into this object's own storage.
    EnvBlock& operator=(const EnvBlock& other);
    /// Takes OTHER's storage; pointers from OTHER's envp() stay valid and now belong to this one.
    /// OTHER is left with count() 0 and a null envp(): assign to it before passing it to a child.
    EnvBlock(EnvBlock&& other) noexcept = default;
    /// Takes OTHER's storage, as the move constructor does.
    EnvBlock& operator=(EnvBlock&& other) noexcept = default;
    ~EnvBlock() = default;

    /// The envp array for execve / posix_spawn: count() entries, then a null pointer. Valid while
    /// this block lives and is not assigned to.
    char* const* envp() const noexcept { return storage_.data(); }

    /// The number of NAME=VALUE entries (the null terminator not counted); 0 once moved from.
    std::size_t count() const noexcept { return storage_.size() == 0 ? 0 : count_; }

private:
    // One allocation: count_ + 1 pointer slots (the envp array, its last one null), then the
    // "NAME=VALUE\0" strings they point to. A vector (not a std::string): a moved vector keeps its
    // buffer, so the pointers stay valid. Of std::vector<char*> because the bulk writes of
    // snapshot.hpp already compile that type, so block.hpp adds no instantiation of its own (issue #19).
    std::vector<char*> storage_;
    // Left as it was by the defaulted moves, though the moved-from block has no storage: count()
    // checks the storage instead of the moves being written out, which would compile the vector's
    // moves into every file.
    std::size_t count_ = 0;
};
#endif

ENVGUARD_NAMESPACE_END

// The operating system's part: how each OS's block is built (each compiles only on its own platform).
#if ENVGUARD_BODIES
#    if ENVGUARD_WINDOWS
#        include "detail/block_win32.hpp"
#    else
#        include "detail/block_posix.hpp"
#    endif
#endif // ENVGUARD_BODIES
#endif // ENVGUARD_HAS_EXCEPTIONS
