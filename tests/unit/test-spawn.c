/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spawn_and_wait_deadline(): a build that hangs is stopped with its whole
 * process tree (issue 16, finding 4c: dracut ran without a deadline). */
#include <signal.h>
#include <unistd.h>

#include "deadline.h"
#include "spawn.h"
#include "tests.h"

TEST(deadline_stops_the_whole_tree) {
        _cleanup_free_ char *pidfile = test_path(test_tmpdir(), "grandchild.pid");
        _cleanup_free_ char *script = NULL;
        ASSERT_TRUE(asprintf(&script, "sleep 60 & echo $! >'%s'; wait", pidfile) > 0);
        char *argv[] = { (char *) "sh", (char *) "-c", script, NULL };
        uint64_t t0 = now_usec();

        ASSERT_EQ(spawn_and_wait_deadline(argv, NULL, 500 * 1000), -ETIME);
        ASSERT_TRUE(now_usec() - t0 < 10 * 1000000ULL); /* SIGINT was enough: no grace period */
        /* The grandchild (dracut's cp, say; a background job ignores
         * SIGINT) is gone too, once its new parent reaped it. */
        _cleanup_free_ char *pid = test_read_file(pidfile);
        bool gone = false;
        for (unsigned i = 0; i < 50 && !gone; i++) {
                gone = kill(atoi(pid), 0) < 0 && errno == ESRCH;
                if (!gone)
                        (void) usleep(100 * 1000);
        }
        ASSERT_TRUE(gone);
}

TEST(within_the_deadline_the_status_is_returned) {
        char *ok[] = { (char *) "sh", (char *) "-c", (char *) "exit 3", NULL };
        char *none[] = { (char *) "/nonexistent/program", NULL };

        ASSERT_EQ(spawn_and_wait_deadline(ok, NULL, 30 * 1000000ULL), 3);
        ASSERT_EQ(spawn_and_wait_deadline(ok, NULL, 0), 3);
        ASSERT_EQ(spawn_and_wait_deadline(none, NULL, 0), -ENOENT);
}
