/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How the capture kernel reaches a network dump target: recorded by mkdumprd
 * from the running system (the links on the route: a NIC, or a bond, VLAN
 * or bridge over NICs; the address, the route, the server's address as DNS
 * answered at build time, whether the address came from DHCP) and read back
 * by the capture program, which has no resolver and no udev. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kdump-config.h"

typedef enum NetLinkKind {
        NET_LINK_NIC,    /* a device with a driver, found by its permanent MAC */
        NET_LINK_BOND,
        NET_LINK_VLAN,
        NET_LINK_BRIDGE,
        _NET_LINK_KIND_MAX,
        _NET_LINK_KIND_INVALID = -EINVAL,
} NetLinkKind;

const char *net_link_kind_to_string(NetLinkKind k);
NetLinkKind net_link_kind_from_string(const char *s);

/* The bond options the capture sets again, each a number as rtnetlink's
 * IFLA_BOND_* attribute of that name carries it (u8 or u32). */
typedef struct NetBondOption {
        const char *name; /* "miimon" */
        uint16_t attr;    /* IFLA_BOND_MIIMON */
        uint8_t size;     /* 1 or 4 */
        uint32_t initial; /* the kernel's value for a new bond: not recorded */
} NetBondOption;

#define NET_BOND_OPTIONS_MAX 16
const NetBondOption *net_bond_options(size_t *ret_n);

typedef struct NetLink {
        NetLinkKind kind;
        char *name;           /* on the running system; the capture's name too */
        char *mac;            /* nic: the permanent MAC it is found by; others: the MAC it had */
        unsigned mtu;         /* 0: the kernel's default */
        char **members;       /* bond: its slaves; bridge: its ports (nic links, by name) */
        char *parent;         /* vlan: the nic link it is on */
        unsigned vlan_id;     /* 1…4094 */
        uint16_t vlan_protocol; /* ETH_P_8021Q or ETH_P_8021AD */
        char *primary;        /* bond: the slave that is active while its link is up */
        uint32_t bond[NET_BOND_OPTIONS_MAX]; /* by index in net_bond_options() */
        uint32_t bond_set;    /* bit i: bond[i] was recorded */
        char **arp_targets;   /* bond: arp_ip_target, IPv4 addresses */
} NetLink;

typedef struct NetPlan {
        char *interface;      /* the name on the running system of the link with the address */
        char *mac;            /* that link's MAC ("52:54:00:12:34:56"); a NIC is found by it */
        unsigned mtu;         /* a NIC alone: its MTU (0: the default) */
        NetLink *links;       /* a bond, VLAN or bridge: every link, NICs first; NULL: a NIC alone */
        size_t n_links;
        char *address;        /* our address, "10.0.0.2" or "fd00::2" */
        unsigned prefixlen;   /* 24 */
        char *gateway;        /* NULL: the server is on the link */
        bool gateway_onlink;  /* the gateway is outside the prefix, on the link all the same */
        char *server;         /* the target's address, "10.0.0.1" or "fd00::1" */
        bool dhcp;            /* the address came from DHCP: ask DHCP again in the capture */
        unsigned dhcp_timeout;   /* seconds the capture waits for a lease */
        bool dhcp_fallback;      /* no lease in time: use address, prefixlen and gateway */
} NetPlan;

void net_link_done(NetLink *l);
void net_plan_done(NetPlan *p);

/* The link of p named name, or NULL. */
const NetLink *net_plan_link(const NetPlan *p, const char *name);

/* Writes the plan as "key value" lines. */
int net_plan_format(const NetPlan *p, FILE *out);
/* The same lines as one string. */
int net_plan_to_string(const NetPlan *p, char **ret);

/* Parses what net_plan_format() wrote. -EBADMSG when a line is not
 * understood, a required key (mac, address, server) is missing, or a link
 * names a link that is not there. */
int net_plan_parse(const char *text, NetPlan *ret);

/* True when the address text is IPv6 (has a colon). */
int net_address_family(const char *address);

/* The host part of an nfs ("host:/export", "[fd00::1]:/export") or ssh
 * ("user@host") location, brackets removed. -EINVAL when there is none. */
int net_target_host(DumpTargetType type, const char *location, char **ret);
