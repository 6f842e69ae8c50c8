/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hotplug-watch.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-device.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"

struct HotplugWatch {
        sd_event *event;
        sd_device_monitor *monitor;
        sd_event_source *timer;
        uint64_t debounce_usec;
        char *sysfs;
        bool memory, cpu; /* seen since the last call */
        hotplug_watch_handler_t handler;
        void *userdata;
};

bool hotplug_kernel_updates_headers(const char *sysfs, const char *subsystem) {
        _cleanup_free_ char *path = NULL, *value = NULL;

        if (asprintf(&path, "%s/devices/system/%s/crash_hotplug", sysfs, subsystem) < 0)
                return false;
        return read_one_line_file(path, &value) >= 0 && strcmp(value, "1") == 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        HotplugWatch *w = userdata;
        const char *what = w->memory && w->cpu ? "memory and cpu" : w->memory ? "memory" : "cpu";

        w->memory = w->cpu = false;
        w->handler(w, what, w->userdata);
        return 0;
}

/* Which events change what a dump must hold: memory blocks and CPUs that
 * come, go, or go on- or offline. */
static bool action_matters(sd_device_action_t a) {
        return a == SD_DEVICE_ADD || a == SD_DEVICE_REMOVE || a == SD_DEVICE_ONLINE || a == SD_DEVICE_OFFLINE;
}

static int on_uevent(sd_device_monitor *m, sd_device *dev, void *userdata) {
        HotplugWatch *w = userdata;
        sd_device_action_t action;
        const char *subsystem;
        int r;

        if (sd_device_get_action(dev, &action) < 0 || !action_matters(action) ||
            sd_device_get_subsystem(dev, &subsystem) < 0)
                return 0;
        if (strcmp(subsystem, "memory") != 0 && strcmp(subsystem, "cpu") != 0)
                return 0;
        /* Asked now, not when kdumpd started: crash_hotplug says 1 only
         * while a capture kernel whose headers the kernel can update is
         * loaded (Linux 6.5+; before the first load it says 0). */
        if (hotplug_kernel_updates_headers(w->sysfs, subsystem)) {
                log_debug("%s hot-plug: the kernel updates the loaded crash headers itself.", subsystem);
                return 0;
        }
        if (strcmp(subsystem, "memory") == 0)
                w->memory = true;
        else
                w->cpu = true;
        if (!w->timer)
                r = sd_event_add_time_relative(w->event, &w->timer, CLOCK_MONOTONIC, w->debounce_usec,
                                               w->debounce_usec / 4 ?: 1, on_timer, w);
        else {
                r = sd_event_source_set_time_relative(w->timer, w->debounce_usec);
                if (r >= 0)
                        r = sd_event_source_set_enabled(w->timer, SD_EVENT_ONESHOT);
        }
        if (r < 0)
                log_warning_errno(r, "Failed to schedule a reload after %s hot-plug: %m", subsystem);
        return 0;
}

int hotplug_watch_new(sd_event *e, const char *sysfs, uint64_t debounce_usec, hotplug_watch_handler_t handler,
                      void *userdata, HotplugWatch **ret) {
        _cleanup_free_ HotplugWatch *w = NULL;
        int r;

        assert_return(e && sysfs && handler && ret, -EINVAL);
        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        *w = (HotplugWatch) { .event = e, .debounce_usec = debounce_usec, .handler = handler, .userdata = userdata };
        w->sysfs = strdup(sysfs);
        if (!w->sysfs) {
                free(TAKE_PTR(w));
                return -ENOMEM;
        }
        r = sd_device_monitor_new(&w->monitor);
        if (r >= 0)
                r = sd_device_monitor_filter_add_match_subsystem_devtype(w->monitor, "memory", NULL);
        if (r >= 0)
                r = sd_device_monitor_filter_add_match_subsystem_devtype(w->monitor, "cpu", NULL);
        if (r >= 0)
                r = sd_device_monitor_attach_event(w->monitor, e);
        if (r >= 0)
                r = sd_device_monitor_start(w->monitor, on_uevent, w);
        if (r < 0) {
                sd_device_monitor_unref(w->monitor);
                free(w->sysfs);
                return r;
        }
        *ret = TAKE_PTR(w);
        return 0;
}

int hotplug_signature(const char *sysfs, char **ret) {
        _cleanup_free_ char *cpus_path = NULL, *cpus = NULL, *mem_path = NULL;
        unsigned long long blocks = 0, online = 0;
        DIR *d;

        if (asprintf(&cpus_path, "%s/devices/system/cpu/online", sysfs) < 0 ||
            asprintf(&mem_path, "%s/devices/system/memory", sysfs) < 0)
                return -ENOMEM;
        if (read_one_line_file(cpus_path, &cpus) < 0)
                cpus = NULL;
        d = opendir(mem_path);
        for (struct dirent *de; d && (de = readdir(d));) {
                _cleanup_free_ char *p = NULL, *v = NULL;
                if (strncmp(de->d_name, "memory", 6) != 0 || !de->d_name[6])
                        continue;
                blocks++;
                if (asprintf(&p, "%s/%s/online", mem_path, de->d_name) < 0) {
                        closedir(d);
                        return -ENOMEM;
                }
                if (read_one_line_file(p, &v) >= 0 && strcmp(v, "1") == 0)
                        online++;
        }
        if (d)
                closedir(d);
        return asprintf(ret, "cpus %s, memory blocks %llu of %llu online", cpus ?: "?", online, blocks) < 0 ?
                -ENOMEM : 0;
}

HotplugWatch *hotplug_watch_free(HotplugWatch *w) {
        if (!w)
                return NULL;
        w->timer = sd_event_source_disable_unref(w->timer);
        sd_device_monitor_unref(w->monitor);
        free(w->sysfs);
        free(w);
        return NULL;
}
