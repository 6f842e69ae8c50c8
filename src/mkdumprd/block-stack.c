/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "block-stack.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "strv.h"

/* "LVM-" and two 32-character UUIDs (VG, LV); LVM's internal layers
 * ("-tpool", "-real", "-cow", …) add a suffix. */
#define LVM_DM_UUID_LEN (4 + 32 + 32)

void block_stack_done(BlockStack *s) {
        free(s->name);
        free(s->vg);
        free(s->lv);
        strv_free(s->disks);
        free(s->problem);
        *s = (BlockStack) {};
}

/* One part of an LVM dm name up to its first single '-', "--" read as '-'. */
static const char *dm_name_part(const char *s, char **ret) {
        size_t n = 0;
        char *out = malloc(strlen(s) + 1);

        if (!out)
                return NULL;
        while (*s && !(s[0] == '-' && s[1] != '-')) {
                out[n++] = *s;
                s += s[0] == '-' ? 2 : 1; /* "--" is one '-' */
        }
        out[n] = 0;
        *ret = out;
        return s;
}

int dm_name_split_lvm(const char *dm_name, char **ret_vg, char **ret_lv) {
        _cleanup_free_ char *vg = NULL, *lv = NULL;
        const char *rest;

        assert_return(dm_name && ret_vg && ret_lv, -EINVAL);
        rest = dm_name_part(dm_name, &vg);
        if (!rest)
                return -ENOMEM;
        if (*rest != '-' || !*vg)
                return -EINVAL;
        rest = dm_name_part(rest + 1, &lv);
        if (!rest)
                return -ENOMEM;
        /* Anything after a second single '-' is a layer of an LV
         * ("vg-pool-tpool"), not an LV an admin names. */
        if (*rest || !*lv)
                return -EINVAL;
        *ret_vg = TAKE_PTR(vg);
        *ret_lv = TAKE_PTR(lv);
        return 0;
}

static int sys_path(const char *sysfs, const char *name, const char *attr, char **ret) {
        if (asprintf(ret, "%s/class/block/%s%s%s", sysfs, name, attr ? "/" : "", strempty(attr)) < 0)
                return -ENOMEM;
        return 0;
}

static bool sys_exists(const char *sysfs, const char *name, const char *attr) {
        _cleanup_free_ char *p = NULL;
        return sys_path(sysfs, name, attr, &p) >= 0 && access(p, F_OK) == 0;
}

