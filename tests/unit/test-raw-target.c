/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture side of the raw target (src/capture/raw-target.c) and the
 * signature probe it and mkdumprd share (src/shared/block-device.c), on
 * regular files standing in for devices: a device with a signature is
 * never written; an empty one gets the collector's stdout from byte 0,
 * and nothing after it is touched. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block-device.h"
#include "config-check.h"
#include "deadline.h"
#include "fileio.h"
#include "raw-target.h"
#include "strv.h"
#include "tests.h"

#define DEVICE_SIZE (1024 * 1024)

typedef enum Content { EMPTY, FILLED, SWAP, DOS_TABLE } Content;

/* What libblkid knows (the same layouts as mkswap and fdisk write, the
 * least of them): swap's version and magic, an MBR with one partition. */
/* The collector as kdump.conf gives it: its text, split. size: what the
 * image was built for (0: any). */
static int save_vmcore_sized(const char *devnode, uint64_t size, const char *collector, const char *vmcore,
                             uint64_t deadline_usec) {
        _cleanup_strv_free_ char **argv = NULL;
        int r = shell_split(collector, &argv);

        if (r < 0)
                return r;
        return raw_target_save_vmcore(devnode, size, argv, vmcore, deadline_usec, 0);
}

static int save_vmcore(const char *devnode, const char *collector, const char *vmcore, uint64_t deadline_usec) {
        return save_vmcore_sized(devnode, 0, collector, vmcore, deadline_usec);
}

static char *make_device(const char *name, Content what) {
        char *p = test_path(test_tmpdir(), name);
        _cleanup_free_ unsigned char *buf = ASSERT_NOT_NULL(calloc(1, DEVICE_SIZE));

        if (what == FILLED)
                memset(buf, 'z', DEVICE_SIZE);
        if (what == SWAP) {
                uint32_t swap[3] = { 1, 255, 0 }; /* version, last page, bad pages (little-endian host) */
                memcpy(buf + 1024, swap, sizeof(swap));
                memcpy(buf + 4096 - 10, "SWAPSPACE2", 10);
        }
        if (what == DOS_TABLE) {
                unsigned char *e = buf + 446;
                uint32_t start = 2048, sectors = 4096;
                e[4] = 0x83;
                memcpy(e + 8, &start, 4);
                memcpy(e + 12, &sectors, 4);
                buf[510] = 0x55;
                buf[511] = 0xaa;
        }
        ASSERT_OK(write_file_atomic(p, buf, DEVICE_SIZE, 0600));
        return p;
}

TEST(probe_signature) {
        _cleanup_free_ char *empty = make_device("empty", EMPTY), *swap = make_device("swap", SWAP),
                            *dos = make_device("dos", DOS_TABLE), *type = NULL, *what = NULL;

        ASSERT_EQ(block_device_probe_signature(empty, &type), BLOCK_SIGNATURE_NONE);
        ASSERT_NULL(type);
        ASSERT_EQ(block_device_probe_signature(swap, &type), BLOCK_SIGNATURE_SUPERBLOCK);
        ASSERT_STREQ(type, "swap");
        ASSERT_OK(block_signature_describe(BLOCK_SIGNATURE_SUPERBLOCK, type, &what));
        ASSERT_STREQ(what, "a superblock of type \"swap\"");
        free(type);
        free(what);
        ASSERT_EQ(block_device_probe_signature(dos, &type), BLOCK_SIGNATURE_PARTITION_TABLE);
        ASSERT_STREQ(type, "dos");
        ASSERT_OK(block_signature_describe(BLOCK_SIGNATURE_PARTITION_TABLE, type, &what));
        ASSERT_STREQ(what, "a partition table of type \"dos\"");
        free(type);
        free(what);
        type = NULL;
        what = NULL;

        _cleanup_free_ char *missing = test_path(test_tmpdir(), "missing");
        ASSERT_TRUE(block_device_probe_signature(missing, &type) < 0);
}

TEST(save_writes_from_byte_zero_without_truncating) {
        _cleanup_free_ char *dev = make_device("dev", FILLED), *after = NULL, *vmcore = NULL;
        size_t n;

        vmcore = test_write_file(test_tmpdir(), "vmcore", "FLATTENED-STREAM");
        /* The collector gets the vmcore as its last argument, and its
         * stdout is the device, which has the size the image expects. */
        ASSERT_OK(save_vmcore_sized(dev, DEVICE_SIZE, "cat", vmcore, deadline_after_sec(30)));
        after = test_read_file_size(dev, &n);
        ASSERT_EQ(n, (size_t) DEVICE_SIZE);
        ASSERT_TRUE(memcmp(after, "FLATTENED-STREAM", 16) == 0);
        for (size_t i = 16; i < n; i++)
                if (after[i] != 'z') {
                        fprintf(stderr, "byte %zu changed\n", i);
                        ASSERT_TRUE(false);
                }
}

