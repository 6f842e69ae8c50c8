/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture program's children with deadlines (src/shared/basic/child.c),
 * with real programs: exit statuses, a child killed at its deadline, a
 * pipe whose either end fails; a function in a child. */
#include <signal.h>
#include <sys/stat.h>

#include "child.h"
#include "deadline.h"
#include "fileio.h"
#include "tests.h"

static char *sh(const char *script) {
        return (char *) script;
}

TEST(child_exit_status) {
        char *ok[] = { (char *) "true", NULL }, *bad[] = { (char *) "sh", (char *) "-c", sh("exit 7"), NULL };
        char *missing[] = { (char *) "/nonexistent/program", NULL };
        ASSERT_EQ(child_run(ok, NULL, -1, -1, 0), 0);
        ASSERT_EQ(child_run(bad, NULL, -1, -1, 0), 7);
        ASSERT_ERROR(child_run(missing, NULL, -1, -1, 0), ENOENT);
}

TEST(child_killed_at_deadline) {
        char *hang[] = { (char *) "sleep", (char *) "30", NULL };
        uint64_t start = now_usec();
        ASSERT_ERROR(child_run(hang, NULL, -1, -1, deadline_after_sec(1)), ETIME);
        ASSERT_LT(now_usec() - start, 10 * 1000000ULL);
}

TEST(child_stdin_is_not_a_terminal) {
        /* What dbclient does with an unknown host: ask on /dev/tty, then stdin. */
        char *ask[] = { (char *) "sh", (char *) "-c", sh("if (exec 3</dev/tty) 2>/dev/null; then exit 1; fi; read -r a; [ -z \"$a\" ]"), NULL };
        ASSERT_EQ(child_run(ask, NULL, -1, -1, deadline_after_sec(5)), 0);
}

TEST(child_pipe) {
        _cleanup_free_ char *out = test_path(test_tmpdir(), "piped"), *cmd = NULL;
        ASSERT_TRUE(asprintf(&cmd, "cat > '%s'", out) > 0);
        char *producer[] = { (char *) "printf", (char *) "stream", NULL };
        char *consumer[] = { (char *) "sh", (char *) "-c", cmd, NULL };
        int which = -1;
        ASSERT_EQ(child_run_pipe(producer, consumer, NULL, 0, &which), 0);
        _cleanup_free_ char *got = test_read_file(out);
        ASSERT_STREQ(got, "stream");

        char *fails[] = { (char *) "sh", (char *) "-c", sh("exit 3"), NULL };
        ASSERT_EQ(child_run_pipe(fails, consumer, NULL, 0, &which), 3);
        ASSERT_EQ(which, 0);

        /* The consumer going away shows as its failure, not the
         * producer's SIGPIPE. */
        char *endless[] = { (char *) "yes", NULL };
        char *gone[] = { (char *) "sh", (char *) "-c", sh("exit 5"), NULL };
        ASSERT_EQ(child_run_pipe(endless, gone, NULL, deadline_after_sec(10), &which), 5);
        ASSERT_EQ(which, 1);
}

static int fails_with_enospc(void *userdata) {
        (void) userdata;
        return -ENOSPC;
}

static int writes_a_file(void *userdata) {
        return mkdir_p(userdata, 0755);
}

static _noreturn_ int hangs(void *userdata) {
        (void) userdata;
        for (;;)
                pause();
}

/* What mount_root_run_init's mount runs in: f's errno comes back, its
 * effects on the filesystem stay, and one that never returns is killed. */
TEST(child_call_result_and_deadline) {
        _cleanup_free_ char *dir = test_path(test_tmpdir(), "made/by/child");
        struct stat st;

        ASSERT_ERROR(child_call(fails_with_enospc, NULL, 0), ENOSPC);
        ASSERT_OK(child_call(writes_a_file, dir, deadline_after_sec(10)));
        ASSERT_OK(stat(dir, &st));

        uint64_t start = now_usec();
        ASSERT_ERROR(child_call(hangs, NULL, deadline_after_sec(1)), ETIME);
        ASSERT_LT(now_usec() - start, 5 * 1000000ULL);
}
