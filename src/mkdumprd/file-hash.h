/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Content hashes for the build manifest: a package update that keeps a
 * file's size and restores its mtime, or a file copied over with cp -p,
 * still changes the hash. SHA-256 through libgcrypt, which libsystemd
 * loads into kdumpd anyway. */
#pragma once

#define FILE_HASH_HEX_LEN 64

/* Writes the file's SHA-256 as 64 hex digits and a NUL into ret.
 * Follows symlinks (the manifest is about what dracut copies). */
int file_sha256(const char *path, char ret[FILE_HASH_HEX_LEN + 1]);
