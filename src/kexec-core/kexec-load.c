/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kexec-load.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "macro.h"

#ifndef KEXEC_FILE_UNLOAD
#define KEXEC_FILE_UNLOAD 0x00000001
#endif
#ifndef KEXEC_FILE_ON_CRASH
#define KEXEC_FILE_ON_CRASH 0x00000002
#endif
#ifndef KEXEC_FILE_NO_INITRAMFS
#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#endif

/* glibc has no wrapper for kexec_file_load(2). */
static int sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags) {
        unsigned long len = cmdline ? strlen(cmdline) + 1 : 0;
        if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, len, cmdline, flags) < 0)
                return negative_errno();
        return 0;
}

int kexec_crash_load(const char *kernel_path, const char *initrd_path, const char *cmdline) {
        _cleanup_close_ int kfd = -EBADF, ifd = -EBADF;
        unsigned long flags = KEXEC_FILE_ON_CRASH;

        assert_return(kernel_path && cmdline, -EINVAL);

        kfd = open(kernel_path, O_RDONLY | O_CLOEXEC);
        if (kfd < 0)
                return negative_errno();
        if (initrd_path) {
                ifd = open(initrd_path, O_RDONLY | O_CLOEXEC);
                if (ifd < 0)
                        return negative_errno();
        } else
                flags |= KEXEC_FILE_NO_INITRAMFS;

        /* Without an initramfs the kernel ignores the descriptor: -1, as
         * kexec_file_load(2) shows it, not our -EBADF placeholder. */
        return sys_kexec_file_load(kfd, ifd >= 0 ? ifd : -1, cmdline, flags);
}

int kexec_crash_unload(void) {
        /* Unloading through kexec_file_load is what lockdown/Secure Boot allow. */
        int r = sys_kexec_file_load(-1, -1, NULL, KEXEC_FILE_ON_CRASH | KEXEC_FILE_UNLOAD);
        if (r == -ENOENT)
                return 0;
        return r;
}

const char *kexec_load_error_explain(int error, const CrashRegion *region) {
        int e = error < 0 ? -error : error;

        if (region && region->size == 0)
                return "no memory is reserved for a crash kernel: add crashkernel= (for example crashkernel=256M) "
                       "to the kernel command line and reboot";
        switch (e) {
        case EPERM:
                if (region && region->lockdown && strcmp(region->lockdown, "none") != 0)
                        return "the kernel is in lockdown mode and refuses to load an unsigned capture kernel: "
                               "use a kernel signed with a key the running kernel trusts";
                return "the kernel refused the load (lockdown, or kexec disabled by sysctl kernel.kexec_load_disabled=1)";
        case EKEYREJECTED:
        case ENOKEY:
        case EKEYEXPIRED:
        case EBADMSG:
                return "the kernel rejected the capture kernel's signature: use a kernel signed with a trusted key "
                       "(Secure Boot or CONFIG_KEXEC_SIG_FORCE requires one)";
        case EADDRNOTAVAIL:
        case ENOMEM:
        case E2BIG:
                return "the crash region is too small for this kernel and initramfs: raise crashkernel= "
                       "and reboot, or make the initramfs smaller";
        case ENOEXEC:
                return "the kernel image has a format this kernel cannot kexec (wrong architecture or not a bzImage/Image)";
        case ENOSYS:
                return "this kernel was built without kexec_file_load support (CONFIG_KEXEC_FILE)";
        case EBUSY:
                return "a crash is being handled or another load is in progress; try again";
        case ENOENT:
                return "the kernel or initramfs file does not exist";
        default:
                return "the kernel refused to load the capture kernel";
        }
}
