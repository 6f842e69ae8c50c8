/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The raw dump target: a whole block device (or partition) with nothing on
 * it, which takes makedumpfile's flattened stream (-F) from its first byte.
 * There is no filesystem and no dump directory; kdumpd restores the stream
 * into <path> on the next boot (src/kdumpd-arm/raw-harvest.c). A device that
 * carries any signature libblkid knows is someone's data: never written. */
#pragma once

#include <stdint.h>

/* Waits until spec ("SERIAL=…", "PARTUUID=…", "/dev/vdb": what mkdumprd
 * baked) names a device, until deadline_usec (CLOCK_MONOTONIC), and checks
 * that it is a block device of size bytes (0: any size) with no signature.
 * Logs why not; returns 0 with the device node, or -errno (-ENODEV: it
 * never appeared, -EMEDIUMTYPE: it has another size, -EEXIST: it carries
 * a signature). */
int raw_target_find(const char *spec, uint64_t size, uint64_t deadline_usec, char **ret_devnode);

/* Checks devnode once more for a signature, then opens it (write-only,
 * exclusively when it is a block device, never truncated), checks that
 * what it opened has size bytes (0: any size), runs core_collector (its
 * argv) with vmcore appended and its stdout on the device, and fsyncs the
 * device. Logs; returns 0, the collector's exit status (> 0), or -errno
 * (-EMEDIUMTYPE: another size, -ETIME: killed at deadline_usec; -ECOMM,
 * not logged: killed after no progress for stall_usec, 0: no watchdog). */
int raw_target_save_vmcore(const char *devnode, uint64_t size, char * const *core_collector, const char *vmcore,
                           uint64_t deadline_usec, uint64_t stall_usec);
