/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for /run/kdump/state's reader (arm_state_read(),
 * src/shared/basic/arm-state.h), which kdumpctl runs on a file kdumpd
 * replaces under it. Any input: no crash, no leak, and the documented
 * errors only. A file it reads: written back with arm_state_write() and
 * read again, it gives the same state. run-fuzz.sh builds and runs it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arm-state.h"

static char in_path[256], out_path[256];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        /* tmpfs when there is one: every write-back fsyncs. */
        char shm[] = "/dev/shm/fuzz-arm-state.XXXXXX", tmp[] = "/tmp/fuzz-arm-state.XXXXXX";
        const char *dir = mkdtemp(shm) ?: mkdtemp(tmp);

        if (!dir)
                abort();
        snprintf(in_path, sizeof(in_path), "%s/in", dir);
        snprintf(out_path, sizeof(out_path), "%s/out", dir);
        return 0;
}

static int streq_null(const char *a, const char *b) {
        return a == b || (a && b && strcmp(a, b) == 0);
}

static void same_check(const ArmState *a, const ArmState *b) {
        if (a->generation != b->generation || a->phase != b->phase || a->armed != b->armed || a->pid != b->pid ||
            !streq_null(a->reason, b->reason) || !streq_null(a->kver, b->kver) || !streq_null(a->initrd, b->initrd) ||
            !streq_null(a->stale, b->stale) || a->image_size != b->image_size || a->build_usec != b->build_usec ||
            a->armed_at != b->armed_at) {
                fprintf(stderr, "fuzz-arm-state: the state read back differs from the state written\n");
                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        ArmState s = {}, back = {};
        FILE *f;
        int r;

        if (size > 64 * 1024)
                return 0;
        f = fopen(in_path, "we");
        if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
                abort();
        r = arm_state_read(in_path, &s);
        if (r < 0) {
                if (r != -EBADMSG && r != -ENOMEM) {
                        fprintf(stderr, "fuzz-arm-state: an error the reader does not document: %s\n", strerror(-r));
                        abort();
                }
                return 0;
        }
        if (!arm_phase_to_string(s.phase))
                abort();
        r = arm_state_write(out_path, &s);
        if (r == -ENOMEM)
                goto finish;
        if (r < 0) {
                fprintf(stderr, "fuzz-arm-state: writing a state that was read failed: %s\n", strerror(-r));
                abort();
        }
        r = arm_state_read(out_path, &back);
        if (r < 0) {
                fprintf(stderr, "fuzz-arm-state: a state written does not read back: %s\n", strerror(-r));
                abort();
        }
        same_check(&s, &back);
finish:
        arm_state_done(&back);
        arm_state_done(&s);
        return 0;
}
