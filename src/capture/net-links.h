/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The links of a network plan made again in the capture kernel with
 * rtnetlink: a bond, VLAN or bridge created over the NICs found by MAC,
 * with the MAC, MTU and options they had on the running system. */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "net-plan.h"
#include "rtnl.h"

/* A link of the plan as it is in the capture kernel. */
typedef struct NetLinkUp {
        const NetLink *link;
        char ifname[IFNAMSIZ];
        int ifindex;            /* 0: not there (a NIC that did not appear) */
} NetLinkUp;

/* The RTM_NEWLINK request that creates l (a bond, VLAN or bridge) under
 * ifname; the VLAN's lower link and the bond's primary are looked up in
 * up[0..n). -EINVAL for a NIC. */
int net_link_create_message(const NetLink *l, const char *ifname, const NetLinkUp *up, size_t n, RtnlMessage *m);

/* Creates every virtual link of up[0..n) (its NICs are found already:
 * ifindex > 0 or missing), enslaves the members, sets MTUs and brings
 * everything up, NICs first. Logs failures. */
int net_links_up(int rtnl_fd, NetLinkUp *up, size_t n);
