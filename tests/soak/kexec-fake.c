/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A fake kexec_file_load(2) for the soak test: LD_PRELOADed into kdumpd
 * (and so into kdumpd-arm), it takes syscall(SYS_kexec_file_load, …) and
 * does what the kernel's crash side would, in files under
 * $KEXEC_FAKE_ROOT instead of memory:
 *
 *   sys/kernel/kexec_crash_loaded   "1" while a capture kernel is loaded
 *                                   (crash-region.c reads it)
 *   kexec/initrd                    a copy of the loaded initramfs, as the
 *                                   kernel keeps its own copy
 *   kexec/cmdline, kexec/kernel     the command line; the kernel's path
 *   kexec/events                    one line per call: "load PID SIZE KERNEL
 *                                   INITRD", "unload PID", "refused PID WHY",
 *                                   and "freed PID" before a refusal that
 *                                   left nothing loaded
 *
 * As the kernel does, a load frees what was loaded first; here the copy is
 * replaced by rename(2), so a reader sees the old image or the new one.
 * A command line that holds $KEXEC_FAKE_REFUSE is refused with ENOMEM
 * after what was loaded is freed, as a crash region too small for the new
 * image is (kernel/kexec_file.c frees the loaded crash image before it
 * reads the new one): the caller has to load the previous one again.
 * Every other system call goes to libc. Built by run-soak.sh with the
 * system compiler and no sanitizer: it is also loaded into dracut's fake
 * (bash, cpio). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FLAG_UNLOAD 0x1UL
#define FLAG_ON_CRASH 0x2UL
#define FLAG_NO_INITRAMFS 0x4UL

static int path_at(char *buf, size_t size, const char *name) {
        const char *root = getenv("KEXEC_FAKE_ROOT");
        if (!root || snprintf(buf, size, "%s/%s", root, name) >= (int) size)
                return -1;
        return 0;
}

static int write_string(const char *name, const char *text) {
        char path[PATH_MAX], tmp[PATH_MAX + 8];
        if (path_at(path, sizeof(path), name) < 0)
                return -1;
        snprintf(tmp, sizeof(tmp), "%s.%d", path, getpid());
        FILE *f = fopen(tmp, "we");
        if (!f)
                return -1;
        fputs(text, f);
        if (fclose(f) != 0 || rename(tmp, path) < 0)
                return -1;
        return 0;
}

static void event(const char *fmt, ...) {
        char path[PATH_MAX];
        va_list ap;
        if (path_at(path, sizeof(path), "kexec/events") < 0)
                return;
        FILE *f = fopen(path, "ae");
        if (!f)
                return;
        va_start(ap, fmt);
        vfprintf(f, fmt, ap);
        va_end(ap);
        fputc('\n', f);
        fclose(f);
}

static int copy_fd(int fd, const char *name, size_t *ret_size) {
        char path[PATH_MAX], tmp[PATH_MAX + 8], buf[65536];
        size_t total = 0;
        ssize_t n;
        if (path_at(path, sizeof(path), name) < 0)
                return -1;
        snprintf(tmp, sizeof(tmp), "%s.%d", path, getpid());
        int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (out < 0)
                return -1;
        while ((n = pread(fd, buf, sizeof(buf), (off_t) total)) > 0) {
                if (write(out, buf, (size_t) n) != n) {
                        close(out);
                        return -1;
                }
                total += (size_t) n;
        }
        if (close(out) < 0 || n < 0 || rename(tmp, path) < 0)
                return -1;
        *ret_size = total;
        return 0;
}

static void fd_path(int fd, char *buf, size_t size) {
        char link[64];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, buf, size - 1);
        buf[n < 0 ? 0 : n] = 0;
}

static long refuse(int error, const char *why) {
        event("refused %d %s", getpid(), why);
        errno = error;
        return -1;
}

static long fake_kexec_file_load(int kernel_fd, int initrd_fd, unsigned long cmdline_len, const char *cmdline,
                                 unsigned long flags) {
        char kernel[PATH_MAX], initrd[PATH_MAX], path[PATH_MAX];
        size_t size = 0;

        if (!(flags & FLAG_ON_CRASH))
                return refuse(EPERM, "not a crash kernel");
        /* One call at a time, as the kernel's kexec_mutex makes it. */
        if (path_at(path, sizeof(path), "kexec/lock") < 0)
                return refuse(ENOSYS, "KEXEC_FAKE_ROOT is not set");
        int lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (lock < 0 || flock(lock, LOCK_EX) < 0)
                return refuse(EBUSY, "no lock");

        long r = 0;
        if (flags & FLAG_UNLOAD) {
                if (write_string("sys/kernel/kexec_crash_loaded", "0\n") < 0 ||
                    (path_at(path, sizeof(path), "kexec/initrd") == 0 && unlink(path) < 0 && errno != ENOENT))
                        r = refuse(EIO, "unload failed");
                else
                        event("unload %d", getpid());
                close(lock);
                return r;
        }
        /* The kernel's checks (kernel/kexec_file.c): a command line comes
         * with its NUL; the descriptors are files it can read. */
        if (cmdline_len == 0 || !cmdline || strnlen(cmdline, cmdline_len) != cmdline_len - 1)
                r = refuse(EINVAL, "command line without its NUL");
        else if (fcntl(kernel_fd, F_GETFD) < 0 || (!(flags & FLAG_NO_INITRAMFS) && fcntl(initrd_fd, F_GETFD) < 0))
                r = refuse(EBADF, "bad descriptor");
        else if (getenv("KEXEC_FAKE_REFUSE") && *getenv("KEXEC_FAKE_REFUSE") &&
                 strstr(cmdline, getenv("KEXEC_FAKE_REFUSE"))) {
                event("freed %d", getpid());
                if (write_string("sys/kernel/kexec_crash_loaded", "0\n") < 0 ||
                    (path_at(path, sizeof(path), "kexec/initrd") == 0 && unlink(path) < 0 && errno != ENOENT))
                        r = refuse(EIO, "cannot free");
                else
                        r = refuse(ENOMEM, "as asked (KEXEC_FAKE_REFUSE)");
        } else {
                fd_path(kernel_fd, kernel, sizeof(kernel));
                initrd[0] = 0;
                if (!(flags & FLAG_NO_INITRAMFS))
                        fd_path(initrd_fd, initrd, sizeof(initrd));
                if ((!(flags & FLAG_NO_INITRAMFS) && copy_fd(initrd_fd, "kexec/initrd", &size) < 0) ||
                    write_string("kexec/cmdline", cmdline) < 0 || write_string("kexec/kernel", kernel) < 0 ||
                    write_string("sys/kernel/kexec_crash_loaded", "1\n") < 0)
                        r = refuse(EIO, "cannot record the load");
                else
                        event("load %d %zu %s %s", getpid(), size, kernel, initrd[0] ? initrd : "-");
        }
        close(lock);
        return r;
}

long syscall(long number, ...) {
        static long (*real)(long, ...);
        long a[6];
        va_list ap;

        /* glibc's syscall() reads six arguments whatever the call: so do we. */
        va_start(ap, number);
        for (int i = 0; i < 6; i++)
                a[i] = va_arg(ap, long);
        va_end(ap);
        if (number == SYS_kexec_file_load)
                return fake_kexec_file_load((int) a[0], (int) a[1], (unsigned long) a[2], (const char *) a[3],
                                            (unsigned long) a[4]);
        if (!real)
                real = (long (*)(long, ...)) dlsym(RTLD_NEXT, "syscall");
        return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
