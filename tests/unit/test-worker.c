/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arm-protocol.h"
#include "deadline.h"
#include "spawn.h"
#include "tests.h"
#include "worker.h"

typedef struct Seen {
        char **lines;
        int status;
        bool ended;
        const char *dir; /* for the work */
} Seen;

static void on_line(Worker *w, const char *line, void *userdata) {
        Seen *s = userdata;
        ASSERT_OK(strv_extend(&s->lines, line));
}

static void on_exit_(Worker *w, int status, void *userdata) {
        Seen *s = userdata;
        s->status = status;
        s->ended = true;
}

static sd_event *block_and_loop(void) {
        sigset_t mask;
        sd_event *e = NULL;

        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        ASSERT_OK(sigprocmask(SIG_BLOCK, &mask, NULL));
        ASSERT_OK(sd_event_new(&e));
        return e;
}

static void run_until_ended(sd_event *e, Seen *s, uint64_t seconds) {
        uint64_t deadline = deadline_after_sec(seconds);
        while (!s->ended && now_usec() < deadline)
                ASSERT_OK(sd_event_run(e, 100 * 1000));
}

static int work_reports(int fd, void *userdata) {
        dprintf(fd, "busy building\n");
        dprintf(fd, "a line of another kind\n");
        /* The last line, without a newline of its own. */
        (void) write(fd, "armed x", 7);
        return 3;
}

TEST(worker_lines_and_status) {
        sd_event *e = block_and_loop();
        Worker *w = NULL;
        Seen s = {};

        ASSERT_OK(worker_start(e, work_reports, on_line, on_exit_, &s, &w));
        run_until_ended(e, &s, 10);
        ASSERT_TRUE(s.ended);
        ASSERT_EQ(s.status, 3);
        ASSERT_EQ(strv_length(s.lines), 3u);
        ASSERT_STREQ(s.lines[0], "busy building");
        ASSERT_STREQ(s.lines[1], "a line of another kind");
        ASSERT_STREQ(s.lines[2], "armed x");
        worker_free(w);
        strv_free(s.lines);
        sd_event_unref(e);
}

/* The worker's signals are the defaults, not kdumpd's blocked set. */
static int work_checks_mask(int fd, void *userdata) {
        sigset_t now;
        sigprocmask(SIG_SETMASK, NULL, &now);
        return sigismember(&now, SIGCHLD) || sigismember(&now, SIGTERM) ? 1 : 0;
}

TEST(worker_signals_reset) {
        sd_event *e = block_and_loop();
        Worker *w = NULL;
        Seen s = {};

        ASSERT_OK(worker_start(e, work_checks_mask, on_line, on_exit_, &s, &w));
        run_until_ended(e, &s, 10);
        ASSERT_EQ(s.status, 0);
        worker_free(w);
        sd_event_unref(e);
}

static int work_crashes(int fd, void *userdata) {
        raise(SIGSEGV);
        return 0;
}

TEST(worker_killed_status) {
        sd_event *e = block_and_loop();
        Worker *w = NULL;
        Seen s = {};

        ASSERT_OK(worker_start(e, work_crashes, on_line, on_exit_, &s, &w));
        run_until_ended(e, &s, 10);
        ASSERT_EQ(s.status, 128 + SIGSEGV);
        worker_free(w);
        sd_event_unref(e);
}

/* A shell that, like dracut, cleans up on SIGINT: stopping the worker
 * lets it run its trap, and the worker ends after it. */
static int work_runs_child(int fd, void *userdata) {
        const char *dir = ((Seen *) userdata)->dir;
        char *script = NULL;
        ASSERT_TRUE(asprintf(&script, "trap 'touch %s/cleaned; exit 1' INT; touch %s/started; "
                             "while :; do sleep 0.1; done", dir, dir) > 0);
        char *argv[] = { (char *) "sh", (char *) "-c", script, NULL };
        int r = spawn_and_wait(argv, NULL);
        dprintf(fd, "child ended %d\n", r);
        return r == 1 ? 0 : 2;
}

TEST(worker_stop_lets_children_clean_up) {
        sd_event *e = block_and_loop();
        Worker *w = NULL;
        Seen s = { .dir = test_tmpdir() };
        char *started = test_path(test_tmpdir(), "started"), *cleaned = test_path(test_tmpdir(), "cleaned");
        uint64_t deadline = deadline_after_sec(10);

        ASSERT_OK(worker_start(e, work_runs_child, on_line, on_exit_, &s, &w));
        while (access(started, F_OK) < 0 && now_usec() < deadline)
                usleep(50 * 1000);
        ASSERT_OK(access(started, F_OK));
        uint64_t t0 = now_usec();
        worker_stop(w, 10 * 1000000ULL);
        ASSERT_TRUE(now_usec() - t0 < 5 * 1000000ULL);
        ASSERT_OK(access(cleaned, F_OK));
        ASSERT_FALSE(s.ended); /* a stop is not told as an exit */
        worker_free(w);
        sd_event_unref(e);
        free(started);
        free(cleaned);
}

/* A worker that ignores SIGINT is killed at the deadline, with its group. */
/* Ignores SIGINT (its child inherits that), then says so: the test stops
 * it only after that line, or a SIGINT could come first and end it early. */
static int work_hangs(int fd, void *userdata) {
        char *argv[] = { (char *) "sh", (char *) "-c", (char *) "trap '' INT; sleep 100", NULL };
        signal(SIGINT, SIG_IGN);
        (void) arm_line_write(fd, ARM_LINE_BUSY, "ignoring SIGINT");
        return spawn_and_wait(argv, NULL);
}

TEST(worker_stop_kills_at_deadline) {
        sd_event *e = block_and_loop();
        Worker *w = NULL;
        Seen s = {};

        ASSERT_OK(worker_start(e, work_hangs, on_line, on_exit_, &s, &w));
        uint64_t ready_by = deadline_after_sec(20);
        while (strv_length(s.lines) == 0 && now_usec() < ready_by)
                ASSERT_OK(sd_event_run(e, 100 * 1000));
        ASSERT_EQ(strv_length(s.lines), 1u);
        uint64_t t0 = now_usec();
        worker_stop(w, 1000000ULL);
        uint64_t took = now_usec() - t0;
        ASSERT_TRUE(took >= 900000ULL && took < 5 * 1000000ULL);
        worker_free(w);
        sd_event_unref(e);
        strv_free(s.lines);
}
