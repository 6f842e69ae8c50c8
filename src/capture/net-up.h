/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Brings up the one interface that reaches the dump server, as mkdumprd
 * recorded it: found by MAC (interface names differ without udev), its
 * address and route set with the kernel's ioctls. */
#pragma once

#include <stdint.h>

#include "deadline.h"
#include "net-plan.h"

/* Waits (until deadline_usec, CLOCK_MONOTONIC) for the interface and its
 * carrier, waits link_delay_sec more when asked, then configures it.
 * Returns -ETIMEDOUT when the interface or the link never came. */
int net_up(const NetPlan *plan, long link_delay_sec, uint64_t deadline_usec);
