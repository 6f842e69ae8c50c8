/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The room dumps take on a local filesystem: which directories under the
 * dump path are dumps, deleting the oldest of them (keep_dumps), and how
 * much space is left (min_free_mb). Returns -errno, never logs: kdumpd
 * decides what to say. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Whether name is a dump directory's name as the capture program makes
 * it: <host>-YYYY-MM-DD-HH:MM:SS. */
bool dump_dir_name_is_dump(const char *name);

/* The names of the dump directories directly under dir (no symlinks),
 * sorted by the time in their names. A missing dir has none. */
int dump_dirs_list(const char *dir, char ***ret);

/* base/name, without a doubled '/'. */
int dump_dir_path(const char *base, const char *name, char **ret);

/* keep_dumps: deletes the oldest dump directories directly under dir, with
 * all they hold, so that keep of them remain (keep 0: deletes nothing).
 * Only directories that have a crash record in store, reported and not
 * deleted, count and go, oldest first by their records (the order this
 * machine learned of them), never by the time in their names, which a
 * capture kernel without a clock makes 1970: the newest always stays, and
 * a dump that was not reported yet is never deleted. Their records stay,
 * marked deleted. Never follows a symlink nor leaves dir's filesystem.
 * ret_removed (may be NULL) gets the names deleted, also on failure;
 * returns how many, or the first error (after trying the others). */
int dump_dirs_prune(const char *store, const char *dir, unsigned keep, char ***ret_removed);

/* Bytes an unprivileged user could still write (statvfs f_bavail, as df
 * shows) on the filesystem that holds path, or holds its nearest existing
 * parent when path does not exist yet. */
int dump_space_available(const char *path, uint64_t *ret);
