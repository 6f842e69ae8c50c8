/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PID 1's supervision of the capture worker (src/capture/supervisor.c),
 * with real processes: workers that succeed, fail, crash, hang, and leave
 * orphans. This process is made a child subreaper so that orphans come to
 * it as they come to PID 1 in the capture kernel. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "supervisor.h"
#include "tests.h"

static void kill_group(pid_t worker) {
        (void) kill(-worker, SIGKILL);
}

typedef void (*WorkerBody)(int report_fd);

/* Starts body in a worker (its own process group, as kill_group expects)
 * and supervises it. */
static Supervision run(WorkerBody body, uint64_t first_deadline, uint64_t grace) {
        Supervision s = {};
        int fds[2];

        ASSERT_OK(prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 ? -errno : 0);
        ASSERT_OK(pipe(fds) < 0 ? -errno : 0);
        pid_t pid = fork();
        ASSERT_TRUE(pid >= 0);
        if (pid == 0) {
                setpgid(0, 0);
                close(fds[0]);
                body(fds[1]);
                _exit(WORKER_EXIT_SUCCESS);
        }
        setpgid(pid, pid);
        close(fds[1]);
        ASSERT_OK(supervise(pid, fds[0], first_deadline, grace, kill_group, &s));
        close(fds[0]);
        return s;
}

static void say(int fd, const char *line) {
        ASSERT_EQ(write(fd, line, strlen(line)), (ssize_t) strlen(line));
}

static void step_report(int fd, const char *step, long seconds) {
        char line[128];
        snprintf(line, sizeof(line), "step %s %llu\n", step, (unsigned long long) deadline_after_sec(seconds));
        say(fd, line);
}

static void body_succeeds(int fd) {
        step_report(fd, "wait-target", 60);
        say(fd, "mounted 1\n");
        say(fd, "dir /kdumproot/var/crash/127.0.0.1-2026-11-23-12:00:00\n");
        step_report(fd, "dump-vmcore", 60);
        say(fd, "mounted 0\n");
}

TEST(worker_that_succeeds) {
        _cleanup_(supervision_done) Supervision s = run(body_succeeds, deadline_after_sec(60), 0);
        ASSERT_EQ(s.end, WORKER_SUCCEEDED);
        ASSERT_TRUE(strcmp(s.step, "dump-vmcore") == 0);
        ASSERT_TRUE(s.dump_dir && strcmp(s.dump_dir, "/kdumproot/var/crash/127.0.0.1-2026-11-23-12:00:00") == 0);
        ASSERT_FALSE(s.mounted);
}

static void body_fails(int fd) {
        step_report(fd, "pre-hooks", 60);
        _exit(WORKER_EXIT_FAILURE);
}

TEST(worker_that_fails) {
        _cleanup_(supervision_done) Supervision s = run(body_fails, deadline_after_sec(60), 0);
        ASSERT_EQ(s.end, WORKER_FAILED);
        ASSERT_TRUE(strcmp(s.step, "pre-hooks") == 0);
}

/* A crash of the worker leaves what it reported: PID 1 goes on from there. */
static void body_crashes(int fd) {
        step_report(fd, "dump-vmcore", 60);
        say(fd, "mounted 1\n");
        say(fd, "dir /kdumproot/d\n");
        /* SIGABRT: sanitizers catch SIGSEGV themselves and exit instead. */
        raise(SIGABRT);
}

TEST(worker_that_crashes) {
        _cleanup_(supervision_done) Supervision s = run(body_crashes, deadline_after_sec(60), 0);
        ASSERT_EQ(s.end, WORKER_CRASHED);
        ASSERT_TRUE(WIFSIGNALED(s.status) && WTERMSIG(s.status) == SIGABRT);
        ASSERT_TRUE(strcmp(s.step, "dump-vmcore") == 0);
        ASSERT_TRUE(s.mounted);
        ASSERT_TRUE(s.dump_dir && strcmp(s.dump_dir, "/kdumproot/d") == 0);
}

static void body_odd_exit(int fd) {
        (void) fd;
        _exit(42);
}

