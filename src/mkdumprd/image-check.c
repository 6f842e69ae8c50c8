/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "image-check.h"

#include <errno.h>
#include <string.h>

#include "image-paths.h"
#include "initramfs-inspect.h"
#include "log.h"
#include "macro.h"

int image_check(const char *image, const char *kver, const char *collector, const char *final) {
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};
        const char *name = basename(collector); /* GNU's: the part after the last '/' */
        int r;

        r = initramfs_inspect(image, &info);
        if (r == -EOPNOTSUPP) { /* dracut_args chose lz4, bzip2, …: the kernel may read it, this check cannot */
                log_warning("The capture initramfs for %s is compressed in a way kdumpd cannot read back: whether it "
                            "holds /init and the core collector is not checked.", kver);
                return 0;
        }
        if (r < 0)
                return log_error_errno(r == -ENOMEM ? r : -ENOEXEC,
                                       "error: the capture initramfs dracut built (\"%s\") cannot be read back (%s); "
                                       "the previous one is kept.", image, strerror(-r));
        if (!initramfs_entry_is_executable(initramfs_info_resolve(&info, "init")))
                return log_error_errno(-ENOEXEC, "error: the capture initramfs dracut built for %s has no executable "
                                       "/init (the capture program, %s): dracut's kdump module did not install "
                                       "it (see dracut's messages above); the previous one is kept.",
                                       kver, CAPTURE_PROGRAM_PATH);
        /* A collector named by its path is installed at that path. */
        bool has_collector = strchr(collector, '/') ?
                initramfs_entry_is_executable(initramfs_info_resolve(&info, collector + strspn(collector, "/"))) :
                initramfs_info_find_program(&info, name) != NULL;
        if (!has_collector)
                return log_error_errno(-ENOEXEC, "error: the capture initramfs dracut built for %s has no core "
                                       "collector \"%s\" in /usr/bin, /usr/sbin, /bin or /sbin; the previous one "
                                       "is kept. Is it installed on this machine?", kver, name);
        log_info("Capture initramfs for %s built: %.1f MiB packed, %.1f MiB unpacked, %zu entries; it replaces "
                 "\"%s\" once it is loaded.", kver, info.packed_size / 1048576.0, info.unpacked_size / 1048576.0,
                 info.n_entries, final);
        return 0;
}
