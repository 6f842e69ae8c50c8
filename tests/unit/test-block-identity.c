/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A block device's stable identity (src/shared/block-identity.c) from a
 * fake sysfs tree: what mkdumprd bakes for a raw target (PARTUUID, WWN,
 * serial, or nothing, and the size), and how the capture finds a disk by
 * it again (one disk, never a partition or a hidden path). */
#include <fcntl.h>
#include <unistd.h>

#include "block-identity.h"
#include "tests.h"

#define GIB_SECTORS "1048576" /* 512 MiB in 512-byte sectors */
#define GIB_BYTES (UINT64_C(1048576) * 512)

/* virtio disks (serial on the disk), SCSI disks (wwid on the device under
 * it, padded), NVMe namespaces (wwid on the namespace, serial on the
 * controller, shared by its namespaces) and the hidden path under an NVMe
 * multipath head, which has its head's wwid. */
static const char *fake_sysfs(void) {
        const char *root = test_tmpdir();
        const char *virtio = "pci0000:00/0000:00:04.0/virtio1/block";

        test_fake_block_dev(root, virtio, "vda", STRV_MAKE("size=8388608", "serial=root-disk"));
        test_fake_block_dev(root, "pci0000:00/0000:00:04.0/virtio1/block/vda", "vda1",
                            STRV_MAKE("partition=1", "size=2048"));
        test_fake_block_dev(root, virtio, "vdb", STRV_MAKE("size=" GIB_SECTORS, "serial=kdumpd-raw"));
        test_fake_block_dev(root, virtio, "vdc", STRV_MAKE("size=" GIB_SECTORS));
        test_fake_block_dev(root, virtio, "vdd", STRV_MAKE("size=" GIB_SECTORS, "serial=QM 00001"));
        test_fake_block_dev(root, virtio, "vde", STRV_MAKE("size=" GIB_SECTORS, "serial=say \"hi\""));
        test_fake_block_dev(root, "pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block", "sda",
                            STRV_MAKE("size=" GIB_SECTORS, "device/wwid=naa.5000c5008c1f1c23"));
        test_fake_block_dev(root, "pci0000:00/0000:00:05.0/host0/target0:0:1/0:0:1:0/block", "sdb",
                            STRV_MAKE("size=" GIB_SECTORS, "device/wwid=  t10.ATA     QEMU HARDDISK   \n"));
        test_fake_block_dev(root, "virtual/nvme-subsystem/nvme-subsys0", "nvme0n1",
                            STRV_MAKE("size=" GIB_SECTORS, "wwid=eui.0025388b91c0f1a2", "device/serial=S4EWNX0R1"));
        test_fake_block_dev(root, "virtual/nvme-subsystem/nvme-subsys0", "nvme0n2",
                            STRV_MAKE("size=" GIB_SECTORS, "wwid=eui.0025388b91c0f1a3", "device/serial=S4EWNX0R1"));
        test_fake_block_dev(root, "pci0000:00/0000:00:06.0/nvme/nvme0", "nvme0c0n1",
                            STRV_MAKE("size=" GIB_SECTORS, "hidden=1", "wwid=eui.0025388b91c0f1a2"));
        test_fake_block_dev(root, "pci0000:00/0000:00:07.0/nvme/nvme1", "nvme1n1",
                            STRV_MAKE("size=" GIB_SECTORS, "device/serial=SHARED1"));
        test_fake_block_dev(root, "pci0000:00/0000:00:07.0/nvme/nvme1", "nvme1n2",
                            STRV_MAKE("size=" GIB_SECTORS, "device/serial=SHARED1"));
        return root;
}

static BlockIdentity identity(const char *sysfs, const char *name, const char *partuuid) {
        BlockIdentity id = {};
        test_set_context("%s", name);
        ASSERT_OK(block_identity_from_sysfs(sysfs, name, partuuid, &id));
        test_set_context(NULL);
        return id;
}

TEST(a_disk_by_its_serial_or_wwn) {
        const char *sysfs = fake_sysfs();
        _cleanup_(block_identity_done) BlockIdentity vdb = identity(sysfs, "vdb", NULL),
                                                     sda = identity(sysfs, "sda", NULL),
                                                     sdb = identity(sysfs, "sdb", NULL),
                                                     vdd = identity(sysfs, "vdd", NULL),
                                                     nvme = identity(sysfs, "nvme0n1", NULL);

        ASSERT_STREQ(vdb.spec, "SERIAL=kdumpd-raw");
        ASSERT_TRUE(vdb.size == GIB_BYTES);
        ASSERT_STREQ(sda.spec, "WWN=naa.5000c5008c1f1c23");
        /* Blanks around it go (SCSI pads), the ones inside stay. */
        ASSERT_STREQ(sdb.spec, "WWN=t10.ATA     QEMU HARDDISK");
        ASSERT_STREQ(vdd.spec, "SERIAL=QM 00001");
        /* The WWN first; and the hidden path with the same one is no
         * second disk. */
        ASSERT_STREQ(nvme.spec, "WWN=eui.0025388b91c0f1a2");
        ASSERT_TRUE(nvme.size == GIB_BYTES);
}