TEST(worker_with_an_exit_status_it_never_uses_crashed) {
        _cleanup_(supervision_done) Supervision s = run(body_odd_exit, deadline_after_sec(60), 0);
        ASSERT_EQ(s.end, WORKER_CRASHED);
        ASSERT_EQ(s.step[0], 0);
}

/* A worker stuck past its step's deadline (plus the grace) is killed. */
static void body_hangs(int fd) {
        step_report(fd, "pre-hooks", 1);
        for (;;)
                pause();
}

TEST(worker_that_hangs_is_killed_at_its_step_deadline) {
        uint64_t start = now_usec();
        _cleanup_(supervision_done) Supervision s = run(body_hangs, deadline_after_sec(60), 500 * 1000);
        uint64_t took = now_usec() - start;
        ASSERT_EQ(s.end, WORKER_TIMED_OUT);
        ASSERT_TRUE(strcmp(s.step, "pre-hooks") == 0);
        ASSERT_TRUE(WIFSIGNALED(s.status) && WTERMSIG(s.status) == SIGKILL);
        ASSERT_TRUE(took >= 1400 * 1000 && took < 10 * 1000000ULL);
}

/* Before its first report the worker has the first deadline. */
static void body_silent(int fd) {
        (void) fd;
        for (;;)
                pause();
}

TEST(silent_worker_is_killed_at_the_first_deadline) {
        _cleanup_(supervision_done) Supervision s = run(body_silent, deadline_after_sec(1), 0);
        ASSERT_EQ(s.end, WORKER_TIMED_OUT);
        ASSERT_EQ(s.step[0], 0);
}

/* Orphans (a child the worker started and never waited for) are reaped:
 * nothing is left as a zombie once the worker is done. */
static void body_leaves_orphan(int fd) {
        (void) fd;
        pid_t g = fork();
        if (g == 0)
                _exit(0);
        siginfo_t si;
        /* Wait until it is a zombie, without reaping it. */
        (void) waitid(P_PID, g, &si, WEXITED | WNOWAIT);
        _exit(WORKER_EXIT_SUCCESS);
}

TEST(orphans_are_reaped) {
        _cleanup_(supervision_done) Supervision s = run(body_leaves_orphan, deadline_after_sec(60), 0);
        ASSERT_EQ(s.end, WORKER_SUCCEEDED);
        ASSERT_TRUE(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);
}

/* Garbage on the pipe changes nothing. */
static void body_garbage(int fd) {
        say(fd, "step\nstep x notanumber\nmounted\nnonsense line\n");
        step_report(fd, "dump-dmesg", 60);
}

TEST(garbage_reports_are_ignored) {
        _cleanup_(supervision_done) Supervision s = run(body_garbage, deadline_after_sec(60), 0);
        ASSERT_EQ(s.end, WORKER_SUCCEEDED);
        ASSERT_TRUE(strcmp(s.step, "dump-dmesg") == 0);
        ASSERT_TRUE(s.dump_dir == NULL);
}

TEST(end_names) {
        ASSERT_TRUE(strcmp(worker_end_to_string(WORKER_TIMED_OUT), "timed out") == 0);
        ASSERT_TRUE(worker_end_to_string((WorkerEnd) 99) == NULL);
}

/* A worker stuck in its last step, the trace, after it said how the dump
 * went: killed, and that outcome is kept for PID 1 to end the boot by. */
static void body_hangs_in_trace(int fd) {
        step_report(fd, "unmount", 60);
        say(fd, "outcome ok\n");
        step_report(fd, "trace", 1);
        for (;;)
                pause();
}

TEST(worker_stuck_in_the_trace_keeps_its_outcome) {
        _cleanup_(supervision_done) Supervision s = run(body_hangs_in_trace, deadline_after_sec(60), 500 * 1000);
        ASSERT_EQ(s.end, WORKER_TIMED_OUT);
        ASSERT_STREQ(s.step, "trace");
        ASSERT_EQ(s.outcome, WORKER_OUTCOME_OK);
}
