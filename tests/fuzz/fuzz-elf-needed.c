/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the ELF reader behind the manifest's library list
 * (src/mkdumprd/elf-needed.h): the input is the program, read through a
 * memfd. Any input: no crash, no leak, no hang; -ENOEXEC for what is not an
 * ELF file of this machine; otherwise a sorted list of absolute paths, each
 * once (DT_NEEDED names that exist on this machine, followed through their
 * own libraries). run-fuzz.sh builds and runs it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf-needed.h"
#include "strv.h"

static int fd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
        if (fd < 0)
                abort();
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char **libs = NULL;
        int r;

        if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t) size)
                abort();
        r = elf_needed_closure(path, &libs);
        if (r < 0) {
                if (r != -ENOEXEC && r != -ENOMEM) {
                        fprintf(stderr, "fuzz-elf-needed: unexpected error %s\n", strerror(-r));
                        abort();
                }
                return 0;
        }
        for (char **l = libs; *l; l++) {
                if ((*l)[0] != '/' || (l != libs && strcmp(l[-1], *l) >= 0)) {
                        fprintf(stderr, "fuzz-elf-needed: the list is not sorted absolute paths, each once: %s\n", *l);
                        abort();
                }
        }
        strv_free(libs);
        return 0;
}
