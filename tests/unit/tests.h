/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The unit-test harness: TEST(name) { … } puts a test into an ELF section
 * ("kdumpd_tests"); tests.c holds the main() that walks the section, runs
 * each test in a child of its own with a fresh temporary directory, and
 * prints one line per test. An ASSERT_* failure prints FILE:LINE and the
 * values and ends that test's child with status 1; SKIP_TEST() ends it with
 * 77, which meson reports as SKIP when every test of a program skips. */
#pragma once

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "strv.h"

#define EXIT_TEST_SKIP 77

typedef struct TestEntry {
        const char *name;
        void (*run)(void);
} TestEntry;

/* Clang's ASan puts redzones around instrumented globals, which would break
 * the array the linker builds from the section; GCC leaves globals with a
 * section attribute alone (and ignores the attribute on variables). */
#if defined(__clang__) && defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define _test_no_asan_ __attribute__((no_sanitize_address))
#  endif
#endif
#ifndef _test_no_asan_
#  define _test_no_asan_
#endif

#define TEST(name)                                                                                    \
        static void test_##name(void);                                                                \
        _test_no_asan_ __attribute__((used, section("kdumpd_tests"), aligned(__alignof__(TestEntry)))) \
        static const TestEntry test_entry_##name = { #name, test_##name };                            \
        static void test_##name(void)

/* A temporary directory made for the running test and removed after it. */
const char *test_tmpdir(void);
/* The source directory of the unit tests (golden/, broken/). */
const char *test_srcdir(void);

/* Writes content to <dir>/<relpath>, creating parent directories. Fails the
 * test on error. Returns the full path (owned by the caller). */
char *test_write_file(const char *dir, const char *relpath, const char *content);
/* Reads the whole file; fails the test on error. */
char *test_read_file(const char *path);
/* The same, for binary files: *ret_size gets the length. */
char *test_read_file_size(const char *path, size_t *ret_size);
/* Joins two path parts with a '/'; never NULL. */
char *test_path(const char *dir, const char *name);

/* A block device in a fake sysfs tree under root, laid out like the
 * kernel's: devices/<parent>/<name>, linked from class/block/<name> (a
 * partition's parent is its disk's directory). attrs are "relpath=content"
 * files, or "relpath/" directories; "slaves/X=" is an entry of slaves/. */
void test_fake_block_dev(const char *root, const char *parent, const char *name, char * const *attrs);

/* Names what the test is looking at (a corpus file, a table row); printed
 * with a failure. NULL clears it. */
void test_set_context(const char *fmt, ...) _printf_(1, 2);

_noreturn_ void test_fail(void);
_noreturn_ void test_skip(const char *file, int line, const char *reason);
/* Prints s in double quotes with C escapes, or NULL. */
void test_print_quoted(FILE *f, const char *s);

#define SKIP_TEST(reason) test_skip(__FILE__, __LINE__, reason)

#define test_failure_header() fprintf(stderr, "%s:%d: assertion failed in %s(): ", __FILE__, __LINE__, __func__)

