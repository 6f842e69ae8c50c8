/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a dump target is built on, from a fake sysfs tree laid out like the
 * kernel's (class/block/NAME links into devices/…, partitions inside their
 * disk, dm/ and md/ directories, slaves/): plain disks and partitions, LVM
 * volumes and the stacks mkdumprd refuses; LVM's dm names; and the plan
 * that tells the capture program which logical volume to activate. */
#include <unistd.h>

#include "block-stack.h"
#include "fileio.h"
#include "lvm-activate.h"
#include "tests.h"

/* "LVM-", the VG's UUID and the LV's, as LVM names its dm devices. */
#define LVM_UUID "LVM-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0nOp3rSt6vWx9zAb2dEf5hIj8l"

/* The machine the tests look at: disks vda (partitions vda1, vda2), vdb
 * (vdb1), vdc, vdd; an LVM volume on vdb; a striped one on vdb1 and vdc; a
 * LUKS volume on vda2 with LVM on it; a multipath device and a partition
 * of it; an MD array on vdc and vdd with a partition and LVM on it; a thin
 * volume; a snapshot; a hand-made dm device; a loop device. */
static const char *fake_sysfs(void) {
        const char *root = test_tmpdir();
        const char *virtio = "pci0000:00/0000:00:04.0/virtio1/block";

        test_fake_block_dev(root, virtio, "vda", NULL);
        test_fake_block_dev(root, "pci0000:00/0000:00:04.0/virtio1/block/vda", "vda1", STRV_MAKE("partition=1"));
        test_fake_block_dev(root, "pci0000:00/0000:00:04.0/virtio1/block/vda", "vda2", STRV_MAKE("partition=2"));
        test_fake_block_dev(root, virtio, "vdb", NULL);
        test_fake_block_dev(root, "pci0000:00/0000:00:04.0/virtio1/block/vdb", "vdb1", STRV_MAKE("partition=1"));
        test_fake_block_dev(root, virtio, "vdc", NULL);
        test_fake_block_dev(root, virtio, "vdd", NULL);
        test_fake_block_dev(root, "virtual/block", "dm-0",
                 STRV_MAKE("dm/name=kdump--vg-crash--lv", "dm/uuid=" LVM_UUID, "slaves/vdb="));
        test_fake_block_dev(root, "virtual/block", "dm-1",
                 STRV_MAKE("dm/name=vg0-striped", "dm/uuid=" LVM_UUID, "slaves/vdc=", "slaves/vdb1="));
        test_fake_block_dev(root, "virtual/block", "dm-2",
                 STRV_MAKE("dm/name=luks-0e1f", "dm/uuid=CRYPT-LUKS2-0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b-luks-0e1f",
                           "slaves/vda2="));
        test_fake_block_dev(root, "virtual/block", "dm-3", STRV_MAKE("dm/name=secure-data", "dm/uuid=" LVM_UUID, "slaves/dm-2="));
        test_fake_block_dev(root, "virtual/block", "dm-4",
                 STRV_MAKE("dm/name=mpatha", "dm/uuid=mpath-3600a098038303053453f463045727a41", "slaves/vdc=",
                           "slaves/vdd="));
        test_fake_block_dev(root, "virtual/block", "dm-5",
                 STRV_MAKE("dm/name=mpatha1", "dm/uuid=part1-mpath-3600a098038303053453f463045727a41", "slaves/dm-4="));
        test_fake_block_dev(root, "virtual/block", "md0", STRV_MAKE("md/", "md/level=raid1", "slaves/vdc=", "slaves/vdd="));
        test_fake_block_dev(root, "virtual/block/md0", "md0p1", STRV_MAKE("partition=1"));
        test_fake_block_dev(root, "virtual/block", "dm-6", STRV_MAKE("dm/name=raidvg-home", "dm/uuid=" LVM_UUID, "slaves/md0="));
        test_fake_block_dev(root, "virtual/block", "dm-7", STRV_MAKE("dm/name=vg0-pool-tpool", "dm/uuid=" LVM_UUID "-tpool"));
        test_fake_block_dev(root, "virtual/block", "dm-8", STRV_MAKE("dm/name=vg0-thin", "dm/uuid=" LVM_UUID, "slaves/dm-7="));
        test_fake_block_dev(root, "virtual/block", "dm-9", STRV_MAKE("dm/name=scratch", "dm/uuid=", "slaves/vdd="));
        test_fake_block_dev(root, "virtual/block", "dm-10", STRV_MAKE("dm/name=vg0-empty", "dm/uuid=" LVM_UUID));
        test_fake_block_dev(root, "virtual/block", "loop0", STRV_MAKE("loop/", "loop/backing_file=/srv/disk.img"));
        return root;
}

