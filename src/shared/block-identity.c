/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "block-identity.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "block-device.h"
#include "fileio.h"
#include "macro.h"

/* Where a disk keeps each kind of identity: the block device itself
 * (NVMe namespaces: wwid; virtio-blk: serial), else the device under it
 * (SCSI: device/wwid; NVMe: device/serial, the controller's). */
static const struct {
        const char *prefix;
        const char *attrs[2];
} kinds[] = {
        { "WWN=", { "wwid", "device/wwid" } },
        { "SERIAL=", { "serial", "device/serial" } },
};

void block_identity_done(BlockIdentity *id) {
        free(id->spec);
        *id = (BlockIdentity) {};
}

int block_device_kernel_name(const char *sysfs, const char *devnode, char **ret) {
        _cleanup_free_ char *link = NULL, *target = NULL;
        struct stat st;

        assert_return(sysfs && devnode && ret, -EINVAL);
        if (stat(devnode, &st) < 0)
                return negative_errno();
        if (!S_ISBLK(st.st_mode))
                return -ENOTBLK;
        if (asprintf(&link, "%s/dev/block/%u:%u", sysfs, major(st.st_rdev), minor(st.st_rdev)) < 0)
                return -ENOMEM;
        target = realpath(link, NULL);
        if (!target)
                return negative_errno();
        char *name = strdup(strrchr(target, '/') + 1);
        if (!name)
                return -ENOMEM;
        *ret = name;
        return 0;
}

/* <sysfs>/class/block/<name>/<attr>'s first line without the blanks around
 * it (SCSI pads serials); NULL in *ret when there is none, or nothing in
 * it. */
static int attr_read(const char *sysfs, const char *name, const char *attr, char **ret) {
        _cleanup_free_ char *p = NULL, *v = NULL;
        int r;

        if (asprintf(&p, "%s/class/block/%s/%s", sysfs, name, attr) < 0)
                return -ENOMEM;
        r = read_one_line_file(p, &v);
        if (r == -ENOMEM)
                return r;
        *ret = NULL;
        if (r < 0)
                return 0;
        size_t start = strspn(v, " \t"), n = strlen(v);
        while (n > start && isspace((unsigned char) v[n - 1]))
                n--;
        if (n == start)
                return 0;
        *ret = strndup(v + start, n - start);
        return *ret ? 0 : -ENOMEM;
}

static bool attr_exists(const char *sysfs, const char *name, const char *attr) {
        _cleanup_free_ char *p = NULL;
        return asprintf(&p, "%s/class/block/%s/%s", sysfs, name, attr) >= 0 && access(p, F_OK) == 0;
}

static bool value_is_word(const char *v) {
        for (const char *c = v; *c; c++)
                if (*c == '"' || !isprint((unsigned char) *c))
                        return false;
        return true;
}

/* What the device name has of kind k: its first attribute that has a
 * value. A value kdump.conf could not carry as a word of its own (a
 * double quote, a control character) is none. */
static int kind_value(const char *sysfs, const char *name, size_t k, char **ret) {
        for (size_t i = 0; i < ELEMENTSOF(kinds[k].attrs); i++) {
                _cleanup_free_ char *v = NULL;
                int r = attr_read(sysfs, name, kinds[k].attrs[i], &v);
                if (r < 0)
                        return r;
                if (!v)
                        continue;
                *ret = value_is_word(v) ? TAKE_PTR(v) : NULL;
                return 0;
        }
        *ret = NULL;
        return 0;
}

/* Whole disks only: a partition has no identity of this kind of its own,
 * and a hidden device (the paths under an NVMe multipath head) is not one
 * to write to. */
static bool is_candidate_disk(const char *sysfs, const char *name) {
        _cleanup_free_ char *hidden = NULL;
        if (attr_exists(sysfs, name, "partition"))
                return false;
        return !(attr_read(sysfs, name, "hidden", &hidden) >= 0 && streq_ptr(hidden, "1"));
}

