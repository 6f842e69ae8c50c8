/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/basic/strv.h: string vectors, shell-style splitting and quoting.
 * core_collector, dracut_args and the hooks are split with shell_split(),
 * so it must read words the way sh(1) does, minus every expansion. */
#include <stdio.h>

#include "strv.h"
#include "tests.h"

static void check_split(const char *input, char * const *expected) {
        _cleanup_strv_free_ char **l = NULL;

        ASSERT_OK(shell_split(input, &l));
        ASSERT_NOT_NULL(l);
        ASSERT_STRV_EQ(l, expected);
}

static void check_split_fails(const char *input) {
        char **l = (char **) 0x1; /* a sentinel: ret_* is written only on success */

        ASSERT_ERROR(shell_split(input, &l), EINVAL);
        ASSERT_TRUE(l == (char **) 0x1);
}

TEST(shell_split_blanks) {
        check_split("makedumpfile -l -d 31", STRV_MAKE("makedumpfile", "-l", "-d", "31"));
        check_split("  a \t b\n\nc  ", STRV_MAKE("a", "b", "c"));
        check_split("one", STRV_MAKE("one"));
}

TEST(shell_split_empty) {
        /* An empty line is an empty vector, never NULL: callers check argv[0]. */
        check_split("", STRV_EMPTY);
        check_split(" \t\n ", STRV_EMPTY);
}

TEST(shell_split_single_quotes) {
        check_split("'a b' c", STRV_MAKE("a b", "c"));
        /* Nothing is special inside '…': not backslash, not ", not $. */
        check_split("'a\\b \"c\" $HOME'", STRV_MAKE("a\\b \"c\" $HOME"));
        check_split("''", STRV_MAKE(""));
        check_split("x '' y", STRV_MAKE("x", "", "y"));
}

TEST(shell_split_double_quotes) {
        check_split("\"a b\" c", STRV_MAKE("a b", "c"));
        /* \ escapes only \ " $ ` inside "…"; before anything else it stays. */
        check_split("\"\\\" \\\\ \\$ \\`\"", STRV_MAKE("\" \\ $ `"));
        check_split("\"a\\nb\"", STRV_MAKE("a\\nb"));
        check_split("\"it's\"", STRV_MAKE("it's"));
        check_split("\"\"", STRV_MAKE(""));
        /* No expansion of any kind. */
        check_split("\"$HOME\" `id` *", STRV_MAKE("$HOME", "`id`", "*"));
}

TEST(shell_split_backslash) {
        check_split("a\\ b", STRV_MAKE("a b"));
        check_split("\\'x\\'", STRV_MAKE("'x'"));
        check_split("\\\\", STRV_MAKE("\\"));
        check_split("a\\\tb", STRV_MAKE("a\tb"));
}

TEST(shell_split_concatenation) {
        /* Quoted and unquoted parts of one word join up, as in sh. */
        check_split("a'b'\"c\"d", STRV_MAKE("abcd"));
        check_split("--message='x y'", STRV_MAKE("--message=x y"));
        check_split("-F\"\" next", STRV_MAKE("-F", "next"));
}

TEST(shell_split_unterminated) {
        check_split_fails("'abc");
        check_split_fails("a 'b c");
        check_split_fails("\"abc");
        check_split_fails("x \"a\\\"");
        check_split_fails("'a'\"");
        /* A backslash at the end has nothing to escape. */
        check_split_fails("abc\\");
}

static const char *const quote_cases[] = {
        "",
        "plain",
        "a b",
        "it's",
        "'",
        "''",
        "\"",
        "\\",
        "$HOME",
        "`id`",
        "a\tb\nc",
        "*",
        "--x='1 2'",
        "\\'\"$`",
        " leading and trailing ",
};

TEST(shell_quote_round_trip) {
        for (size_t i = 0; i < ELEMENTSOF(quote_cases); i++) {
                _cleanup_free_ char *q = ASSERT_NOT_NULL(shell_quote(quote_cases[i]));
                _cleanup_strv_free_ char **l = NULL;

                ASSERT_OK(shell_split(q, &l));
                ASSERT_EQ(strv_length(l), 1);
                ASSERT_STREQ(l[0], quote_cases[i]);
        }
}

