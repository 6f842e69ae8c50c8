/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture program's children with deadlines (src/shared/basic/child.c),
 * with real programs: exit statuses, a child killed at its deadline, a
 * pipe whose either end fails; the stall watchdog over real processes and
 * the /proc it reads (proc-activity.c) faked; a function in a child. */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "child.h"
#include "deadline.h"
#include "fileio.h"
#include "proc-activity.h"
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
        ASSERT_EQ(child_run_pipe(producer, consumer, NULL, 0, 0, &which), 0);
        _cleanup_free_ char *got = test_read_file(out);
        ASSERT_STREQ(got, "stream");

        char *fails[] = { (char *) "sh", (char *) "-c", sh("exit 3"), NULL };
        ASSERT_EQ(child_run_pipe(fails, consumer, NULL, 0, 0, &which), 3);
        ASSERT_EQ(which, 0);

        /* The consumer going away shows as its failure, not the
         * producer's SIGPIPE. */
        char *endless[] = { (char *) "yes", NULL };
        char *gone[] = { (char *) "sh", (char *) "-c", sh("exit 5"), NULL };
        ASSERT_EQ(child_run_pipe(endless, gone, NULL, deadline_after_sec(10), 0, &which), 5);
        ASSERT_EQ(which, 1);
}

/* The ssh case: the remote side stops reading, so the producer blocks in
 * write(2) on a full pipe while the consumer lives on. Both are stopped
 * after the stall time, far before the deadline. */
TEST(child_pipe_stalled_producer_is_stopped) {
        char *producer[] = { (char *) "yes", NULL };
        char *consumer[] = { (char *) "sh", (char *) "-c", sh("read -r line; exec sleep 60"), NULL };
        int which = -1;
        uint64_t start = now_usec();

        ASSERT_ERROR(child_run_pipe(producer, consumer, NULL, deadline_after_sec(60), 1000000ULL, &which), ECOMM);
        ASSERT_EQ(which, 0);
        ASSERT_GE(now_usec() - start, 1000000ULL);
        ASSERT_LT(now_usec() - start, 10 * 1000000ULL);
}

TEST(child_silent_child_is_stopped) {
        char *hang[] = { (char *) "sleep", (char *) "60", NULL };
        uint64_t start = now_usec();
        ASSERT_ERROR(child_run_watched(hang, NULL, -1, -1, deadline_after_sec(60), 1000000ULL), ECOMM);
        ASSERT_LT(now_usec() - start, 8 * 1000000ULL);
}

/* Slow is not stalled: a write every half second keeps the watchdog away,
 * and so does a child that computes without writing (makedumpfile's pass
 * over the page tables before its first byte) and the work of the
 * collector's own children (a wrapper script that waits). */
TEST(child_slow_or_busy_child_is_not_stopped) {
        _cleanup_close_ int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        char *slow[] = { (char *) "sh", (char *) "-c", sh("for i in 1 2 3 4 5; do echo x; sleep 0.5; done"), NULL };
        char *busy[] = { (char *) "sh", (char *) "-c", sh("i=0; while [ $i -lt 2000000 ]; do i=$((i + 1)); done"), NULL };
        char *wrapper[] = { (char *) "sh", (char *) "-c", sh("yes >/dev/null & wait"), NULL };

        ASSERT_GE(null, 0);
        ASSERT_EQ(child_run_watched(slow, NULL, -1, null, deadline_after_sec(60), 1000000ULL), 0);
        ASSERT_EQ(child_run_watched(busy, NULL, -1, null, deadline_after_sec(60), 1000000ULL), 0);
        /* Never stalls: the deadline ends it. */
        ASSERT_ERROR(child_run_watched(wrapper, NULL, -1, null, deadline_after_sec(2), 1000000ULL), ETIME);
}

static void fake_process(const char *proc, const char *pid, const char *stat, const char *io) {
        _cleanup_free_ char *s = NULL, *i = NULL;
        ASSERT_TRUE(asprintf(&s, "%s/stat", pid) > 0);
        free(test_write_file(proc, s, stat));
        if (io) {
                ASSERT_TRUE(asprintf(&i, "%s/io", pid) > 0);
                free(test_write_file(proc, i, io));
        }
}

TEST(proc_session_activity_sums_the_session) {
        _cleanup_free_ char *proc = test_path(test_tmpdir(), "proc");
        ProcActivity a = {}, b = {};

        /* session 100: the collector (a name with blanks and parentheses)
         * and a child without io accounting; 7 is another session's. */
        fake_process(proc, "100", "100 (make dump) (x)) S 1 100 100 0 -1 4194304 10 0 0 0 5 2 3 1 20 0 1 0 9 0 0\n",
                     "rchar: 1000\nwchar: 24\nsyscr: 3\nsyscw: 1\nread_bytes: 0\nwrite_bytes: 4096\n");
        fake_process(proc, "101", "101 (sh) S 100 100 100 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 9 0 0\n", NULL);
        fake_process(proc, "7", "7 (other) S 1 7 7 0 -1 0 0 0 0 0 50 50 0 0 20 0 1 0 9 0 0\n", "rchar: 9\nwchar: 9\n");
        free(test_write_file(proc, "self", "not a process\n"));
        ASSERT_OK(proc_session_activity(proc, 100, &a));
        ASSERT_EQ(a.n_processes, 2u);
        ASSERT_EQ_U64(a.io_bytes, 1024);
        ASSERT_EQ_U64(a.cpu_ticks, 5 + 2 + 3 + 1 + 1 + 1);

        /* One more byte written is activity; the same counts are not. */
        ASSERT_OK(proc_session_activity(proc, 100, &b));
        ASSERT_TRUE(proc_activity_equal(&a, &b));
        fake_process(proc, "100", "100 (make dump) (x)) S 1 100 100 0 -1 4194304 10 0 0 0 5 2 3 1 20 0 1 0 9 0 0\n",
                     "rchar: 1000\nwchar: 25\n");
        ASSERT_OK(proc_session_activity(proc, 100, &b));
        ASSERT_FALSE(proc_activity_equal(&a, &b));

        /* A session with no process left is all zeros. */
        ASSERT_OK(proc_session_activity(proc, 4242, &a));
        ASSERT_EQ(a.n_processes, 0u);
        ASSERT_EQ_U64(a.io_bytes, 0);
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