static int find_kind(const char *sysfs, size_t k, const char *want, char **ret_name) {
        _cleanup_free_ char *dir = NULL, *found = NULL;
        struct dirent *de;
        DIR *d;
        int r = 0;

        if (asprintf(&dir, "%s/class/block", sysfs) < 0)
                return -ENOMEM;
        d = opendir(dir);
        if (!d)
                return negative_errno();
        while (r == 0 && (de = readdir(d))) {
                _cleanup_free_ char *v = NULL;
                if (de->d_name[0] == '.' || !is_candidate_disk(sysfs, de->d_name))
                        continue;
                r = kind_value(sysfs, de->d_name, k, &v);
                if (r < 0 || !v || strcmp(v, want) != 0)
                        continue;
                if (found)
                        r = -ENOTUNIQ;
                else if (!(found = strdup(de->d_name)))
                        r = -ENOMEM;
        }
        closedir(d);
        if (r < 0)
                return r;
        if (!found)
                return -ENODEV;
        *ret_name = TAKE_PTR(found);
        return 0;
}

int block_identity_find(const char *sysfs, const char *spec, char **ret_name) {
        assert_return(sysfs && spec && ret_name, -EINVAL);
        for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
                size_t n = strlen(kinds[k].prefix);
                if (strncmp(spec, kinds[k].prefix, n) == 0)
                        return spec[n] ? find_kind(sysfs, k, spec + n, ret_name) : -EINVAL;
        }
        return -EINVAL;
}

int block_identity_from_sysfs(const char *sysfs, const char *name, const char *partuuid, BlockIdentity *ret) {
        _cleanup_free_ char *sectors = NULL, *spec = NULL;
        unsigned long long n;
        char *end;
        int r;

        assert_return(sysfs && name && ret, -EINVAL);
        r = attr_read(sysfs, name, "size", &sectors);
        if (r < 0)
                return r;
        if (!sectors)
                return -ENODEV;
        errno = 0;
        n = strtoull(sectors, &end, 10);
        if (errno || *end || end == sectors || n > UINT64_MAX / 512)
                return -EIO;

        if (attr_exists(sysfs, name, "partition")) {
                if (partuuid && asprintf(&spec, "PARTUUID=%s", partuuid) < 0)
                        return -ENOMEM;
        } else
                for (size_t k = 0; k < ELEMENTSOF(kinds) && !spec; k++) {
                        _cleanup_free_ char *v = NULL, *candidate = NULL, *found = NULL;
                        r = kind_value(sysfs, name, k, &v);
                        if (r < 0)
                                return r;
                        if (!v)
                                continue;
                        if (asprintf(&candidate, "%s%s", kinds[k].prefix, v) < 0)
                                return -ENOMEM;
                        /* The capture looks it up the same way: it must
                         * come back to this disk alone. */
                        r = block_identity_find(sysfs, candidate, &found);
                        if (r == -ENOMEM)
                                return r;
                        if (r >= 0 && strcmp(found, name) == 0)
                                spec = TAKE_PTR(candidate);
                }
        *ret = (BlockIdentity) { .spec = TAKE_PTR(spec), .size = (uint64_t) n * 512 };
        return 0;
}

int block_identity_of_node(const char *devnode, BlockIdentity *ret) {
        _cleanup_free_ char *name = NULL, *partuuid = NULL;
        int r;

        assert_return(devnode && ret, -EINVAL);
        r = block_device_kernel_name("/sys", devnode, &name);
        if (r < 0)
                return r;
        if (attr_exists("/sys", name, "partition")) {
                r = block_device_probe_value(devnode, "PART_ENTRY_UUID", &partuuid);
                if (r == -ENOMEM)
                        return r;
        }
        return block_identity_from_sysfs("/sys", name, partuuid, ret);
}

int block_device_size(int fd, uint64_t *ret) {
        struct stat st;
        uint64_t size;

        assert_return(fd >= 0 && ret, -EINVAL);
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (S_ISREG(st.st_mode))
                size = (uint64_t) st.st_size;
        else if (!S_ISBLK(st.st_mode))
                return -ENOTBLK;
        else if (ioctl(fd, BLKGETSIZE64, &size) < 0)
                return negative_errno();
        *ret = size;
        return 0;
}
