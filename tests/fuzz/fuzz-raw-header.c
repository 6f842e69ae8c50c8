/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the raw dump target's header (raw_stream_detect()
 * and raw_stream_read(), src/kdumpd-arm/raw-harvest.h): what kdumpd reads
 * from the raw device's first 4096 bytes to decide whether a dump waits
 * there, and whether it may overwrite its signature. Any input: no crash;
 * a stream only where makedumpfile -F's signature and the flattened type
 * are, and the device read through a file says the same as the buffer.
 * run-fuzz.sh builds and runs it. */
#include <endian.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "raw-harvest.h"

static int fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        fd = memfd_create("fuzz-raw", MFD_CLOEXEC);
        if (fd < 0)
                abort();
        return 0;
}

/* The format, said again independently (makedumpfile's make_dumpfile.h). */
static RawStream expected(const uint8_t *d, size_t size) {
        char sig[RAW_STREAM_SIGNATURE_SIZE] = "makedumpfile";
        uint64_t type;

        if (size < RAW_STREAM_HEADER_SIZE)
                return RAW_STREAM_NONE;
        memcpy(&type, d + RAW_STREAM_SIGNATURE_SIZE, sizeof(type));
        if (be64toh(type) != RAW_STREAM_TYPE_FLAT)
                return RAW_STREAM_NONE;
        if (memcmp(d, sig, sizeof(sig)) == 0)
                return RAW_STREAM_FLATTENED;
        if (memcmp(d, RAW_STREAM_HARVESTED_SIGNATURE, RAW_STREAM_SIGNATURE_SIZE) == 0)
                return RAW_STREAM_HARVESTED;
        return RAW_STREAM_NONE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        RawStream want = expected(data, size), got = raw_stream_detect(data, size);
        int from_fd;

        if (got != want) {
                fprintf(stderr, "fuzz-raw-header: detected %s, the format says %s\n", raw_stream_to_string(got),
                        raw_stream_to_string(want));
                abort();
        }
        if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t) size)
                abort();
        from_fd = raw_stream_read(fd);
        if (from_fd != (int) want) {
                fprintf(stderr, "fuzz-raw-header: the device says %d, the buffer %d\n", from_fd, (int) want);
                abort();
        }
        return 0;
}
