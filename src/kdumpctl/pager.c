/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pager.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "spawn.h"
#include "strv.h"

static int copy_to_stdout(int fd) {
        char buf[65536];

        for (;;) {
                ssize_t n = read(fd, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return 0;
                int r = loop_write(STDOUT_FILENO, buf, (size_t) n);
                if (r < 0)
                        return r;
        }
}

/* The pager's argv: the variable split as a shell would (no shell runs). */
static int pager_argv(char ***ret) {
        const char *p = getenv("KDUMPCTL_PAGER");

        if (!p)
                p = getenv("PAGER");
        if (p) {
                if (!*p || strcmp(p, "cat") == 0) {
                        *ret = NULL;
                        return 0;
                }
                return shell_split(p, ret);
        }
        *ret = NULL;
        return 1; /* none set: try less, then more */
}

int pager_show_file(const char *path, bool no_pager) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_strv_free_ char **argv = NULL;
        int r;

        assert_return(path, -EINVAL);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (no_pager || !isatty(STDOUT_FILENO))
                return copy_to_stdout(fd);
        r = pager_argv(&argv);
        if (r < 0)
                return r;
        if (r == 0 && !argv)
                return copy_to_stdout(fd);
        if (argv) {
                r = spawn_and_wait_io(argv, NULL, fd, -1);
                if (r != -ENOENT)
                        return r < 0 ? r : 0;
                /* Not found: the file as it is. */
                return lseek(fd, 0, SEEK_SET) < 0 ? -errno : copy_to_stdout(fd);
        }
        /* The pager's exit status is the user's business (q in less). */
        static char *const less[] = { (char *) "less", NULL }, *const more[] = { (char *) "more", NULL };
        static char *const env_less[] = { (char *) "LESS=FRSXMK", NULL };
        r = spawn_and_wait_io(less, getenv("LESS") ? NULL : env_less, fd, -1);
        if (r == -ENOENT) {
                if (lseek(fd, 0, SEEK_SET) < 0)
                        return -errno;
                r = spawn_and_wait_io(more, NULL, fd, -1);
        }
        if (r != -ENOENT)
                return r < 0 ? r : 0;
        return lseek(fd, 0, SEEK_SET) < 0 ? -errno : copy_to_stdout(fd);
}
