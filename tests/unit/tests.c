/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The common main() of every unit-test program and the helpers tests.h
 * declares. Each test runs in a child process so that one failing
 * assertion (or crash) reports that test and lets the others run, and so
 * that a test's umask, cwd or environment cannot leak into the next. */
#include "tests.h"

#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"

/* The linker defines these for a section whose name is a C identifier. */
extern const TestEntry __start_kdumpd_tests[];
extern const TestEntry __stop_kdumpd_tests[];

static char *current_tmpdir;

const char *test_tmpdir(void) {
        return current_tmpdir;
}

const char *test_srcdir(void) {
        const char *d = getenv("KDUMPD_TEST_SRCDIR");
        return d && *d ? d : ".";
}

static char *current_context;

void test_set_context(const char *fmt, ...) {
        va_list ap;

        free(current_context);
        current_context = NULL;
        if (!fmt)
                return;
        va_start(ap, fmt);
        if (vasprintf(&current_context, fmt, ap) < 0)
                current_context = NULL;
        va_end(ap);
}

void test_fail(void) {
        if (current_context)
                fprintf(stderr, "  (while checking %s)\n", current_context);
        fflush(stdout);
        fflush(stderr);
        /* _exit: no atexit handlers, so LeakSanitizer does not bury the
         * assertion under the allocations the test had not freed yet. */
        _exit(EXIT_FAILURE);
}

void test_skip(const char *file, int line, const char *reason) {
        fprintf(stderr, "%s:%d: skipped: %s\n", file, line, reason);
        fflush(stdout);
        fflush(stderr);
        _exit(EXIT_TEST_SKIP);
}

void test_print_quoted(FILE *f, const char *s) {
        if (!s) {
                fputs("(null)", f);
                return;
        }
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if (*p == '\n')
                        fputs("\\n", f);
                else if (*p == '\t')
                        fputs("\\t", f);
                else if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p < 0x20 || *p >= 0x7f)
                        fprintf(f, "\\x%02x", *p);
                else
                        fputc(*p, f);
        }
        fputc('"', f);
}

void test_print_strv(FILE *f, char * const *l) {
        if (!l) {
                fputs("(null)", f);
                return;
        }
        fputc('{', f);
        for (char * const *i = l; *i; i++) {
                fputs(i == l ? " " : ", ", f);
                test_print_quoted(f, *i);
        }
        fputs(" }", f);
}

bool test_strv_equal(char * const *a, char * const *b) {
        if (!a || !b)
                return a == b;
        for (; *a && *b; a++, b++)
                if (strcmp(*a, *b) != 0)
                        return false;
        return !*a && !*b;
}

char *test_path(const char *dir, const char *name) {
        char *p;
        if (asprintf(&p, "%s/%s", dir, name) < 0) {
                fprintf(stderr, "out of memory\n");
                test_fail();
        }
        return p;
}

void test_fake_block_dev(const char *root, const char *parent, const char *name, char * const *attrs) {
        _cleanup_free_ char *dir = NULL, *full = NULL, *classdir = NULL, *link = NULL, *target = NULL;

        ASSERT_TRUE(asprintf(&dir, "devices/%s/%s", parent, name) > 0);
        full = test_path(root, dir);
        ASSERT_OK(mkdir_p(full, 0755));
        classdir = test_path(root, "class/block");
        ASSERT_OK(mkdir_p(classdir, 0755));
        link = test_path(classdir, name);
        ASSERT_TRUE(asprintf(&target, "../../%s", dir) > 0);
        ASSERT_EQ(symlink(target, link), 0);
        for (char * const *a = attrs; a && *a; a++) {
                _cleanup_free_ char *rel = NULL;
                size_t n = strcspn(*a, "=");
                ASSERT_TRUE(asprintf(&rel, "%s/%.*s", dir, (int) n, *a) > 0);
                if (rel[strlen(rel) - 1] == '/') {
                        _cleanup_free_ char *d = test_path(root, rel);
                        ASSERT_OK(mkdir_p(d, 0755));
                } else
                        free(test_write_file(root, rel, (*a)[n] ? *a + n + 1 : ""));
        }
}

