/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading whole files and replacing files atomically (temp + fsync + rename). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Reads the whole file into a NUL-terminated buffer. */
int read_full_file(const char *path, char **ret, size_t *ret_size);
/* Reads a whole text file; -EBADMSG when it holds a NUL byte, which would
 * silently cut it short for everything that reads it as a string. */
int read_text_file(const char *path, char **ret);

/* Reads the first line, without its newline. */
int read_one_line_file(const char *path, char **ret);

/* Writes data to a temporary file beside path, fsyncs it, renames it over
 * path and fsyncs the directory: readers see the old or the new content,
 * never a mix, even across a power cut. */
int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode);

/* The same for a file that must not exist yet: -EEXIST when path does,
 * which is left as it was. */
int write_file_new(const char *path, const void *data, size_t size, mode_t mode);

/* Makes the temp name used beside path by the atomic helpers ("dir/.name.XXXXXX"). */
int tempfile_beside(const char *path, char **ret_template);

/* fsync()s the directory that holds path. */
int fsync_parent_dir(const char *path);

/* write(2) until all of buf is written (EINTR retried). */
int loop_write(int fd, const void *buf, size_t size);

/* A regular file this process may execute (what execv() will run). */
bool is_executable_file(const char *path);

/* Like mkdir -p, with mode for every directory it creates. */
int mkdir_p(const char *path, mode_t mode);

/* path (absolute) with every symlink in it resolved: realpath() of the
 * longest part that exists, then the rest as written (what does not exist
 * yet holds no link). */
int path_resolve_links(const char *path, char **ret);

/* rm -r of name under the directory parent, following no symlink (a link
 * is removed itself), at most max_depth levels deep (-ELOOP beyond).
 * Missing is done. Returns the first error after trying the rest. */
int rm_rf_at(int parent, const char *name, unsigned max_depth);