TEST(no_identity_the_node_only) {
        const char *sysfs = fake_sysfs();
        _cleanup_(block_identity_done) BlockIdentity vdc = identity(sysfs, "vdc", NULL),
                                                     vde = identity(sysfs, "vde", NULL),
                                                     shared = identity(sysfs, "nvme1n1", NULL);

        /* Nothing to go by but the size. */
        ASSERT_NULL(vdc.spec);
        ASSERT_TRUE(vdc.size == GIB_BYTES);
        /* A serial kdump.conf could not carry as it is. */
        ASSERT_NULL(vde.spec);
        /* The controller's serial, which its other namespace has too: it
         * would find two disks. */
        ASSERT_NULL(shared.spec);
}

TEST(a_partition_by_its_partuuid_never_its_disks_serial) {
        const char *sysfs = fake_sysfs();
        _cleanup_(block_identity_done) BlockIdentity with = identity(sysfs, "vda1", "4a1f5e2c-01"),
                                                     without = identity(sysfs, "vda1", NULL),
                                                     disk = identity(sysfs, "vda", "4a1f5e2c-01");

        ASSERT_STREQ(with.spec, "PARTUUID=4a1f5e2c-01");
        ASSERT_TRUE(with.size == 2048 * 512);
        ASSERT_NULL(without.spec);
        ASSERT_TRUE(without.size == 2048 * 512);
        /* A whole disk has no partition entry: a PARTUUID given for it is
         * not its identity. */
        ASSERT_STREQ(disk.spec, "SERIAL=root-disk");
}

TEST(no_such_device) {
        BlockIdentity id = {};
        ASSERT_ERROR(block_identity_from_sysfs(fake_sysfs(), "vdz", NULL, &id), ENODEV);
        ASSERT_NULL(id.spec);
}

static char *find(const char *sysfs, const char *spec) {
        char *name = NULL;
        test_set_context("%s", spec);
        ASSERT_OK(block_identity_find(sysfs, spec, &name));
        test_set_context(NULL);
        return name;
}

TEST(find_by_identity) {
        const char *sysfs = fake_sysfs();
        _cleanup_free_ char *a = find(sysfs, "SERIAL=kdumpd-raw"), *b = find(sysfs, "WWN=naa.5000c5008c1f1c23"),
                            *c = find(sysfs, "WWN=t10.ATA     QEMU HARDDISK"), *d = find(sysfs, "SERIAL=QM 00001"),
                            *e = find(sysfs, "WWN=eui.0025388b91c0f1a2");
        char *name = NULL;

        ASSERT_STREQ(a, "vdb");
        ASSERT_STREQ(b, "sda");
        ASSERT_STREQ(c, "sdb");
        ASSERT_STREQ(d, "vdd");
        ASSERT_STREQ(e, "nvme0n1");

        /* Two disks with it: neither. */
        ASSERT_ERROR(block_identity_find(sysfs, "SERIAL=SHARED1", &name), ENOTUNIQ);
        ASSERT_ERROR(block_identity_find(sysfs, "SERIAL=S4EWNX0R1", &name), ENOTUNIQ);
        /* Not there (yet): the capture waits for it. */
        ASSERT_ERROR(block_identity_find(sysfs, "SERIAL=kdumpd-other", &name), ENODEV);
        ASSERT_ERROR(block_identity_find(sysfs, "WWN=naa.5000c5008c1f1c2", &name), ENODEV);
        /* Not a form of this kind. */
        ASSERT_ERROR(block_identity_find(sysfs, "SERIAL=", &name), EINVAL);
        ASSERT_ERROR(block_identity_find(sysfs, "PARTUUID=4a1f5e2c-01", &name), EINVAL);
        ASSERT_ERROR(block_identity_find(sysfs, "serial=kdumpd-raw", &name), EINVAL);
        ASSERT_NULL(name);

        _cleanup_free_ char *none = test_path(test_tmpdir(), "no-sysfs");
        ASSERT_ERROR(block_identity_find(none, "SERIAL=kdumpd-raw", &name), ENOENT);
}

TEST(size_of_a_file_standing_in_for_a_device) {
        _cleanup_free_ char *p = test_write_file(test_tmpdir(), "disk", "0123456789");
        _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC), null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        uint64_t size = 0;

        ASSERT_OK(block_device_size(fd, &size));
        ASSERT_TRUE(size == 10);
        ASSERT_ERROR(block_device_size(null, &size), ENOTBLK);
        ASSERT_ERROR(block_device_size(-1, &size), EINVAL);
}