static BlockStack inspect(const char *root, const char *name) {
        BlockStack s = {};
        test_set_context("%s", name);
        ASSERT_OK(block_stack_inspect(root, name, &s));
        ASSERT_STREQ(s.name, name);
        return s;
}

TEST(plain_disks_and_partitions) {
        const char *root = fake_sysfs();
        for (const char *const *n = (const char *const[]) { "vda", "vda1", "vdb1", "vdc", NULL }; *n; n++) {
                _cleanup_(block_stack_done) BlockStack s = inspect(root, *n);
                ASSERT_EQ(s.kind, BLOCK_STACK_PLAIN);
                ASSERT_NULL(s.problem);
                ASSERT_NULL(s.vg);
                ASSERT_NULL(s.disks);
        }
}

TEST(lvm_volume_on_a_disk) {
        _cleanup_(block_stack_done) BlockStack s = inspect(fake_sysfs(), "dm-0");
        ASSERT_EQ(s.kind, BLOCK_STACK_LVM);
        ASSERT_STREQ(s.vg, "kdump-vg");
        ASSERT_STREQ(s.lv, "crash-lv");
        ASSERT_STRV_EQ(s.disks, STRV_MAKE("vdb"));
        ASSERT_NULL(s.problem);
}

TEST(lvm_volume_on_two_disks) {
        _cleanup_(block_stack_done) BlockStack s = inspect(fake_sysfs(), "dm-1");
        ASSERT_EQ(s.kind, BLOCK_STACK_LVM);
        ASSERT_STREQ(s.vg, "vg0");
        ASSERT_STREQ(s.lv, "striped");
        ASSERT_STRV_EQ(s.disks, STRV_MAKE("vdb1", "vdc"));
}

TEST(refused_stacks) {
        static const struct {
                const char *name, *problem;
        } t[] = {
                { "dm-2", "a dm-crypt volume (\"luks-0e1f\")" },
                { "dm-3", "LVM volume \"secure/data\" on a dm-crypt volume (\"luks-0e1f\")" },
                { "dm-4", "a multipath device (\"mpatha\")" },
                { "dm-5", "a partition of a multipath device (\"mpatha1\")" },
                { "md0", "an MD RAID array (\"md0\")" },
                { "md0p1", "an MD RAID array (\"md0\")" },
                { "dm-6", "LVM volume \"raidvg/home\" on an MD RAID array (\"md0\")" },
                { "dm-7", "an internal layer of an LVM volume (\"vg0-pool-tpool\")" },
                { "dm-8", "LVM volume \"vg0/thin\", a thin, cache, RAID, mirror or snapshot volume" },
                { "dm-9", "a device-mapper device (\"scratch\", dm UUID \"\")" },
                { "dm-10", "LVM volume \"vg0/empty\", which has no physical volume under it" },
                { "loop0", "a loop device (\"loop0\")" },
        };
        const char *root = fake_sysfs();
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_(block_stack_done) BlockStack s = inspect(root, t[i].name);
                ASSERT_EQ(s.kind, BLOCK_STACK_UNSUPPORTED);
                ASSERT_CONTAINS(s.problem, t[i].problem);
        }
}

TEST(no_such_device) {
        BlockStack s = {};
        _cleanup_free_ char *empty = test_path(test_tmpdir(), "empty");
        ASSERT_ERROR(block_stack_inspect(fake_sysfs(), "sdz", &s), ENODEV);
        ASSERT_ERROR(block_stack_inspect(empty, "vda", &s), ENODEV);
}

