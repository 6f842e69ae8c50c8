/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Memory and CPU hot-plug: the crash kernel's ELF headers (which memory a
 * dump holds, which CPUs' notes) are made when the capture kernel is
 * loaded, so a machine that grew or lost memory or CPUs needs it loaded
 * again, unless the kernel updates them itself (crash_hotplug, Linux
 * 6.5+). Udev's events are debounced: onlining a DIMM is dozens of them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

typedef struct HotplugWatch HotplugWatch;

/* what: "memory", "cpu" or "memory and cpu". */
typedef void (*hotplug_watch_handler_t)(HotplugWatch *w, const char *what, void *userdata);

/* Whether the kernel keeps the loaded crash kernel's headers right by
 * itself for subsystem ("memory", "cpu"): its
 * <sysfs>/devices/system/<subsystem>/crash_hotplug says 1. */
bool hotplug_kernel_updates_headers(const char *sysfs, const char *subsystem);

/* Watches memory and CPU hot-plug; an event of a subsystem whose loaded
 * crash headers the kernel updates itself (asked at the event) is
 * ignored. */
int hotplug_watch_new(sd_event *e, const char *sysfs, uint64_t debounce_usec, hotplug_watch_handler_t handler,
                      void *userdata, HotplugWatch **ret);

HotplugWatch *hotplug_watch_free(HotplugWatch *w);

/* What the crash headers describe, as one string: the online CPUs and the
 * online memory blocks. kdumpd records it before each arming and loads
 * again only when it changed (udev's coldplug at boot and a block that
 * goes offline and online again change nothing). */
int hotplug_signature(const char *sysfs, char **ret);