#define ASSERT_TRUE(expr)                                                                             \
        do {                                                                                          \
                if (!(expr)) {                                                                        \
                        test_failure_header();                                                        \
                        fprintf(stderr, "expected %s to be true\n", #expr);                           \
                        test_fail();                                                                  \
                }                                                                                     \
        } while (0)

#define ASSERT_FALSE(expr)                                                                            \
        do {                                                                                          \
                if (expr) {                                                                           \
                        test_failure_header();                                                        \
                        fprintf(stderr, "expected %s to be false\n", #expr);                          \
                        test_fail();                                                                  \
                }                                                                                     \
        } while (0)

/* expr returns 0 or a positive value on success, -errno on failure. */
#define ASSERT_OK(expr)                                                                               \
        ({                                                                                            \
                intmax_t _r_ = (intmax_t) (expr);                                                     \
                if (_r_ < 0) {                                                                        \
                        test_failure_header();                                                        \
                        fprintf(stderr, "%s failed: %jd (%s)\n", #expr, _r_, strerror((int) -_r_));   \
                        test_fail();                                                                  \
                }                                                                                     \
                _r_;                                                                                  \
        })

/* expr must fail with exactly -error. */
#define ASSERT_ERROR(expr, error)                                                                     \
        do {                                                                                          \
                intmax_t _r_ = (intmax_t) (expr), _e_ = (intmax_t) (error);                           \
                if (_r_ != -_e_) {                                                                    \
                        test_failure_header();                                                        \
                        fprintf(stderr, "%s returned %jd (%s), expected -%s (%jd)\n", #expr, _r_,      \
                                _r_ < 0 ? strerror((int) -_r_) : "no error", #error, -_e_);           \
                        test_fail();                                                                  \
                }                                                                                     \
        } while (0)

#define ASSERT_CMP_INT(a, op, b)                                                                      \
        do {                                                                                          \
                intmax_t _a_ = (intmax_t) (a), _b_ = (intmax_t) (b);                                  \
                if (!(_a_ op _b_)) {                                                                  \
                        test_failure_header();                                                        \
                        fprintf(stderr, "expected %s %s %s, but %jd (0x%jx) vs %jd (0x%jx)\n", #a, #op, \
                                #b, _a_, (uintmax_t) _a_, _b_, (uintmax_t) _b_);                      \
                        test_fail();                                                                  \
                }                                                                                     \
        } while (0)

#define ASSERT_EQ(a, b) ASSERT_CMP_INT(a, ==, b)
#define ASSERT_NE(a, b) ASSERT_CMP_INT(a, !=, b)
#define ASSERT_LT(a, b) ASSERT_CMP_INT(a, <, b)
#define ASSERT_LE(a, b) ASSERT_CMP_INT(a, <=, b)
#define ASSERT_GT(a, b) ASSERT_CMP_INT(a, >, b)
#define ASSERT_GE(a, b) ASSERT_CMP_INT(a, >=, b)

/* For values that do not fit intmax_t comparisons (addresses, sizes). */
#define ASSERT_EQ_U64(a, b)                                                                           \
        do {                                                                                          \
                uint64_t _a_ = (a), _b_ = (b);                                                        \
                if (_a_ != _b_) {                                                                     \
                        test_failure_header();                                                        \
                        fprintf(stderr, "expected %s == %s, but 0x%" PRIx64 " vs 0x%" PRIx64 "\n", #a, \
                                #b, _a_, _b_);                                                        \
                        test_fail();                                                                  \
                }                                                                                     \
        } while (0)

#define ASSERT_NULL(expr)                                                                             \
        do {                                                                                          \
                const void *_p_ = (expr);                                                             \
                if (_p_) {                                                                            \
                        test_failure_header();                                                        \
                        fprintf(stderr, "expected %s to be NULL, but it is %p\n", #expr, _p_);        \
                        test_fail();                                                                  \
                }                                                                                     \
        } while (0)

#define ASSERT_NOT_NULL(expr)                                                                         \
        ({                                                                                            \
                __typeof__(expr) _p_ = (expr);                                                        \
                if (!_p_) {                                                                           \
                        test_failure_header();                                                        \
                        fprintf(stderr, "expected %s not to be NULL\n", #expr);                       \
                        test_fail();                                                                  \
                }                                                                                     \
                _p_;                                                                                  \
        })

#define ASSERT_STREQ(a, b)                                                                            \
        do {                                                                                          \
                const char *_a_ = (a), *_b_ = (b);                                                    \
                if (!streq_ptr(_a_, _b_)) {                                                           \
                        test_failure_header();                                                        \
                        fprintf(stderr, "expected %s == %s, but\n  ", #a, #b);                        \
                        test_print_quoted(stderr, _a_);                                               \
                        fputs("\n  vs\n  ", stderr);                                                  \
                        test_print_quoted(stderr, _b_);                                               \
                        fputc('\n', stderr);                                                          \
                        test_fail();                                                                  \
                }                                                                                     \
        } while (0)

#define ASSERT_STRNE(a, b)                                                                            \
        do {                                                                                          \
                const char *_a_ = (a), *_b_ = (b);                                                    \
                if (streq_ptr(_a_, _b_)) {                                                            \
                        test_failure_header();                                                        \
                        fprintf(stderr, "expected %s != %s, but both are ", #a, #b);                  \
                        test_print_quoted(stderr, _a_);                                               \
                        fputc('\n', stderr);                                                          \
                        test_fail();                                                                  \
                }                                                                                     \
        } while (0)

#define ASSERT_CONTAINS(haystack, needle)                                                             \
        do {                                                                                          \
                const char *_h_ = (haystack), *_n_ = (needle);                                        \
                if (!_h_ || !_n_ || !strstr(_h_, _n_)) {                                              \
                        test_failure_header();                                                        \
                        fprintf(stderr, "expected %s to contain %s, but\n  ", #haystack, #needle);    \
                        test_print_quoted(stderr, _h_);                                               \
                        fputs("\n  does not contain\n  ", stderr);                                    \
                        test_print_quoted(stderr, _n_);                                               \
                        fputc('\n', stderr);                                                          \
                        test_fail();                                                                  \
                }                                                                                     \
        } while (0)

#define ASSERT_NOT_CONTAINS(haystack, needle)                                                         \
        do {                                                                                          \
                const char *_h_ = (haystack), *_n_ = (needle);                                        \
                if (!_h_ || !_n_ || strstr(_h_, _n_)) {                                               \
                        test_failure_header();                                                        \
                        fprintf(stderr, "expected %s not to contain %s, but\n  ", #haystack, #needle); \
                        test_print_quoted(stderr, _h_);                                               \
                        fputs("\n  contains\n  ", stderr);                                            \
                        test_print_quoted(stderr, _n_);                                               \
                        fputc('\n', stderr);                                                          \
                        test_fail();                                                                  \
                }                                                                                     \
        } while (0)

/* A NULL-terminated string vector literal: STRV_MAKE("a", "b"). */
#define STRV_MAKE(...) ((char *[]) { __VA_ARGS__, NULL })
#define STRV_EMPTY ((char *[]) { NULL })

void test_print_strv(FILE *f, char * const *l);
bool test_strv_equal(char * const *a, char * const *b);

#define ASSERT_STRV_EQ(a, b)                                                                          \
        do {                                                                                          \
                char * const *_a_ = (a), * const *_b_ = (b);                                          \
                if (!test_strv_equal(_a_, _b_)) {                                                     \
                        test_failure_header();                                                        \
                        fprintf(stderr, "expected %s == %s, but\n  ", #a, #b);                        \
                        test_print_strv(stderr, _a_);                                                 \
                        fputs("\n  vs\n  ", stderr);                                                  \
                        test_print_strv(stderr, _b_);                                                 \
                        fputc('\n', stderr);                                                          \
                        test_fail();                                                                  \
                }                                                                                     \
        } while (0)
