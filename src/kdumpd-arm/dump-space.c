/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dump-space.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "crash-record.h"
#include "macro.h"
#include "strv.h"

/* "YYYY-MM-DD-HH:MM:SS", as dump_dir_create() writes it (strftime). */
static const char stamp_pattern[] = "0000-00-00-00:00:00";
#define STAMP_LEN (sizeof(stamp_pattern) - 1)

/* Where the stamp starts in a dump directory's name, or NULL when it is
 * not one: <host>-<stamp>, and <host>-<stamp>.N when that name was taken
 * (dump_dir_create() adds the suffix). */
static const char *dump_name_stamp(const char *name) {
        size_t len;
        const char *stamp;

        if (!name || name[0] == '.' || strchr(name, '/'))
                return NULL;
        len = strlen(name);
        /* an optional ".N" */
        const char *dot = strrchr(name, '.');
        if (dot && dot[1] && strspn(dot + 1, "0123456789") == strlen(dot + 1))
                len = (size_t) (dot - name);
        /* at least one character of host, then '-', then the stamp */
        if (len < STAMP_LEN + 2)
                return NULL;
        stamp = name + len - STAMP_LEN;
        if (stamp[-1] != '-')
                return NULL;
        for (size_t i = 0; i < STAMP_LEN; i++)
                if (stamp_pattern[i] == '0' ? !isdigit((unsigned char) stamp[i]) : stamp[i] != stamp_pattern[i])
                        return NULL;
        return stamp;
}

bool dump_dir_name_is_dump(const char *name) {
        return dump_name_stamp(name) != NULL;
}

/* Oldest first: by the stamp (it sorts as it reads), then by the suffix's
 * number, then by the whole name so that the order is total. */
static int dump_name_compare(const void *a, const void *b) {
        const char *x = *(char * const *) a, *y = *(char * const *) b;
        const char *sx = dump_name_stamp(x), *sy = dump_name_stamp(y);
        int c = strncmp(sx, sy, STAMP_LEN);
        if (c != 0)
                return c;
        long nx = sx[STAMP_LEN] == '.' ? strtol(sx + STAMP_LEN + 1, NULL, 10) : 0;
        long ny = sy[STAMP_LEN] == '.' ? strtol(sy + STAMP_LEN + 1, NULL, 10) : 0;
        if (nx != ny)
                return nx < ny ? -1 : 1;
        return strcmp(x, y);
}

static int dump_dirs_list_fd(int fd, char ***ret) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        DIR *d;
        struct dirent *de;
        int dup_fd, r = 0;

        if (!l)
                return -ENOMEM;
        /* closedir() closes the fd it was given; keep ours. */
        dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (dup_fd < 0)
                return negative_errno();
        d = fdopendir(dup_fd);
        if (!d) {
                r = negative_errno();
                close(dup_fd);
                return r;
        }
        rewinddir(d);
        while ((errno = 0, de = readdir(d))) {
                struct stat st;
                if (!dump_dir_name_is_dump(de->d_name))
                        continue;
                if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
                        continue;
                if (strv_extend(&l, de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
        }
        if (r == 0 && errno != 0)
                r = negative_errno();
        closedir(d);
        if (r < 0)
                return r;
        qsort(l, strv_length(l), sizeof(char *), dump_name_compare);
        *ret = TAKE_PTR(l);
        return 0;
}

int dump_dirs_list(const char *dir, char ***ret) {
        _cleanup_close_ int fd = -EBADF;

        assert_return(dir && ret, -EINVAL);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                if (errno != ENOENT)
                        return negative_errno();
                char **empty = calloc(1, sizeof(char *));
                if (!empty)
                        return -ENOMEM;
                *ret = empty;
                return 0;
        }
        return dump_dirs_list_fd(fd, ret);
}

/* rm -r of name under parent, on the filesystem dev only, following no
 * symlink (a symlink is removed itself, as a file). */