TEST(save_refuses_a_device_with_a_signature) {
        _cleanup_free_ char *dev = make_device("dev", SWAP), *before = NULL, *after = NULL, *vmcore = NULL;
        size_t n1, n2;

        vmcore = test_write_file(test_tmpdir(), "vmcore", "FLATTENED-STREAM");
        before = test_read_file_size(dev, &n1);
        ASSERT_ERROR(save_vmcore(dev, "cat", vmcore, deadline_after_sec(30)), EEXIST);
        after = test_read_file_size(dev, &n2);
        ASSERT_EQ(n1, n2);
        ASSERT_TRUE(memcmp(before, after, n1) == 0);

        _cleanup_free_ char *dos = make_device("dos", DOS_TABLE);
        ASSERT_ERROR(save_vmcore(dos, "cat", vmcore, deadline_after_sec(30)), EEXIST);
}

TEST(save_refuses_a_device_of_another_size) {
        _cleanup_free_ char *dev = make_device("dev", EMPTY), *after = NULL, *vmcore = NULL;
        size_t n;

        /* The same name (or identity), another size: another disk. */
        vmcore = test_write_file(test_tmpdir(), "vmcore", "FLATTENED-STREAM");
        ASSERT_ERROR(save_vmcore_sized(dev, 2 * DEVICE_SIZE, "cat", vmcore, deadline_after_sec(30)), EMEDIUMTYPE);
        ASSERT_ERROR(save_vmcore_sized(dev, DEVICE_SIZE - 512, "cat", vmcore, deadline_after_sec(30)), EMEDIUMTYPE);
        after = test_read_file_size(dev, &n);
        ASSERT_EQ(n, (size_t) DEVICE_SIZE);
        for (size_t i = 0; i < n; i++)
                if (after[i] != 0) {
                        fprintf(stderr, "byte %zu changed\n", i);
                        ASSERT_TRUE(false);
                }
}

TEST(save_reports_collector_failure) {
        _cleanup_free_ char *dev = make_device("dev", EMPTY), *vmcore = NULL;

        vmcore = test_write_file(test_tmpdir(), "vmcore", "x");
        ASSERT_EQ(save_vmcore(dev, "false", vmcore, deadline_after_sec(30)), 1);
        ASSERT_ERROR(save_vmcore(dev, "sh -c 'sleep 30'", vmcore, deadline_after_sec(1)), ETIME);
        ASSERT_ERROR(save_vmcore(dev, "", vmcore, deadline_after_sec(1)), EINVAL);
}

TEST(find_wants_a_block_device) {
        _cleanup_free_ char *node = NULL;

        ASSERT_ERROR(raw_target_find("/dev/null", 0, deadline_after_sec(1), &node), ENOTBLK);
        ASSERT_NULL(node);
        /* A device that never appears: given up at the deadline. */
        ASSERT_ERROR(raw_target_find("/dev/kdumpd-test-no-such-device", 0, now_usec() + 300 * 1000, &node), ENODEV);
        ASSERT_NULL(node);
        /* A serial no disk has: looked for in sysfs until the deadline. */
        ASSERT_ERROR(raw_target_find("SERIAL=kdumpd-test-none", 4096, now_usec() + 300 * 1000, &node), ENODEV);
        ASSERT_NULL(node);
}

/* mkdumprd's check (src/mkdumprd/target-check.c), as kdumpctl check runs
 * it: a raw target must be there and be a block device. */
static char *check_messages(const char *text) {
        _cleanup_kdump_config_free_ KdumpConfig *c = NULL;
        ConfigDiagnostics d = {};
        char *joined;

        ASSERT_OK(kdump_config_parse_string("test.conf", text, &d, &c));
        config_diagnostics_done(&d);
        ASSERT_OK(config_check_machine(c, "0.0.0-test", &d));
        joined = d.messages ? strv_join(d.messages, "\n") : strdup("");
        config_diagnostics_done(&d);
        return ASSERT_NOT_NULL(joined);
}

TEST(check_raw_target) {
        _cleanup_free_ char *a = check_messages("raw /dev/null\n"), *b = check_messages("raw /dev/kdumpd-test-none\n");

        ASSERT_CONTAINS(a, "test.conf:1: error: raw dump target \"/dev/null\" is not a block device");
        ASSERT_CONTAINS(b, "test.conf:1: error: raw dump target \"/dev/kdumpd-test-none\" is not on this machine");
}
