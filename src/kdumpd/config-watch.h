/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Noticing that configuration files changed: an inotify watch on each
 * file's directory (an editor that saves by writing a new file and renaming
 * it over the old one would end a watch on the file itself), and a
 * debounce timer, so that a burst of changes gives one call. */
#pragma once

#include <stdint.h>
#include <systemd/sd-event.h>

typedef struct ConfigWatch ConfigWatch;

/* changed: the watched paths that changed since the last call. */
typedef void (*config_watch_handler_t)(ConfigWatch *w, char * const *changed, void *userdata);

/* handler runs once no watched file has changed for debounce_usec. */
int config_watch_new(sd_event *e, uint64_t debounce_usec, config_watch_handler_t handler, void *userdata,
                     ConfigWatch **ret);

/* Watches path (absolute). Its directory may be missing: then its parent
 * is watched until the directory appears, and that counts as a change.
 * Returns -errno when neither can be watched. */
int config_watch_add(ConfigWatch *w, const char *path);

ConfigWatch *config_watch_free(ConfigWatch *w);
static inline void config_watch_freep(ConfigWatch **w) {
        config_watch_free(*w);
}
