/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An idle kdumpd's memory is mostly the pages of the libraries it maps:
 * the daemon loads no library that libsystemd does not load anyway. What
 * the arming needs (libconfuse, libkmod, libmount, libblkid …) is
 * kdumpd-arm's, which the worker exec's. A new call from the daemon into
 * the arming's code fails here, not as a megabyte more in the field. */
#include "elf-needed.h"
#include "tests.h"

/* libsystemd, and the runtimes a sanitizer build adds to every program. */
static bool is_allowed_root(const char *lib) {
        return strstr(lib, "/libsystemd.so.") || strstr(lib, "/libasan.so.") || strstr(lib, "/libubsan.so.");
}

TEST(kdumpd_loads_only_what_libsystemd_does) {
        const char *kdumpd = getenv("KDUMPD_PROGRAM");
        _cleanup_strv_free_ char **libs = NULL, **allowed = NULL;
        bool libsystemd = false;

        if (!kdumpd)
                SKIP_TEST("KDUMPD_PROGRAM is not set (meson sets it)");
        ASSERT_OK(elf_needed_closure(kdumpd, &libs));
        for (char **l = libs; *l; l++) {
                _cleanup_strv_free_ char **theirs = NULL;
                if (!is_allowed_root(*l))
                        continue;
                libsystemd = libsystemd || strstr(*l, "/libsystemd.so.");
                ASSERT_OK(elf_needed_closure(*l, &theirs));
                ASSERT_OK(strv_extend(&allowed, *l));
                ASSERT_OK(strv_extend_strv(&allowed, theirs));
        }
        ASSERT_TRUE(libsystemd);
        for (char **l = libs; *l; l++) {
                test_set_context("%s links %s", kdumpd, *l);
                ASSERT_TRUE(strv_contains(allowed, *l));
        }
        test_set_context(NULL);
}
