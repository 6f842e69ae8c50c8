/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Brings up the interface that reaches the dump server, as mkdumprd
 * recorded it: a NIC found by MAC (interface names differ without udev),
 * or a bond, VLAN or bridge made again over NICs found so (net-links.c);
 * its address from DHCP (net-dhcp.c) or as recorded, set with the
 * kernel's ioctls with the routes to the gateway or server. */
#pragma once

#include <stdint.h>

#include "deadline.h"
#include "net-plan.h"

/* Waits (until deadline_usec, CLOCK_MONOTONIC) for the interfaces and the
 * carrier, waits link_delay_sec more when asked, then configures it.
 * *ret_address: the address it set (a lease's may differ from the plan's).
 * Returns -ETIMEDOUT when the interface, the link or a lease never came. */
int net_up(const NetPlan *plan, long link_delay_sec, uint64_t deadline_usec, char **ret_address);
