/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The links on the route to a dump server as the running kernel has them
 * (rtnetlink's RTM_GETLINK), and which of them the capture image can set up
 * again: a NIC; a bond of NICs; a VLAN on a NIC; a bridge with one NIC as
 * its port. Anything else on the route is refused with the reason. */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "net-plan.h"

#define NET_ARP_TARGETS_MAX 16

/* One link as RTM_GETLINK tells it. */
typedef struct NetLinkInfo {
        int ifindex;
        char name[IFNAMSIZ];
        char kind[32];            /* IFLA_INFO_KIND; "" for a device with a driver */
        unsigned short type;      /* ARPHRD_* */
        char mac[18];             /* IFLA_ADDRESS, "52:54:00:12:34:56" */
        char perm_mac[18];        /* IFLA_PERM_ADDRESS, "" when the kernel has none */
        unsigned mtu;
        int master;               /* IFLA_MASTER: its bond or bridge, 0: none */
        int parent;               /* IFLA_LINK: a VLAN's lower link, 0: none */
        bool device;              /* backed by a device (IFLA_PARENT_DEV_NAME, or sysfs) */
        unsigned vlan_id;
        uint16_t vlan_protocol;
        uint32_t bond[NET_BOND_OPTIONS_MAX]; /* by index in net_bond_options() */
        uint32_t bond_have;       /* bit i: the kernel said bond[i] */
        int bond_primary;         /* ifindex, 0: none */
        uint32_t arp_targets[NET_ARP_TARGETS_MAX]; /* network order */
        unsigned n_arp_targets;
        bool bridge_vlan_filtering;
} NetLinkInfo;

/* Parses one RTM_NEWLINK message (of a dump). -EBADMSG when it is not one. */
int net_link_info_parse(const struct nlmsghdr *h, NetLinkInfo *ret);

/* Every link of the running kernel. */
int net_links_read(NetLinkInfo **ret, size_t *ret_n);

/* Fills p->interface, p->mac, p->mtu and, for a bond, VLAN or bridge,
 * p->links from the links on the route out of oif. -EOPNOTSUPP when the
 * capture cannot set them up: then *ret_why says what and why, in words
 * that follow "reached through ". -ENODEV: oif is not among links. */
int net_topology_plan(const NetLinkInfo *links, size_t n, int oif, NetPlan *p, char **ret_why);

/* The kernel modules the capture needs for p's links besides the NICs'
 * drivers (bonding, 8021q, bridge), added to *mods. */
int net_topology_modules(const NetPlan *p, char ***mods);