char *test_write_file(const char *dir, const char *relpath, const char *content) {
        char *p = test_path(dir, relpath);
        _cleanup_free_ char *parent = strdup(p);
        int r;

        if (!parent) {
                fprintf(stderr, "out of memory\n");
                test_fail();
        }
        r = mkdir_p(dirname(parent), 0755);
        if (r < 0) {
                fprintf(stderr, "cannot create the parent of \"%s\": %s\n", p, strerror(-r));
                test_fail();
        }
        r = write_file_atomic(p, content, strlen(content), 0644);
        if (r < 0) {
                fprintf(stderr, "cannot write \"%s\": %s\n", p, strerror(-r));
                test_fail();
        }
        return p;
}

char *test_read_file(const char *path) {
        return test_read_file_size(path, NULL);
}

char *test_read_file_size(const char *path, size_t *ret_size) {
        char *text;
        int r = read_full_file(path, &text, ret_size);
        if (r < 0) {
                fprintf(stderr, "cannot read \"%s\": %s\n", path, strerror(-r));
                test_fail();
        }
        return text;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st;
        (void) ftw;
        if (flag == FTW_DP)
                (void) rmdir(path);
        else
                (void) unlink(path);
        return 0;
}

static void remove_tree(const char *path) {
        /* A test may leave directories it made unwritable or unreadable. */
        (void) nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool selected(const char *name, int argc, char *argv[]) {
        if (argc < 2)
                return true;
        for (int i = 1; i < argc; i++)
                if (strcmp(argv[i], name) == 0)
                        return true;
        return false;
}

/* Runs one test in a child; returns 0 ok, EXIT_TEST_SKIP, or 1. */
static int run_one(const TestEntry *t) {
        const char *tmp = getenv("TMPDIR");
        _cleanup_free_ char *dir = NULL;
        int status;
        pid_t pid;

        if (asprintf(&dir, "%s/kdumpd-test-%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", t->name) < 0 || !mkdtemp(dir)) {
                fprintf(stderr, "%s: cannot create a temporary directory: %m\n", t->name);
                return 1;
        }
        fflush(stdout);
        fflush(stderr);
        pid = fork();
        if (pid < 0) {
                fprintf(stderr, "%s: fork: %m\n", t->name);
                remove_tree(dir);
                return 1;
        }
        if (pid == 0) {
                current_tmpdir = dir;
                t->run();
                fflush(stdout);
                fflush(stderr);
                exit(EXIT_SUCCESS); /* exit: LeakSanitizer checks here */
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR) {
                        fprintf(stderr, "%s: waitpid: %m\n", t->name);
                        return 1;
                }
        if (getenv("KDUMPD_TEST_KEEP"))
                fprintf(stderr, "%s: kept %s\n", t->name, dir);
        else
                remove_tree(dir);

        if (WIFSIGNALED(status)) {
                fprintf(stderr, "%s: killed by signal %d (%s)\n", t->name, WTERMSIG(status),
                        strsignal(WTERMSIG(status)));
                return 1;
        }
        if (WEXITSTATUS(status) == EXIT_TEST_SKIP)
                return EXIT_TEST_SKIP;
        return WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(int argc, char *argv[]) {
        unsigned n_ok = 0, n_skip = 0, n_fail = 0;

        /* Line-buffered so the per-test lines interleave with the
         * children's stderr in order. */
        setvbuf(stdout, NULL, _IOLBF, 0);

        for (const TestEntry *t = __start_kdumpd_tests; t < __stop_kdumpd_tests; t++) {
                if (!selected(t->name, argc, argv))
                        continue;
                int r = run_one(t);
                printf("%-4s %s\n", r == 0 ? "ok" : r == EXIT_TEST_SKIP ? "skip" : "FAIL", t->name);
                if (r == 0)
                        n_ok++;
                else if (r == EXIT_TEST_SKIP)
                        n_skip++;
                else
                        n_fail++;
        }
        printf("%u passed, %u skipped, %u failed\n", n_ok, n_skip, n_fail);
        if (n_ok + n_skip + n_fail == 0) {
                fprintf(stderr, "no test matched\n");
                return EXIT_FAILURE;
        }
        if (n_fail > 0)
                return EXIT_FAILURE;
        return n_ok == 0 ? EXIT_TEST_SKIP : EXIT_SUCCESS;
}