/* An attribute's first line; NULL in *ret when it cannot be read. */
static int sys_read(const char *sysfs, const char *name, const char *attr, char **ret) {
        _cleanup_free_ char *p = NULL;
        int r;

        if (sys_path(sysfs, name, attr, &p) < 0)
                return -ENOMEM;
        r = read_one_line_file(p, ret);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                *ret = NULL;
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

/* The entries of <name>/slaves, sorted; an empty list when there are none. */
static int sys_slaves(const char *sysfs, const char *name, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *p = NULL;
        struct dirent *de;
        DIR *d;

        if (sys_path(sysfs, name, "slaves", &p) < 0)
                return -ENOMEM;
        d = opendir(p);
        if (d) {
                while ((de = readdir(d)))
                        if (de->d_name[0] != '.' && strv_extend(&l, de->d_name) < 0) {
                                closedir(d);
                                return -ENOMEM;
                        }
                closedir(d);
        }
        if (!l && !(l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        qsort(l, strv_length(l), sizeof(char *), cmp_str);
        *ret = TAKE_PTR(l);
        return 0;
}

/* The whole disk name is on: itself, or for a partition the device one
 * directory up in /sys/devices. -ENODEV when there is no such device. */
static int whole_disk(const char *sysfs, const char *name, char **ret) {
        _cleanup_free_ char *p = NULL, *real = NULL;

        if (sys_path(sysfs, name, NULL, &p) < 0)
                return -ENOMEM;
        real = realpath(p, NULL);
        if (!real)
                return errno == ENOENT || errno == ENOTDIR ? -ENODEV : negative_errno();
        if (sys_exists(sysfs, name, "partition")) {
                char *slash = strrchr(real, '/');
                *slash = 0;
                slash = strrchr(real, '/');
                if (!slash)
                        return -ENODEV;
                name = slash + 1;
        }
        char *w = strdup(name);
        if (!w)
                return -ENOMEM;
        *ret = w;
        return 0;
}

/* What a whole disk is when it is stacked on something, as the end of
 * "… is ": NULL in *ret for a plain disk. LVM volumes are described
 * here only as what another device is built on. */
static int describe_stacked(const char *sysfs, const char *whole, char **ret) {
        _cleanup_free_ char *uuid = NULL, *dm_name = NULL;
        _cleanup_strv_free_ char **slaves = NULL;
        int r;

        *ret = NULL;
        if (sys_exists(sysfs, whole, "dm")) {
                if (sys_read(sysfs, whole, "dm/uuid", &uuid) < 0 || sys_read(sysfs, whole, "dm/name", &dm_name) < 0)
                        return -ENOMEM;
                const char *u = strempty(uuid), *n = dm_name ? dm_name : whole;
                unsigned part;
                int len = 0;
                if (strncmp(u, "CRYPT-", 6) == 0)
                        r = asprintf(ret, "a dm-crypt volume (\"%s\"), which the capture image cannot unlock", n);
                else if (strncmp(u, "mpath-", 6) == 0)
                        r = asprintf(ret, "a multipath device (\"%s\")", n);
                else if (sscanf(u, "part%u-mpath-%n", &part, &len) >= 1 && len > 0)
                        r = asprintf(ret, "a partition of a multipath device (\"%s\")", n);
                else if (strncmp(u, "LVM-", 4) == 0)
                        r = asprintf(ret, "an LVM volume (\"%s\")", n);
                else
                        r = asprintf(ret, "a device-mapper device (\"%s\", dm UUID \"%s\")", n, u);
                return r < 0 ? -ENOMEM : 0;
        }
        if (sys_exists(sysfs, whole, "md"))
                return asprintf(ret, "an MD RAID array (\"%s\")", whole) < 0 ? -ENOMEM : 0;
        if (sys_exists(sysfs, whole, "loop"))
                return asprintf(ret, "a loop device (\"%s\")", whole) < 0 ? -ENOMEM : 0;
        r = sys_slaves(sysfs, whole, &slaves);
        if (r < 0)
                return r;
        if (slaves[0]) {
                _cleanup_free_ char *list = strv_join(slaves, ", ");
                if (!list || asprintf(ret, "\"%s\", stacked on %s", whole, list) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* An LVM volume: on plain disks it is supported, anything else is told. */
static int inspect_lvm(const char *sysfs, const char *whole, const char *uuid, BlockStack *s) {
        _cleanup_free_ char *dm_name = NULL;
        _cleanup_strv_free_ char **slaves = NULL;
        int r;

        if (sys_read(sysfs, whole, "dm/name", &dm_name) < 0)
                return -ENOMEM;
        if (!dm_name || strlen(uuid) != LVM_DM_UUID_LEN || dm_name_split_lvm(dm_name, &s->vg, &s->lv) < 0) {
                s->kind = BLOCK_STACK_UNSUPPORTED;
                return asprintf(&s->problem, "an internal layer of an LVM volume (\"%s\")", strempty(dm_name)) < 0 ? -ENOMEM
                                                                                                                    : 0;
        }
        r = sys_slaves(sysfs, whole, &slaves);
        if (r < 0)
                return r;
        if (!slaves[0]) {
                s->kind = BLOCK_STACK_UNSUPPORTED;
                return asprintf(&s->problem, "LVM volume \"%s/%s\", which has no physical volume under it", s->vg, s->lv) < 0
                               ? -ENOMEM
                               : 0;
        }
        for (char **sl = slaves; *sl; sl++) {
                _cleanup_free_ char *w = NULL, *what = NULL, *slave_uuid = NULL;
                r = whole_disk(sysfs, *sl, &w);
                if (r < 0)
                        return r;
                if (sys_read(sysfs, w, "dm/uuid", &slave_uuid) < 0)
                        return -ENOMEM;
                s->kind = BLOCK_STACK_UNSUPPORTED; /* unless every PV is a plain disk */
                /* An LV built from other LVs is a thin, cache, RAID, mirror
                 * or snapshot volume: each needs its own target modules and
                 * tools (thin_check, …) the capture image does not have. */
                if (slave_uuid && strncmp(slave_uuid, "LVM-", 4) == 0)
                        return asprintf(&s->problem,
                                        "LVM volume \"%s/%s\", a thin, cache, RAID, mirror or snapshot volume or a "
                                        "snapshot's origin (built from other LVM volumes)",
                                        s->vg, s->lv) < 0
                                       ? -ENOMEM
                                       : 0;
                r = describe_stacked(sysfs, w, &what);
                if (r < 0)
                        return r;
                if (what)
                        return asprintf(&s->problem, "LVM volume \"%s/%s\" on %s", s->vg, s->lv, what) < 0 ? -ENOMEM : 0;
                if (strv_extend(&s->disks, *sl) < 0)
                        return -ENOMEM;
        }
        s->kind = BLOCK_STACK_LVM;
        return 0;
}

int block_stack_inspect(const char *sysfs, const char *name, BlockStack *ret) {
        _cleanup_(block_stack_done) BlockStack s = {};
        _cleanup_free_ char *whole = NULL, *uuid = NULL;
        int r;

        assert_return(sysfs && name && ret, -EINVAL);
        r = whole_disk(sysfs, name, &whole);
        if (r < 0)
                return r;
        s.name = strdup(name);
        if (!s.name)
                return -ENOMEM;
        if (sys_read(sysfs, whole, "dm/uuid", &uuid) < 0)
                return -ENOMEM;
        if (uuid && strncmp(uuid, "LVM-", 4) == 0 && strcmp(whole, name) == 0)
                r = inspect_lvm(sysfs, whole, uuid, &s);
        else {
                r = describe_stacked(sysfs, whole, &s.problem);
                s.kind = s.problem ? BLOCK_STACK_UNSUPPORTED : BLOCK_STACK_PLAIN;
        }
        if (r < 0)
                return r;
        *ret = s;
        s = (BlockStack) {};
        return 0;
}

int lvm_plan_format(const char *vg, const char *lv, char * const *pv_uuids, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        assert_return(vg && *vg && !strpbrk(vg, " \t\n") && lv && *lv && !strpbrk(lv, " \t\n") && ret, -EINVAL);
        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        fprintf(f, "vg %s\nlv %s\n", vg, lv);
        for (char * const *p = pv_uuids; p && *p; p++)
                fprintf(f, "pv %s\n", *p);
        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}
