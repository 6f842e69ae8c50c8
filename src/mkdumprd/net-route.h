/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the running system knows about reaching a dump server: which
 * interface and source address the kernel would use, through which
 * gateway, and which drivers that interface needs. */
#pragma once

#include <linux/netlink.h>

#include "net-plan.h"

/* Resolves host (a name, an IPv4 address or an IPv6 address, with or
 * without brackets) and fills in the route to it and the links under it.
 * Errors: -EADDRNOTAVAIL no address for host, -ENETUNREACH no route,
 * -ELOOP the server is this machine, -EOPNOTSUPP the capture cannot set
 * up what the route leaves by: then *ret_why says what and why. */
int net_plan_for_server(const char *host, NetPlan *ret, char **ret_why);

/* An RTM_GETROUTE answer: its output interface, type (RTN_*), gateway and
 * preferred source (NULL: none). -EBADMSG when it is not one. */
int net_route_answer_parse(const struct nlmsghdr *h, int *ret_oif, unsigned char *ret_type, char **ret_gateway,
                           char **ret_source);

/* The kernel modules of the interface's device and of the devices above
 * it in sysfs (driver, bus), for the capture image. */
int net_interface_modules(const char *ifname, char ***ret);
