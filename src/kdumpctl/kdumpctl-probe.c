/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kdumpctl-probe.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sysexits.h>
#include <unistd.h>

#include "collector-probe.h"
#include "crash-record.h"
#include "env-path.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "meminfo.h"
#include "spawn.h"

/* --mem-usage walks every page's struct page: seconds on a small machine,
 * a minute or more on a very large one. Past this, no verdict. */
#define PROBE_TIMEOUT_USEC (180ULL * 1000000)

/* Runs argv with stdout and stderr into a memfd; its text in *ret. */
static int run_and_read(char * const *argv, uint64_t timeout_usec, char **ret_text, int *ret_status) {
        _cleanup_close_ int fd = memfd_create("kdumpctl-probe", MFD_CLOEXEC);
        _cleanup_free_ char *path = NULL;
        int r;

        if (fd < 0)
                return -errno;
        r = spawn_and_wait_deadline_output(argv, NULL, timeout_usec, fd);
        if (r < 0)
                return r;
        *ret_status = r;
        if (asprintf(&path, "/proc/self/fd/%d", fd) < 0)
                return -ENOMEM;
        return read_text_file(path, ret_text);
}

int verb_probe_collector(int argc, char *argv[]) {
        _cleanup_(collector_probe_done) CollectorProbe p = {}, old = {};
        _cleanup_free_ char *text = NULL, *version_text = NULL;
        const char *path = env_path("KDUMPD_COLLECTOR_PROBE", COLLECTOR_PROBE_PATH);
        bool if_stale = false, quiet = false;
        struct utsname u;
        int r, status;

        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--if-stale") == 0)
                        if_stale = true;
                else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
                        quiet = true;
                else {
                        log_error("probe-collector: unknown option \"%s\"; see kdumpctl --help.", argv[i]);
                        return EX_USAGE;
                }
        }
        if (uname(&u) < 0 || !(p.kernel = strdup(u.release)))
                return log_oom(), EX_OSERR;
        r = collector_identity("makedumpfile", &p.identity);
        if (r == -ENOENT) {
                if (!quiet)
                        printf("makedumpfile is not installed: nothing to probe.\n");
                return EX_OK;
        }
        if (r < 0) {
                log_error_errno(r, "Cannot find makedumpfile: %m");
                return EX_OSERR;
        }
        if (if_stale && collector_probe_read(path, &old) >= 0 && strcmp(old.kernel, p.kernel) == 0 &&
            strcmp(old.identity, p.identity) == 0)
                return EX_OK;

        char *version_argv[] = { (char *) "makedumpfile", (char *) "-v", NULL };
        char *probe_argv[] = { (char *) "nice", (char *) "-n", (char *) "10", (char *) "makedumpfile",
                               (char *) "--mem-usage", (char *) "/proc/kcore", NULL };
        if (run_and_read(version_argv, 10ULL * 1000000, &version_text, &status) >= 0)
                (void) makedumpfile_version_parse(version_text, &p.version);
        r = meminfo_read_field("/proc/meminfo", "MemFree", &p.mem_free_bytes);
        if (r < 0) {
                log_error_errno(r, "Cannot read MemFree from /proc/meminfo: %m");
                return EX_OSERR;
        }
        r = run_and_read(probe_argv, PROBE_TIMEOUT_USEC, &text, &status);
        if (r == -ETIME) {
                log_warning("makedumpfile --mem-usage /proc/kcore did not finish within %llu s; what it excludes on "
                            "this kernel stays unknown.", PROBE_TIMEOUT_USEC / 1000000);
                return EX_TEMPFAIL;
        }
        if (r < 0) {
                log_error_errno(r, "Failed to run makedumpfile --mem-usage: %m");
                return EX_OSERR;
        }
        if (status != 0 || mem_usage_parse(text, &p.usage) < 0) {
                /* No crash region reserved, no /proc/kcore: not measurable
                 * now, and nothing is claimed. */
                log_warning("makedumpfile --mem-usage /proc/kcore failed (exit status %d); what it excludes on this "
                            "kernel stays unknown.", status);
                return EX_UNAVAILABLE;
        }
        p.taken_at = crash_realtime_usec();
        r = collector_probe_write(path, &p);
        if (r < 0) {
                log_error_errno(r, "Cannot write \"%s\": %m", path);
                return EX_CANTCREAT;
        }
        if (collector_probe_free_pages_missed(&p))
                log_warning("makedumpfile%s%s finds no free page on kernel %s while %" PRIu64 " MiB are free: a dump "
                            "level's free-page bit (16) excludes nothing here, and dumps hold the free memory too.",
                            p.version ? " " : "", strempty(p.version), p.kernel, p.mem_free_bytes >> 20);
        else if (!quiet)
                printf("makedumpfile%s%s on kernel %s: %" PRIu64 " free, %" PRIu64 " zero, %" PRIu64
                       " cache and %" PRIu64 " user pages excludable of %" PRIu64 "%s.\n",
                       p.version ? " " : "", strempty(p.version), p.kernel, p.usage.free, p.usage.zero,
                       p.usage.non_pri_cache + p.usage.pri_cache, p.usage.user, p.usage.total,
                       p.usage.kernel_unsupported ? " (it calls the kernel unsupported, and finds free pages all the same)" : "");
        return EX_OK;
}