TEST(shell_quote_joined_round_trip) {
        /* Quoting each word and joining with blanks gives back the vector:
         * how an argv is written into a file that is split again later. */
        _cleanup_strv_free_ char **quoted = NULL, **back = NULL;
        _cleanup_free_ char *line = NULL;
        char * const *words = (char * const *) quote_cases;
        size_t n = ELEMENTSOF(quote_cases);

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *q = ASSERT_NOT_NULL(shell_quote(quote_cases[i]));
                ASSERT_OK(strv_extend(&quoted, q));
        }
        line = ASSERT_NOT_NULL(strv_join(quoted, " "));
        ASSERT_OK(shell_split(line, &back));
        ASSERT_EQ(strv_length(back), n);
        for (size_t i = 0; i < n; i++)
                ASSERT_STREQ(back[i], words[i]);
}

TEST(shell_quote_agrees_with_sh) {
        /* The real reader of POSIX shell words: sh must read each quoted
         * string back unchanged. */
        if (access("/bin/sh", X_OK) < 0)
                SKIP_TEST("no /bin/sh");

        for (size_t i = 0; i < ELEMENTSOF(quote_cases); i++) {
                _cleanup_free_ char *q = ASSERT_NOT_NULL(shell_quote(quote_cases[i]));
                _cleanup_free_ char *cmd = NULL;
                char buf[256];
                size_t n;

                ASSERT_GE(asprintf(&cmd, "printf '%%s|' %s", q), 0);
                FILE *p = ASSERT_NOT_NULL(popen(cmd, "re"));
                n = fread(buf, 1, sizeof(buf) - 1, p);
                ASSERT_EQ(pclose(p), 0);
                buf[n] = 0;

                _cleanup_free_ char *expected = NULL;
                ASSERT_GE(asprintf(&expected, "%s|", quote_cases[i]), 0);
                ASSERT_STREQ(buf, expected);
        }
}

TEST(shell_quote_shape) {
        _cleanup_free_ char *a = ASSERT_NOT_NULL(shell_quote("a b"));
        _cleanup_free_ char *b = ASSERT_NOT_NULL(shell_quote("it's"));
        _cleanup_free_ char *c = ASSERT_NOT_NULL(shell_quote(""));

        ASSERT_STREQ(a, "'a b'");
        ASSERT_STREQ(b, "'it'\\''s'");
        ASSERT_STREQ(c, "''");
}

TEST(strv_join) {
        _cleanup_free_ char *a = ASSERT_NOT_NULL(strv_join(STRV_MAKE("a", "b", "c"), " "));
        _cleanup_free_ char *b = ASSERT_NOT_NULL(strv_join(STRV_MAKE("a", "", "b"), ","));
        _cleanup_free_ char *c = ASSERT_NOT_NULL(strv_join(STRV_MAKE("only"), ", "));
        _cleanup_free_ char *d = ASSERT_NOT_NULL(strv_join(STRV_EMPTY, " "));
        _cleanup_free_ char *e = ASSERT_NOT_NULL(strv_join(NULL, " "));
        _cleanup_free_ char *f = ASSERT_NOT_NULL(strv_join(STRV_MAKE("x", "y"), ""));
        _cleanup_free_ char *g = ASSERT_NOT_NULL(strv_join(STRV_MAKE("", ""), "--"));

        ASSERT_STREQ(a, "a b c");
        ASSERT_STREQ(b, "a,,b");
        ASSERT_STREQ(c, "only");
        ASSERT_STREQ(d, "");
        ASSERT_STREQ(e, "");
        ASSERT_STREQ(f, "xy");
        ASSERT_STREQ(g, "--");
}

TEST(strv_extend_and_contains) {
        _cleanup_strv_free_ char **l = NULL, **m = NULL;

        ASSERT_EQ(strv_length(l), 0);
        ASSERT_FALSE(strv_contains(l, "a"));
        ASSERT_OK(strv_extend(&l, "a"));
        ASSERT_OK(strv_extendf(&l, "%s=%d", "nr_cpus", 1));
        ASSERT_OK(strv_extend(&l, ""));
        ASSERT_STRV_EQ(l, STRV_MAKE("a", "nr_cpus=1", ""));
        ASSERT_TRUE(strv_contains(l, "nr_cpus=1"));
        ASSERT_TRUE(strv_contains(l, ""));
        ASSERT_FALSE(strv_contains(l, "nr_cpus"));

        ASSERT_OK(strv_extend_strv(&m, l));
        ASSERT_OK(strv_extend_strv(&m, NULL));
        ASSERT_STRV_EQ(m, l);
        /* Copies, not shared pointers. */
        ASSERT_TRUE(m[0] != l[0]);
        ASSERT_NULL(strv_free(NULL));
}
