/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "target-check.h"

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block-device.h"
#include "config-check.h"
#include "image-paths.h"
#include "macro.h"
#include "strv.h"

typedef struct TargetCheck {
        int (*device)(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag);
        int (*server)(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag);
        const char *stack_directive; /* the line a problem with the device's stack is reported on */
        const char *port;            /* the server's, probed */
        bool flattened;              /* takes makedumpfile -F's stream */
} TargetCheck;

static const TargetCheck *check_of(DumpTargetType type);

/* The capture image finds disks and partitions, and activates LVM volumes
 * on them; other stacks need what it does not carry (cryptsetup and a
 * passphrase, multipathd, mdadm, thin tools). */
static int check_device_stack(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag) {
        const char *directive = check_of(t->type)->stack_directive;

        if (t->fs_error < 0) /* not found: reported by the device's check or when the image is built */
                return 0;
        if (t->stack_error < 0)
                CHECK_ADD(true, directive, "cannot tell what dump target device \"%s\" is built on (%s)", t->fs.device,
                          strerror(-t->stack_error));
        else if (t->stack.kind == BLOCK_STACK_UNSUPPORTED)
                CHECK_ADD(true, directive,
                          "dump target device \"%s\" (%s) is %s; the capture image supports disks, partitions, and "
                          "linear or striped LVM volumes on them",
                          t->fs.device, t->stack.name, t->stack.problem);
        return 0;
}

static int check_fs_device(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag) {
        if (t->found_error < 0) {
                CHECK_ADD(true, "target_kind", "dump target \"%s %s\" is not on this machine (%s)",
                          kdump_config_target_kind(c), kdump_config_target_location(c), strerror(-t->found_error));
                return 0;
        }

        /* Where the target is mounted now, path must already exist on it:
         * a typo there would otherwise only show when the dump is written
         * somewhere nobody looks. An unmounted target cannot be checked
         * without mounting it; the capture program creates path then. */
        const char *mountpoint = t->fs.mountpoint;
        if (mountpoint) {
                _cleanup_free_ char *where = NULL;
                struct stat st;
                if (asprintf(&where, "%s%s", strcmp(mountpoint, "/") == 0 ? "" : mountpoint, kdump_config_path(c)) < 0)
                        return -ENOMEM;
                if (stat(where, &st) < 0 || !S_ISDIR(st.st_mode))
                        CHECK_ADD(true, "path", "path \"%s\" does not exist on the dump target (mounted on %s); create \"%s\"",
                                  kdump_config_path(c), mountpoint, where);
        }
        return check_device_stack(c, t, diag);
}

static bool same_device(const char *a, const char *b) {
        struct stat sa, sb;
        return stat(a, &sa) >= 0 && stat(b, &sb) >= 0 && S_ISBLK(sa.st_mode) && sa.st_rdev == sb.st_rdev;
}

/* The capture kernel may give the disks other names than this one does:
 * the image finds the device by its identity, and writes to it only when
 * it has the size it has now. A device without an identity is named by
 * its node, and only its size tells another disk of that name from it. */
static int check_raw_identity(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag) {
        _cleanup_free_ char *again = NULL;
        const BlockIdentity *id = &t->raw_id;
        const char *loc = kdump_config_target_location(c);
        uint64_t want = kdump_config_raw_size(c);
        int r;

        if (t->raw_id_error < 0) {
                CHECK_ADD(true, "target_kind", "cannot read the size and identity of raw dump target \"%s\" (%s) in "
                          "sysfs (%s)", loc, t->fs.device, strerror(-t->raw_id_error));
                return 0;
        }
        if (want > 0 && want != id->size)
                CHECK_ADD(true, "raw_size", "raw_size %" PRIu64 " is not the size of raw dump target \"%s\" (%s), "
                          "%" PRIu64 " bytes: is it another disk?", want, loc, t->fs.device, id->size);
        if (!id->spec) {
                CHECK_ADD(false, "target_kind",
                          "raw dump target \"%s\" has no stable identity (no PARTUUID, WWN or serial): the capture "
                          "image names it by its node only, %s, which the capture kernel may give another disk, and "
                          "writes to it only if it has %" PRIu64 " bytes; name a device that has one",
                          loc, t->fs.device, id->size);
                return 0;
        }
        /* The capture looks the identity up as block_device_find() does:
         * it must find this device, and no other. */
        r = block_device_find(id->spec, &again);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || !same_device(again, t->fs.device))
                CHECK_ADD(true, "target_kind",
                          "the identity of raw dump target \"%s\" (%s), %s, does not name it alone (%s): the "
                          "capture could not tell it from another disk",
                          loc, t->fs.device, id->spec, r < 0 ? strerror(-r) : again);
        return 0;
}

/* A raw target is written from its first byte at crash time, so it must be
 * a block device that holds nothing libblkid recognises: a filesystem,
 * swap, a RAID or LVM member, a partition table are someone's data. */
