/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-watch.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>

#include "log.h"
#include "macro.h"
#include "strv.h"

typedef struct WatchedFile {
        ConfigWatch *watch;
        char *path;            /* /etc/kdump/kdumpd.conf */
        char *dir, *name;      /* /etc/kdump, kdumpd.conf */
        char *parent, *dir_name; /* /etc, kdump: watched while dir is missing */
        sd_event_source *dir_source, *parent_source;
        bool changed;
} WatchedFile;

struct ConfigWatch {
        sd_event *event;
        uint64_t debounce_usec;
        config_watch_handler_t handler;
        void *userdata;
        WatchedFile **files;
        size_t n_files;
        sd_event_source *timer;
};

/* What replaces, writes, creates or removes a file in the directory, and
 * the directory itself going away. */
#define DIR_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_DELETE_SELF | \
                    IN_MOVE_SELF | IN_ONLYDIR)
#define PARENT_EVENTS (IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        ConfigWatch *w = userdata;
        _cleanup_strv_free_ char **changed = NULL;

        for (size_t i = 0; i < w->n_files; i++) {
                if (!w->files[i]->changed)
                        continue;
                w->files[i]->changed = false;
                if (strv_extend(&changed, w->files[i]->path) < 0)
                        return log_oom();
        }
        if (changed)
                w->handler(w, changed, w->userdata);
        return 0;
}

/* (Re)starts the quiet period: the handler runs debounce_usec after the
 * last change. */
static int file_changed(WatchedFile *f) {
        ConfigWatch *w = f->watch;
        int r;

        f->changed = true;
        if (!w->timer) {
                uint64_t accuracy = w->debounce_usec / 4 ?: 1;
                r = sd_event_add_time_relative(w->event, &w->timer, CLOCK_MONOTONIC, w->debounce_usec, accuracy,
                                               on_timer, w);
        } else {
                r = sd_event_source_set_time_relative(w->timer, w->debounce_usec);
                if (r >= 0)
                        r = sd_event_source_set_enabled(w->timer, SD_EVENT_ONESHOT);
        }
        if (r < 0)
                return log_error_errno(r, "Failed to schedule a reload for \"%s\": %m", f->path);
        return 0;
}

static int on_dir_event(sd_event_source *s, const struct inotify_event *ev, void *userdata);
static int on_parent_event(sd_event_source *s, const struct inotify_event *ev, void *userdata);

/* Watches the directory, or else its parent until the directory exists. */
static int file_watch_start(WatchedFile *f) {
        ConfigWatch *w = f->watch;
        int r;

        r = sd_event_add_inotify(w->event, &f->dir_source, f->dir, DIR_EVENTS, on_dir_event, f);
        if (r >= 0) {
                f->parent_source = sd_event_source_disable_unref(f->parent_source);
                return 0;
        }
        if (r != -ENOENT && r != -ENOTDIR)
                return r;
        if (!f->parent_source) {
                r = sd_event_add_inotify(w->event, &f->parent_source, f->parent, PARENT_EVENTS, on_parent_event, f);
                if (r < 0)
                        return r;
        }
        /* It may have appeared before the parent was watched. */
        r = sd_event_add_inotify(w->event, &f->dir_source, f->dir, DIR_EVENTS, on_dir_event, f);
        if (r >= 0)
                f->parent_source = sd_event_source_disable_unref(f->parent_source);
        return 0;
}

static int on_dir_event(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        WatchedFile *f = userdata;

        if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
                /* The directory went away (or was renamed): the file is
                 * gone with it; wait for a directory of that name. */
                f->dir_source = sd_event_source_disable_unref(f->dir_source);
                int r = file_watch_start(f);
                if (r < 0)
                        log_warning_errno(r, "Cannot watch \"%s\" any more; changes to \"%s\" need a reload: %m",
                                          f->parent, f->path);
                return file_changed(f);
        }
        if ((ev->mask & IN_Q_OVERFLOW) || (ev->len > 0 && strcmp(ev->name, f->name) == 0))
                return file_changed(f);
        return 0;
}

static int on_parent_event(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        WatchedFile *f = userdata;

        if (!(ev->mask & IN_Q_OVERFLOW) && !(ev->len > 0 && strcmp(ev->name, f->dir_name) == 0))
                return 0;
        int r = file_watch_start(f);
        if (r < 0)
                log_warning_errno(r, "Cannot watch \"%s\"; changes to \"%s\" need a reload: %m", f->dir, f->path);
        /* The file may already be in the new directory. */
        return f->dir_source ? file_changed(f) : 0;
}

static WatchedFile *watched_file_free(WatchedFile *f) {
        if (!f)
                return NULL;
        sd_event_source_disable_unref(f->dir_source);
        sd_event_source_disable_unref(f->parent_source);
        free(f->path);
        free(f->dir);
        free(f->name);
        free(f->parent);
        free(f->dir_name);
        free(f);
        return NULL;
}

/* "/a/b/c" → "/a/b" and "c"; "/c" → "/" and "c". */
static int path_split(const char *path, char **ret_dir, char **ret_name) {
        const char *slash = strrchr(path, '/');
        char *dir, *name;

        if (!slash || !slash[1])
                return -EINVAL;
        dir = slash == path ? strdup("/") : strndup(path, slash - path);
        name = strdup(slash + 1);
        if (!dir || !name) {
                free(dir);
                free(name);
                return -ENOMEM;
        }
        *ret_dir = dir;
        *ret_name = name;
        return 0;
}

int config_watch_add(ConfigWatch *w, const char *path) {
        WatchedFile *f, **files;
        int r;

        assert_return(w && path && path[0] == '/', -EINVAL);

        f = calloc(1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        f->watch = w;
        r = -ENOMEM;
        if (!(f->path = strdup(path)))
                goto fail;
        r = path_split(path, &f->dir, &f->name);
        if (r < 0)
                goto fail;
        if (strcmp(f->dir, "/") == 0) {
                /* The root directory always exists. */
                if (!(f->parent = strdup("/")) || !(f->dir_name = strdup("/"))) {
                        r = -ENOMEM;
                        goto fail;
                }
        } else if ((r = path_split(f->dir, &f->parent, &f->dir_name)) < 0)
                goto fail;
        r = file_watch_start(f);
        if (r < 0)
                goto fail;
        files = realloc(w->files, sizeof(*files) * (w->n_files + 1));
        if (!files) {
                r = -ENOMEM;
                goto fail;
        }
        w->files = files;
        w->files[w->n_files++] = f;
        return 0;
fail:
        watched_file_free(f);
        return r;
}

int config_watch_new(sd_event *e, uint64_t debounce_usec, config_watch_handler_t handler, void *userdata,
                     ConfigWatch **ret) {
        ConfigWatch *w;

        assert_return(e && handler && ret, -EINVAL);
        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        *w = (ConfigWatch) {
                .event = sd_event_ref(e),
                .debounce_usec = debounce_usec,
                .handler = handler,
                .userdata = userdata,
        };
        *ret = w;
        return 0;
}

ConfigWatch *config_watch_free(ConfigWatch *w) {
        if (!w)
                return NULL;
        for (size_t i = 0; i < w->n_files; i++)
                watched_file_free(w->files[i]);
        free(w->files);
        sd_event_source_disable_unref(w->timer);
        sd_event_unref(w->event);
        free(w);
        return NULL;
}
