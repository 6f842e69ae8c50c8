/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the running system knows about reaching a dump server: which
 * interface and source address the kernel would use, through which
 * gateway, and which drivers that interface needs. */
#pragma once

#include "net-plan.h"

/* Resolves host (a name, an IPv4 address or an IPv6 address, with or
 * without brackets) and fills in the route to it. Errors: -EADDRNOTAVAIL
 * no address for host, -ENETUNREACH no route, -ELOOP the server is this
 * machine, -EOPNOTSUPP the interface is virtual (bridge, bond, VLAN, …). */
int net_plan_for_server(const char *host, NetPlan *ret);

/* The kernel modules of the interface's device and of the devices above
 * it in sysfs (driver, bus), for the capture image. */
int net_interface_modules(const char *ifname, char ***ret);
