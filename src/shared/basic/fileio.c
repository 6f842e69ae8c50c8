/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fileio.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"

int read_full_file(const char *path, char **ret, size_t *ret_size) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, alloc = 0;

        f = fopen(path, "re");
        if (!f)
                return negative_errno();

        for (;;) {
                if (alloc - size < 4096) {
                        if (alloc > 64 * 1024 * 1024)
                                return -EFBIG;
                        alloc = alloc ? alloc * 2 : 8192;
                        char *t = realloc(buf, alloc);
                        if (!t)
                                return -ENOMEM;
                        buf = t;
                }
                size_t k = fread(buf + size, 1, alloc - size - 1, f);
                size += k;
                if (k == 0) {
                        if (ferror(f))
                                return -EIO;
                        break;
                }
        }
        buf[size] = 0;
        if (ret_size)
                *ret_size = size;
        *ret = TAKE_PTR(buf);
        return 0;
}

int read_text_file(const char *path, char **ret) {
        _cleanup_free_ char *text = NULL;
        size_t size;
        int r = read_full_file(path, &text, &size);
        if (r < 0)
                return r;
        if (memchr(text, 0, size))
                return -EBADMSG;
        *ret = TAKE_PTR(text);
        return 0;
}

int read_one_line_file(const char *path, char **ret) {
        _cleanup_free_ char *buf = NULL;
        int r = read_full_file(path, &buf, NULL);
        if (r < 0)
                return r;
        buf[strcspn(buf, "\n")] = 0;
        *ret = TAKE_PTR(buf);
        return 0;
}

int tempfile_beside(const char *path, char **ret_template) {
        _cleanup_free_ char *d = strdup(path), *b = strdup(path);
        char *t;

        if (!d || !b)
                return -ENOMEM;
        if (asprintf(&t, "%s/.%s.XXXXXX", dirname(d), basename(b)) < 0)
                return -ENOMEM;
        *ret_template = t;
        return 0;
}

int fsync_parent_dir(const char *path) {
        _cleanup_free_ char *d = strdup(path);
        _cleanup_close_ int fd = -EBADF;

        if (!d)
                return -ENOMEM;
        fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (fsync(fd) < 0)
                return negative_errno();
        return 0;
}

/* Writes data to a temp file beside path, syncs it, and puts it in
 * path's place: over what is there (rename), or only where nothing is
 * (link, -EEXIST otherwise). */
static int write_file_via_temp(const char *path, const void *data, size_t size, mode_t mode, bool replace) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = tempfile_beside(path, &tmp);
        if (r < 0)
                return r;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        r = fchmod(fd, mode) < 0 ? negative_errno() : loop_write(fd, data, size);
        if (r >= 0 && fsync(fd) < 0)
                r = negative_errno();
        if (r >= 0 && (replace ? rename(tmp, path) : link(tmp, path)) < 0)
                r = negative_errno();
        if (r < 0 || !replace)
                (void) unlink(tmp);
        if (r < 0)
                return r;
        return fsync_parent_dir(path);
}

int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode) {
        return write_file_via_temp(path, data, size, mode, true);
}

int write_file_new(const char *path, const void *data, size_t size, mode_t mode) {
        return write_file_via_temp(path, data, size, mode, false);
}

bool is_executable_file(const char *path) {
        struct stat st;
        return stat(path, &st) >= 0 && S_ISREG(st.st_mode) && access(path, X_OK) >= 0;
}

int mkdir_p(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return -ENOMEM;

        for (char *s = p + 1;; s++) {
                if (*s != '/' && *s != 0)
                        continue;
                char saved = *s;
                *s = 0;
                if (mkdir(p, mode) < 0) {
                        struct stat st;
                        if (errno != EEXIST)
                                return negative_errno();
                        if (stat(p, &st) < 0)
                                return negative_errno();
                        if (!S_ISDIR(st.st_mode))
                                return -ENOTDIR;
                }
                *s = saved;
                if (!saved)
                        break;
        }
        return 0;
}

int loop_write(int fd, const void *buf, size_t size) {
        const char *p = buf;

        while (size > 0) {
                ssize_t n = write(fd, p, size);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                size -= (size_t) n;
        }
        return 0;
}

int path_resolve_links(const char *path, char **ret) {
        _cleanup_free_ char *head = NULL, *tail = strdup("");

        assert_return(path && path[0] == '/' && ret, -EINVAL);
        head = strdup(path);
        if (!head || !tail)
                return -ENOMEM;
        for (;;) {
                _cleanup_free_ char *real = realpath(head, NULL);
                if (real) {
                        /* "/" + "/crash" is "/crash"; "/" alone stays. */
                        bool root = strcmp(real, "/") == 0;
                        if (asprintf(ret, "%s%s", root && tail[0] ? "" : real, tail) < 0)
                                return -ENOMEM;
                        return 0;
                }
                if (errno != ENOENT)
                        return negative_errno();
                /* Move the last component from head to tail. */
                char *slash = strrchr(head, '/');
                char *t;
                if (asprintf(&t, "%s%s", slash, tail) < 0)
                        return -ENOMEM;
                free(tail);
                tail = t;
                if (slash == head)
                        slash[1] = '\0';
                else
                        *slash = '\0';
        }
}

int rm_rf_at(int parent, const char *name, unsigned max_depth) {
        struct stat st;
        int fd, r = 0;

        if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : negative_errno();
        if (!S_ISDIR(st.st_mode))
                return unlinkat(parent, name, 0) < 0 ? negative_errno() : 0;
        if (max_depth == 0)
                return -ELOOP;
        fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        DIR *d = fdopendir(fd);
        if (!d) {
                r = negative_errno();
                close(fd);
                return r;
        }
        for (struct dirent *de; (errno = 0, de = readdir(d));) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                int q = rm_rf_at(dirfd(d), de->d_name, max_depth - 1);
                if (q < 0 && r == 0)
                        r = q;
        }
        closedir(d);
        if (r < 0)
                return r;
        return unlinkat(parent, name, AT_REMOVEDIR) < 0 ? negative_errno() : 0;
}