static int remove_tree_at(int parent, const char *name, dev_t dev, unsigned depth) {
        struct stat st;
        DIR *d;
        struct dirent *de;
        int fd, r = 0;

        if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return negative_errno();
        if (!S_ISDIR(st.st_mode))
                return unlinkat(parent, name, 0) < 0 ? negative_errno() : 0;
        if (st.st_dev != dev)
                return -EXDEV; /* something is mounted here: not ours to delete */
        if (depth > 64)
                return -ELOOP;
        fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        d = fdopendir(fd);
        if (!d) {
                r = negative_errno();
                close(fd);
                return r;
        }
        while ((errno = 0, de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                int q = remove_tree_at(dirfd(d), de->d_name, dev, depth + 1);
                if (q < 0 && r == 0)
                        r = q;
        }
        if (r == 0 && errno != 0)
                r = negative_errno();
        closedir(d);
        if (r < 0)
                return r;
        return unlinkat(parent, name, AT_REMOVEDIR) < 0 ? negative_errno() : 0;
}

int dump_dir_path(const char *base, const char *name, char **ret) {
        size_t len;

        assert_return(base && name && ret, -EINVAL);
        len = strlen(base);
        while (len > 1 && base[len - 1] == '/')
                len--;
        return asprintf(ret, "%.*s%s%s", (int) len, base, base[len - 1] == '/' ? "" : "/", name) < 0 ? -ENOMEM : 0;
}

/* The name of the record's dump directory when it is one directly under
 * dir that keep_dumps may delete: a local dump, reported, not deleted,
 * named as a dump, and still the directory the record was made for. */
static const char *prunable_name(const CrashRecord *r, const char *dir, int dir_fd) {
        _cleanup_free_ char *expect = NULL, *identity = NULL;
        const char *name;
        struct stat st;

        if (!crash_dump_is_local(r->dump) || !r->reported || r->deleted || !r->location)
                return NULL;
        name = strrchr(r->location, '/');
        if (!name || !dump_dir_name_is_dump(++name) || dump_dir_path(dir, name, &expect) < 0 ||
            strcmp(expect, r->location) != 0)
                return NULL;
        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
                return NULL;
        if (r->dir_identity && (crash_dir_identity(r->location, &identity) < 0 || !streq_ptr(identity, r->dir_identity)))
                return NULL;
        return name;
}

int dump_dirs_prune(const char *store, const char *dir, unsigned keep, char ***ret_removed) {
        _cleanup_strv_free_ char **removed = NULL;
        _cleanup_free_ size_t *which = NULL;
        _cleanup_close_ int fd = -EBADF;
        CrashRecord *records = NULL;
        size_t n = 0, count = 0;
        struct stat st;
        int r = 0;

        assert_return(store && dir, -EINVAL);
        if (keep == 0)
                goto done;
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT)
                        goto done;
                return negative_errno();
        }
        if (fstat(fd, &st) < 0)
                return negative_errno();
        r = crash_store_list(store, &records, &n, NULL);
        if (r < 0)
                return r;
        which = calloc(n ? n : 1, sizeof(*which));
        if (!which) {
                r = -ENOMEM;
                goto done;
        }
        /* Oldest first: the records are in the order they were made. */
        for (size_t i = 0; i < n; i++)
                if (prunable_name(&records[i], dir, fd))
                        which[count++] = i;
        for (size_t k = 0; count > keep && k < count - keep; k++) {
                CrashRecord *rec = &records[which[k]];
                const char *name = prunable_name(rec, dir, fd);
                int q = name ? remove_tree_at(fd, name, st.st_dev, 0) : -ENOENT;
                if (q >= 0) {
                        /* Gone: the record stays, for the crash's history. */
                        rec->deleted = true;
                        q = crash_store_update(store, rec);
                        if (strv_extend(&removed, name) < 0 && q >= 0)
                                q = -ENOMEM;
                }
                if (q < 0 && r == 0)
                        r = q;
        }
done:
        crash_records_free(records, n);
        if (ret_removed) {
                if (!removed && !(removed = calloc(1, sizeof(char *))))
                        return -ENOMEM;
                *ret_removed = TAKE_PTR(removed);
        }
        return r < 0 ? r : (int) strv_length(ret_removed ? *ret_removed : removed);
}

int dump_space_available(const char *path, uint64_t *ret) {
        _cleanup_free_ char *p = NULL;
        struct statvfs sv;

        assert_return(path && path[0] == '/' && ret, -EINVAL);
        p = strdup(path);
        if (!p)
                return -ENOMEM;
        /* The capture program creates the dump path when it is missing:
         * what counts is the filesystem it will be created on. */
        while (statvfs(p, &sv) < 0) {
                if (errno != ENOENT && errno != ENOTDIR)
                        return negative_errno();
                char *slash = strrchr(p, '/');
                if (slash == p && p[1] == 0)
                        return negative_errno();
                if (slash == p)
                        slash[1] = 0;
                else
                        *slash = 0;
        }
        *ret = (uint64_t) sv.f_bavail * (uint64_t) sv.f_frsize;
        return 0;
}