static int check_raw_device(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag) {
        _cleanup_free_ char *type = NULL, *what = NULL;
        char * const *collector = kdump_config_core_collector_argv(c);
        const char *dev = t->found;
        struct stat st;
        int r;

        if (t->found_error < 0) {
                CHECK_ADD(true, "target_kind", "raw dump target \"%s\" is not on this machine (%s)",
                          kdump_config_target_location(c), strerror(-t->found_error));
                return 0;
        }
        if (stat(dev, &st) < 0 || !S_ISBLK(st.st_mode)) {
                CHECK_ADD(true, "target_kind", "raw dump target \"%s\" is not a block device", dev);
                return 0;
        }
        r = check_raw_identity(c, t, diag);
        if (r < 0)
                return r;
        r = block_device_probe_signature(dev, &type);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                CHECK_ADD(true, "target_kind", "cannot probe raw dump target \"%s\" for signatures (%s)", dev, strerror(-r));
        else if (r != BLOCK_SIGNATURE_NONE) {
                if (block_signature_describe(r, type, &what) < 0)
                        return -ENOMEM;
                CHECK_ADD(true, "target_kind",
                          "raw dump target \"%s\" carries %s; a raw target must be empty, it is never written over. Name "
                          "an empty device, or erase the signature with \"wipefs -a %s\" if its data may go",
                          dev, what, dev);
        }

        /* kdumpd restores what makedumpfile -F wrote, nothing else. */
        if (strcmp(collector[0], "makedumpfile") != 0)
                CHECK_ADD(false, "core_collector",
                          "kdumpd restores only makedumpfile's flattened stream from a raw target; what \"%s\" writes "
                          "to \"%s\" must be read off the device by hand",
                          collector[0], dev);
        return 0;
}

/* A TCP connection within a few seconds: a server that is down now may be
 * up when the machine crashes, so this is only a warning. */
static bool server_answers(const char *host, const char *port) {
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
        bool ok = false;

        if (getaddrinfo(host, port, &hints, &res) != 0)
                return false;
        for (struct addrinfo *a = res; a && !ok; a = a->ai_next) {
                _cleanup_close_ int fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
                if (fd < 0)
                        continue;
                if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
                        ok = true;
                else if (errno == EINPROGRESS) {
                        struct pollfd p = { .fd = fd, .events = POLLOUT };
                        int err = 0;
                        socklen_t l = sizeof(err);
                        ok = poll(&p, 1, 3000) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) == 0 && err == 0;
                }
        }
        freeaddrinfo(res);
        return ok;
}

static int check_server(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag) {
        const char *port = check_of(t->type)->port;

        if (t->found_error < 0) /* the parser refuses a location that names no host */
                return t->found_error;
        if (!server_answers(t->found, port))
                CHECK_ADD(false, "target_kind", "%s server \"%s\" does not answer now (port %s); the dump will only land "
                          "if it is up when the machine crashes", kdump_config_target_kind(c), t->found, port);
        return 0;
}

/* ssh's client goes into the image with its key, and trusts only the host
 * keys "kdumpctl propagate" recorded. */
static int check_ssh_server(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag) {
        _cleanup_free_ char *known = NULL;
        const char *key = kdump_config_sshkey(c);
        int r;

        if (t->found_error < 0)
                return t->found_error;
        if (access(key, R_OK) < 0)
                CHECK_ADD(true, "sshkey", "sshkey \"%s\" cannot be read (%s); run \"kdumpctl propagate\"", key,
                          strerror(errno));
        r = known_hosts_for(KDUMP_SSH_KNOWN_HOSTS, t->found, NULL, &known);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                CHECK_ADD(true, "target_kind", "no host key of ssh server \"%s\" is recorded in %s; run \"kdumpctl propagate\"",
                          t->found, KDUMP_SSH_KNOWN_HOSTS);
        if (!image_program_exists("dbclient") || !image_program_exists("dropbearconvert"))
                CHECK_ADD(true, "target_kind",
                          "the ssh target needs dbclient and dropbearconvert in the capture image; install "
                          "Debian's dropbear-bin");
        return check_server(c, t, diag);
}

static const TargetCheck target_checks[_DUMP_TARGET_MAX] = {
        [DUMP_TARGET_PATH] = { .device = check_device_stack, .stack_directive = "path" },
        [DUMP_TARGET_FS] = { .device = check_fs_device, .stack_directive = "target_kind" },
        [DUMP_TARGET_RAW] = { .device = check_raw_device, .flattened = true },
        [DUMP_TARGET_NFS] = { .server = check_server, .port = "2049" },
        [DUMP_TARGET_SSH] = { .server = check_ssh_server, .port = "22", .flattened = true },
};

static const TargetCheck *check_of(DumpTargetType type) {
        static const TargetCheck none = {};
        return type >= 0 && type < _DUMP_TARGET_MAX ? &target_checks[type] : &none;
}

int target_check_device(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag) {
        const TargetCheck *check = check_of(t->type);
        return check->device ? check->device(c, t, diag) : 0;
}

int target_check_server(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag) {
        const TargetCheck *check = check_of(t->type);
        return check->server ? check->server(c, t, diag) : 0;
}

bool target_takes_flattened(DumpTargetType type) {
        return check_of(type)->flattened;
}
