/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net-watch.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/param.h> /* MIN, MAX */
#include <unistd.h>

#include "log.h"
#include "macro.h"

struct NetWatch {
        sd_event *event;
        sd_event_source *io, *debounce, *retry;
        int fd;
        NetWatchTimes times;
        uint64_t retry_next_usec; /* the interval of the next retry */
        bool busy;                /* called back, not rearmed yet */
        bool changed;             /* a message came while busy */
        net_watch_handler_t handler;
        void *userdata;
};

/* Starts (or moves) a one-shot timer due after usec. */
static int timer_start(NetWatch *w, sd_event_source **s, uint64_t usec, sd_event_time_handler_t cb) {
        int r;

        if (!*s)
                return sd_event_add_time_relative(w->event, s, CLOCK_MONOTONIC, usec, usec / 10 ?: 1, cb, w);
        r = sd_event_source_set_time_relative(*s, usec);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(*s, SD_EVENT_ONESHOT);
}

static void timers_stop(NetWatch *w) {
        if (w->debounce)
                (void) sd_event_source_set_enabled(w->debounce, SD_EVENT_OFF);
        if (w->retry)
                (void) sd_event_source_set_enabled(w->retry, SD_EVENT_OFF);
}

static void call(NetWatch *w, const char *why) {
        timers_stop(w);
        w->busy = true;
        w->changed = false;
        w->handler(w, why, w->userdata);
}

static int on_debounce(sd_event_source *s, uint64_t usec, void *userdata) {
        call(userdata, "the network changed");
        return 0;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        NetWatch *w = userdata;

        w->retry_next_usec = MIN(w->retry_next_usec * 2, w->times.retry_max_usec);
        call(w, "retrying");
        return 0;
}

/* Any message of the groups is a change that may have made the server
 * reachable: which one does not matter, the arming asks the kernel anew.
 * An overrun (ENOBUFS) lost some: a change too. */
static int on_netlink(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        NetWatch *w = userdata;
        char buf[8192];
        bool seen = false;
        int r;

        for (;;) {
                ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
                if (n > 0 || (n < 0 && errno == ENOBUFS)) {
                        seen = true;
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                break;
        }
        if (!seen)
                return 0;
        if (w->busy) {
                w->changed = true;
                return 0;
        }
        r = timer_start(w, &w->debounce, w->times.debounce_usec, on_debounce);
        if (r < 0)
                log_warning_errno(r, "Failed to schedule an arming after a network change: %m");
        return 0;
}

int net_watch_new(sd_event *e, const NetWatchTimes *times, net_watch_handler_t handler, void *userdata,
                  NetWatch **ret) {
        _cleanup_free_ NetWatch *w = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct sockaddr_nl sa = {
                .nl_family = AF_NETLINK,
                .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE |
                             RTMGRP_IPV6_ROUTE,
        };
        int r;

        assert_return(e && times && times->retry_first_usec > 0 && handler && ret, -EINVAL);
        fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
        if (fd < 0)
                return negative_errno();
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return negative_errno();
        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        *w = (NetWatch) {
                .event = sd_event_ref(e),
                .fd = -EBADF,
                .times = *times,
                .retry_next_usec = times->retry_first_usec,
                .handler = handler,
                .userdata = userdata,
        };
        w->times.retry_max_usec = MAX(w->times.retry_max_usec, w->times.retry_first_usec);
        r = sd_event_add_io(e, &w->io, fd, EPOLLIN, on_netlink, w);
        if (r >= 0)
                r = timer_start(w, &w->retry, w->retry_next_usec, on_retry);
        if (r < 0) {
                w->io = sd_event_source_unref(w->io);
                sd_event_unref(w->event);
                return r;
        }
        w->fd = TAKE_FD(fd);
        *ret = TAKE_PTR(w);
        return 0;
}

int net_watch_rearm(NetWatch *w) {
        assert_return(w, -EINVAL);
        if (!w->busy)
                return 0;
        w->busy = false;
        if (w->changed) {
                w->changed = false;
                return timer_start(w, &w->debounce, w->times.debounce_usec, on_debounce);
        }
        return timer_start(w, &w->retry, w->retry_next_usec, on_retry);
}

NetWatch *net_watch_free(NetWatch *w) {
        if (!w)
                return NULL;
        sd_event_source_disable_unref(w->io);
        sd_event_source_disable_unref(w->debounce);
        sd_event_source_disable_unref(w->retry);
        if (w->fd >= 0)
                close(w->fd);
        sd_event_unref(w->event);
        free(w);
        return NULL;
}
