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

/* A memo of hashes, kept in the state directory, so that checking whether
 * the image is up to date (every start, at boot, and every kdumpctl
 * status) does not read the kernel and a dozen programs and libraries
 * again: a file whose device, inode, size, mtime and ctime are those it had
 * when hashed keeps its hash. Any write, a cp -p, a touch back to an old
 * mtime or dpkg's rename over it changes its ctime or its inode, which no
 * one can set back. A file changed within two seconds of its hashing is
 * not remembered (the kernel's clock for ctime is coarse: a write right
 * after the hash could leave the same stamps). */
typedef struct HashMemo HashMemo;

/* A missing or unreadable memo file is an empty memo. */
int hash_memo_load(const char *path, HashMemo **ret);
/* As file_sha256(), from the memo when the file is as it was; m may be NULL. */
int hash_memo_sha256(HashMemo *m, const char *path, char ret[FILE_HASH_HEX_LEN + 1]);
/* Writes the memo back (mode 0600) when a hash was added or changed: only
 * the files hashed since it was loaded, so that it does not grow with files
 * no longer asked about. */
int hash_memo_save(HashMemo *m);
HashMemo *hash_memo_free(HashMemo *m);
static inline void hash_memo_freep(HashMemo **m) {
        hash_memo_free(*m);
}
