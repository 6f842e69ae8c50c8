/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "block-device.h"

#include <blkid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block-identity.h"
#include "deadline.h"
#include "macro.h"

static void blkid_free_probep(blkid_probe *p) {
        if (*p)
                blkid_free_probe(*p);
}

/* Reads one superblock value; -ENODATA when the device has none. */
int block_device_probe_value(const char *devnode, const char *name, char **ret) {
        _cleanup_(blkid_free_probep) blkid_probe pr = NULL;
        const char *v;
        int r;

        pr = blkid_new_probe_from_filename(devnode);
        if (!pr)
                return errno > 0 ? -errno : -EIO;
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL | BLKID_SUBLKS_TYPE);
        blkid_probe_enable_partitions(pr, 1);
        blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
        /* libblkid: 0 found, 1 nothing, -2 ambivalent, -1 error */
        r = blkid_do_safeprobe(pr);
        if (r == 1)
                return -ENODATA;
        if (r == -2)
                return -ENOTUNIQ;
        if (r < 0)
                return -EIO;
        if (blkid_probe_lookup_value(pr, name, &v, NULL) < 0)
                return -ENODATA;
        char *c = strdup(v);
        if (!c)
                return -ENOMEM;
        *ret = c;
        return 0;
}

const char *block_signature_to_string(BlockSignature s) {
        static const char *const names[_BLOCK_SIGNATURE_MAX] = {
                [BLOCK_SIGNATURE_NONE] = "no signature",
                [BLOCK_SIGNATURE_SUPERBLOCK] = "superblock",
                [BLOCK_SIGNATURE_PARTITION_TABLE] = "partition table",
                [BLOCK_SIGNATURE_SEVERAL] = "several signatures",
        };
        return s >= 0 && s < _BLOCK_SIGNATURE_MAX ? names[s] : NULL;
}

int block_signature_describe(BlockSignature s, const char *type, char **ret) {
        int r;

        assert_return(s > BLOCK_SIGNATURE_NONE && s < _BLOCK_SIGNATURE_MAX && ret, -EINVAL);
        if (s == BLOCK_SIGNATURE_SEVERAL)
                r = asprintf(ret, "several signatures");
        else
                r = asprintf(ret, "a %s of type \"%s\"", block_signature_to_string(s), type ? type : "unknown");
        return r < 0 ? -ENOMEM : 0;
}

int block_device_probe_signature(const char *devnode, char **ret_type) {
        _cleanup_(blkid_free_probep) blkid_probe pr = NULL;
        BlockSignature kind = BLOCK_SIGNATURE_SUPERBLOCK;
        const char *v = NULL;
        int r;

        assert_return(devnode && ret_type, -EINVAL);
        pr = blkid_new_probe_from_filename(devnode);
        if (!pr)
                return errno > 0 ? -errno : -EIO;
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
        /* Without entry details: a partition of a disk is not a signature
         * of its own, only a table inside it would be. */
        blkid_probe_enable_partitions(pr, 1);
        r = blkid_do_safeprobe(pr);
        if (r == 1) {
                *ret_type = NULL;
                return BLOCK_SIGNATURE_NONE;
        }
        if (r == -2) {
                *ret_type = NULL;
                return BLOCK_SIGNATURE_SEVERAL;
        }
        if (r < 0)
                return -EIO;
        if (blkid_probe_lookup_value(pr, "TYPE", &v, NULL) < 0) {
                kind = BLOCK_SIGNATURE_PARTITION_TABLE;
                if (blkid_probe_lookup_value(pr, "PTTYPE", &v, NULL) < 0)
                        v = "unknown";
        }
        char *c = strdup(v);
        if (!c)
                return -ENOMEM;
        *ret_type = c;
        return kind;
}

/* A disk by its WWN or serial, read in sysfs (no superblock tells them). */
static int devnode_of_identity(const char *spec, char **ret_devnode) {
        _cleanup_free_ char *name = NULL;
        int r = block_identity_find("/sys", spec, &name);

        if (r < 0)
                return r;
        /* The kernel writes '/' in a device's name as '!' in sysfs
         * ("cciss!c0d0" is /dev/cciss/c0d0). */
        for (char *c = name; *c; c++)
                if (*c == '!')
                        *c = '/';
        return asprintf(ret_devnode, "/dev/%s", name) < 0 ? -ENOMEM : 0;
}

int block_device_find(const char *spec, char **ret_devnode) {
        static const struct {
                const char *prefix;
                const char *tag;
        } tags[] = {
                { "UUID=", "UUID" },
                { "LABEL=", "LABEL" },
                { "PARTUUID=", "PART_ENTRY_UUID" },
                { "PARTLABEL=", "PART_ENTRY_NAME" },
        };
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *found = NULL;
        const char *tag = NULL, *want = NULL;
        char line[256];

        assert_return(spec && ret_devnode, -EINVAL);

        if (strncmp(spec, "/dev/", 5) == 0) {
                if (access(spec, F_OK) < 0)
                        return -ENODEV;
                char *c = strdup(spec);
                if (!c)
                        return -ENOMEM;
                *ret_devnode = c;
                return 0;
        }
        if (strncmp(spec, "WWN=", 4) == 0 || strncmp(spec, "SERIAL=", 7) == 0)
                return devnode_of_identity(spec, ret_devnode);
        for (size_t i = 0; i < ELEMENTSOF(tags); i++)
                if (strncmp(spec, tags[i].prefix, strlen(tags[i].prefix)) == 0) {
                        tag = tags[i].tag;
                        want = spec + strlen(tags[i].prefix);
                }
        if (!tag || !*want)
                return -EINVAL;

        f = fopen("/proc/partitions", "re");
        if (!f)
                return negative_errno();
        while (fgets(line, sizeof(line), f)) {
                char name[128], devnode[160];
                unsigned maj, min;
                unsigned long long blocks;
                _cleanup_free_ char *value = NULL;

                if (sscanf(line, " %u %u %llu %127s", &maj, &min, &blocks, name) != 4)
                        continue;
                snprintf(devnode, sizeof(devnode), "/dev/%s", name);
                if (block_device_probe_value(devnode, tag, &value) < 0)
                        continue;
                if (strcmp(value, want) != 0)
                        continue;
                if (found)
                        return -ENOTUNIQ;
                found = strdup(devnode);
                if (!found)
                        return -ENOMEM;
        }
        if (!found)
                return -ENODEV;
        *ret_devnode = TAKE_PTR(found);
        return 0;
}

int block_device_wait(const char *spec, uint64_t deadline_usec, char **ret_devnode) {
        for (;;) {
                int r = block_device_find(spec, ret_devnode);
                if (r >= 0 || (r != -ENODEV && r != -ENOENT) || now_usec() >= deadline_usec)
                        return r;
                usleep(100 * 1000);
        }
}
