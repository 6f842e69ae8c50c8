/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Waiting for a network dump server to become reachable: at boot the
 * network comes when it comes (a late link, DHCP that takes minutes, an
 * address that systemd-networkd sets a second after kdumpd started), and
 * network-online.target may be absent or not waited for. The watch calls
 * back when rtnetlink says a link, address or route changed (debounced:
 * one call per burst), and otherwise after a growing interval, since what
 * DNS answers can change without any of those. */
#pragma once

#include <stdint.h>
#include <systemd/sd-event.h>

typedef struct NetWatch NetWatch;

/* why: "the network changed" or "retrying". */
typedef void (*net_watch_handler_t)(NetWatch *w, const char *why, void *userdata);

typedef struct NetWatchTimes {
        uint64_t debounce_usec;    /* quiet time after the last rtnetlink message */
        uint64_t retry_first_usec; /* first retry without a message; doubles … */
        uint64_t retry_max_usec;   /* … up to this */
} NetWatchTimes;

/* Subscribes to links, IPv4 and IPv6 addresses and routes. The retry timer
 * starts at retry_first_usec. */
int net_watch_new(sd_event *e, const NetWatchTimes *times, net_watch_handler_t handler, void *userdata,
                  NetWatch **ret);

/* After a call, the next one comes at the next change or the next retry
 * (whose interval has doubled): the owner calls this when it is ready to
 * try again (its attempt ended and it still waits). Changes seen while
 * the owner was busy count: they call back after debounce. */
int net_watch_rearm(NetWatch *w);

NetWatch *net_watch_free(NetWatch *w);
static inline void net_watch_freep(NetWatch **w) {
        net_watch_free(*w);
}
