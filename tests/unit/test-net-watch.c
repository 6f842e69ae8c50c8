/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network watch against the real kernel: in a network namespace of
 * the test's own (root only, else SKIP), the loopback interface going up
 * and down is a burst of rtnetlink messages (the link, its addresses, the
 * local routes), as an address from systemd-networkd is. */
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "net-watch.h"
#include "tests.h"

typedef struct Calls {
        unsigned n;
        char *last;
        uint64_t at[8];
} Calls;

static void on_call(NetWatch *w, const char *why, void *userdata) {
        Calls *c = userdata;
        if (c->n < ELEMENTSOF(c->at))
                c->at[c->n] = now_usec();
        c->n++;
        free(c->last);
        c->last = strdup(why);
}

static void own_network_namespace(void) {
        if (unshare(CLONE_NEWNET) < 0)
                SKIP_TEST("no network namespace of our own (not root?)");
}

static void loopback_set_up(bool up) {
        _cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct ifreq ifr = {};

        ASSERT_TRUE(fd >= 0);
        strcpy(ifr.ifr_name, "lo");
        ASSERT_OK(ioctl(fd, SIOCGIFFLAGS, &ifr));
        ifr.ifr_flags = up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP;
        ASSERT_OK(ioctl(fd, SIOCSIFFLAGS, &ifr));
}

/* Runs the loop until c has n calls or seconds passed. */
static void run_until(sd_event *e, Calls *c, unsigned n, double seconds) {
        uint64_t deadline = now_usec() + (uint64_t) (seconds * 1e6);
        while (c->n < n && now_usec() < deadline)
                ASSERT_OK(sd_event_run(e, 50 * 1000));
}

TEST(net_watch_calls_once_per_burst) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(net_watch_freep) NetWatch *w = NULL;
        NetWatchTimes t = { .debounce_usec = 200 * 1000, .retry_first_usec = 60 * 1000000ULL,
                            .retry_max_usec = 60 * 1000000ULL };
        Calls c = {};

        own_network_namespace();
        ASSERT_OK(sd_event_new(&e));
        ASSERT_OK(net_watch_new(e, &t, on_call, &c, &w));
        run_until(e, &c, 1, 0.5);
        ASSERT_EQ(c.n, 0u); /* nothing changed yet */

        uint64_t t0 = now_usec();
        loopback_set_up(true);
        run_until(e, &c, 1, 5);
        ASSERT_EQ(c.n, 1u);
        ASSERT_STREQ(c.last, "the network changed");
        ASSERT_TRUE(c.at[0] - t0 >= t.debounce_usec);
        /* One call for the whole burst (link, addresses, routes). */
        run_until(e, &c, 2, 1);
        ASSERT_EQ(c.n, 1u);
        free(c.last);
}

TEST(net_watch_holds_changes_while_busy) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(net_watch_freep) NetWatch *w = NULL;
        NetWatchTimes t = { .debounce_usec = 100 * 1000, .retry_first_usec = 60 * 1000000ULL,
                            .retry_max_usec = 60 * 1000000ULL };
        Calls c = {};

        own_network_namespace();
        ASSERT_OK(sd_event_new(&e));
        ASSERT_OK(net_watch_new(e, &t, on_call, &c, &w));
        loopback_set_up(true);
        run_until(e, &c, 1, 5);
        ASSERT_EQ(c.n, 1u);

        /* The owner is busy (an arming runs): a change is held … */
        loopback_set_up(false);
        run_until(e, &c, 2, 1);
        ASSERT_EQ(c.n, 1u);
        /* … and comes once it is ready again, as a change, not a retry. */
        ASSERT_OK(net_watch_rearm(w));
        run_until(e, &c, 2, 5);
        ASSERT_EQ(c.n, 2u);
        ASSERT_STREQ(c.last, "the network changed");
        free(c.last);
}

TEST(net_watch_retries_less_and_less_often) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(net_watch_freep) NetWatch *w = NULL;
        NetWatchTimes t = { .debounce_usec = 100 * 1000, .retry_first_usec = 200 * 1000, .retry_max_usec = 400 * 1000 };
        Calls c = {};
        uint64_t start[4];

        own_network_namespace();
        ASSERT_OK(sd_event_new(&e));
        start[0] = now_usec();
        ASSERT_OK(net_watch_new(e, &t, on_call, &c, &w));
        for (unsigned i = 0; i < 4; i++) {
                run_until(e, &c, i + 1, 5);
                ASSERT_EQ(c.n, i + 1);
                ASSERT_STREQ(c.last, "retrying");
                if (i < 3) {
                        start[i + 1] = now_usec();
                        ASSERT_OK(net_watch_rearm(w));
                }
        }
        /* 200 ms, 400 ms, then no more than retry_max_usec. */
        static const uint64_t want[] = { 200 * 1000, 400 * 1000, 400 * 1000, 400 * 1000 };
        for (unsigned i = 0; i < 4; i++) {
                uint64_t took = c.at[i] - start[i];
                test_set_context("retry %u after %" PRIu64 " µs", i, took);
                ASSERT_TRUE(took >= want[i]);
                ASSERT_TRUE(took < want[i] + 1000 * 1000); /* generous: a loaded machine */
        }
        free(c.last);
}
