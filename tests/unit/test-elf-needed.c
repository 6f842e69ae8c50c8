/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <unistd.h>

#include "elf-needed.h"
#include "fileio.h"
#include "tests.h"

/* This test program itself: dynamically linked against libc, which
 * needs nothing that is not found, and nothing is listed twice. */
TEST(closure_of_a_real_program) {
        char **libs = NULL;
        char self[4096];
        ssize_t k = readlink("/proc/self/exe", self, sizeof(self) - 1);

        ASSERT_TRUE(k > 0);
        self[k] = 0;
        ASSERT_OK(elf_needed_closure(self, &libs));
        bool libc = false;
        for (char **l = libs; *l; l++) {
                ASSERT_TRUE((*l)[0] == '/');
                if (strstr(*l, "/libc.so."))
                        libc = true;
                if (l[1])
                        ASSERT_TRUE(strcmp(l[0], l[1]) < 0); /* sorted, each once */
        }
        ASSERT_TRUE(libc);
        strv_free(libs);
}

TEST(not_elf_or_truncated) {
        char **libs = NULL;
        char *text = test_write_file(test_tmpdir(), "script", "#!/bin/sh\necho hi\n");
        char *elf = test_write_file(test_tmpdir(), "short", "\177ELF\002\001\001");

        ASSERT_ERROR(elf_needed_closure(text, &libs), ENOEXEC);
        ASSERT_ERROR(elf_needed_closure(elf, &libs), ENOEXEC);
        char *missing = test_path(test_tmpdir(), "nope");
        ASSERT_ERROR(elf_needed_closure(missing, &libs), ENOENT);
        free(text);
        free(elf);
        free(missing);
}

/* Every prefix of a real library: an error or a result, never a crash. */
TEST(every_truncation_is_handled) {
        char self[4096], *data = NULL;
        size_t size = 0;
        ssize_t k = readlink("/proc/self/exe", self, sizeof(self) - 1);

        ASSERT_TRUE(k > 0);
        self[k] = 0;
        data = test_read_file_size(self, &size);
        char *cut = test_path(test_tmpdir(), "cut");
        for (size_t n = 0; n < size && n < 16384; n += 61) {
                char **libs = NULL;
                ASSERT_OK(write_file_atomic(cut, data, n, 0644));
                if (elf_needed_closure(cut, &libs) >= 0)
                        strv_free(libs);
        }
        free(cut);
        free(data);
}