TEST(dm_name_split_lvm) {
        static const struct {
                const char *name, *vg, *lv;
        } good[] = {
                { "vg-lv", "vg", "lv" },
                { "my--vg-my--lv", "my-vg", "my-lv" },
                { "kdump--vg-crash", "kdump-vg", "crash" },
                { "a---b", "a-", "b" },
                { "vg0-lv--", "vg0", "lv-" },
                { "rhel_host-root", "rhel_host", "root" },
        };
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                _cleanup_free_ char *vg = NULL, *lv = NULL;
                test_set_context("%s", good[i].name);
                ASSERT_OK(dm_name_split_lvm(good[i].name, &vg, &lv));
                ASSERT_STREQ(vg, good[i].vg);
                ASSERT_STREQ(lv, good[i].lv);
        }
        /* No single '-', an empty part, or a layer after the LV. */
        static const char *const bad[] = { "vglv", "my--vg", "-lv", "vg-", "", "vg0-pool-tpool", "vg-lv-real" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *vg = NULL, *lv = NULL;
                test_set_context("%s", bad[i]);
                ASSERT_ERROR(dm_name_split_lvm(bad[i], &vg, &lv), EINVAL);
                ASSERT_NULL(vg);
                ASSERT_NULL(lv);
        }
}

/* mkdumprd writes the plan, the capture program reads it. */
TEST(lvm_plan_round_trip) {
        _cleanup_free_ char *text = NULL;
        _cleanup_(lvm_plan_done) LvmPlan p = {};

        ASSERT_OK(lvm_plan_format("kdump-vg", "crash-lv", STRV_MAKE("Q9nI2x-aaaa-bbbb", "Zr7Kp1-cccc-dddd"), &text));
        ASSERT_STREQ(text, "vg kdump-vg\nlv crash-lv\npv Q9nI2x-aaaa-bbbb\npv Zr7Kp1-cccc-dddd\n");
        ASSERT_OK(lvm_plan_parse(text, &p));
        ASSERT_STREQ(p.vg, "kdump-vg");
        ASSERT_STREQ(p.lv, "crash-lv");
        ASSERT_STRV_EQ(p.pvs, STRV_MAKE("Q9nI2x-aaaa-bbbb", "Zr7Kp1-cccc-dddd"));

        _cleanup_(lvm_plan_done) LvmPlan q = {};
        ASSERT_OK(lvm_plan_parse("# no PVs recorded\nlv root\nvg vg0\n", &q));
        ASSERT_STREQ(q.vg, "vg0");
        ASSERT_STREQ(q.lv, "root");
        ASSERT_NULL(q.pvs);

        char *none = NULL;
        ASSERT_ERROR(lvm_plan_format("two words", "lv", NULL, &none), EINVAL);
        ASSERT_ERROR(lvm_plan_format("", "lv", NULL, &none), EINVAL);
        ASSERT_ERROR(lvm_plan_format("vg", "", NULL, &none), EINVAL);
        ASSERT_ERROR(lvm_plan_format("vg", NULL, NULL, &none), EINVAL);
}

TEST(lvm_plan_refuses_what_it_cannot_use) {
        static const char *const bad[] = {
                "",                          /* no vg */
                "lv b\npv abc\n",            /* no vg */
                "vg a\npv abc\n",            /* no lv */
                "vg a\nvg b\nlv c\n",        /* twice */
                "vg a\nlv b\nlv c\n",        /* twice */
                "vg\nlv b\n",                /* no value */
                "vg \nlv b\n",               /* empty value */
                "vg a b\nlv c\n",            /* two values */
                "vg a\nlv b\nsize 1G\n",     /* unknown key */
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                LvmPlan p = {};
                test_set_context("plan %zu", i);
                ASSERT_ERROR(lvm_plan_parse(bad[i], &p), EBADMSG);
                ASSERT_NULL(p.vg);
        }
}
