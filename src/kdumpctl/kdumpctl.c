/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl: the admin's view of kdump. Service verbs go through systemd
 * (kdumpd is the one that arms); status reads the kernel's own state, and
 * what kdumpd last said about it through systemd. This file: the verb
 * table and --help; the verbs are in kdumpctl-*.c, by theme. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "kdump-paths.h"
#include "kdumpctl-check.h"
#include "kdumpctl-crashes.h"
#include "kdumpctl-crashkernel.h"
#include "kdumpctl-probe.h"
#include "kdumpctl-propagate.h"
#include "kdumpctl-rearm.h"
#include "kdumpctl-showmem.h"
#include "kdumpctl-status.h"
#include "kdumpctl-test.h"
#include "log.h"
#include "macro.h"
#include "net-target.h"

static void help(void) {
        printf("kdumpctl COMMAND\n"
               "kdumpctl status|showmem [--json]\n"
               "kdumpctl check [--offline] [--config FILE] [--settings FILE]\n"
               "kdumpctl test [--yes]\n"
               "kdumpctl estimate [--json]\n"
               "kdumpctl reset-crashkernel [--root DIR] [--value crashkernel=SIZE]\n"
               "kdumpctl list [--json] [--since TIME] [-n N]\n"
               "kdumpctl info [ID]\n"
               "kdumpctl dmesg [ID] [--no-pager]\n\n"
               "  start      arm kdump (starts kdump.service)\n"
               "  stop       disarm kdump (stops kdump.service)\n"
               "  restart    stop and start again\n"
               "  reload     re-read kdump.conf and kdumpd.conf and re-arm (rebuilds when an\n"
               "             input changed); waits until kdumpd armed (exit 0) or failed (exit 1;\n"
               "             a broken file keeps what is loaded); exit 3 when kdumpd is not running\n"
               "  status     say whether a capture kernel is loaded (exit 0 armed, 3 not), what\n"
               "             kdumpd last did (phase, image, build time, why it failed) and which\n"
               "             input changed since the last build\n"
               "  rebuild    rebuild the capture initramfs now and re-arm, waiting as reload\n"
               "             does (without a running kdumpd: build it with mkdumprd)\n"
               "  propagate  ssh target: create kdump's key if missing, record the server's host\n"
               "             keys in " KDUMP_SSH_KNOWN_HOSTS ", install the key on the server\n"
               "  showmem    show the memory reserved for the crash kernel\n"
               "    --json                status and showmem: one JSON object, for scripts\n"
               "  check      check " KDUMP_CONFIG_PATH " and " KDUMPD_SETTINGS_PATH " as kdumpd would;\n"
               "             print the effective configuration (exit 0) or every error (exit 1)\n"
               "    -c, --config FILE     check FILE instead of " KDUMP_CONFIG_PATH "\n"
               "    -s, --settings FILE   check FILE instead of " KDUMPD_SETTINGS_PATH "\n"
               "    --offline             the language only, for files written for another\n"
               "                          machine: nothing of this machine is looked at\n"
               "  test       crash the kernel now to prove a dump is saved (asks first; refuses\n"
               "             when kdump is not armed); the next boot's journal reports the dump\n"
               "    -y, --yes             crash without asking (for scripts)\n"
               "  estimate   the crashkernel= this machine's capture needs, from the sizes of its\n"
               "             kernel and capture initramfs and its RAM, with the reasoning;\n"
               "             exit 0 when the memory reserved now is enough, 1 when not\n"
               "    --json                one JSON object, for scripts\n"
               "  probe-collector\n"
               "             measure what makedumpfile excludes on the running kernel\n"
               "             (makedumpfile --mem-usage /proc/kcore) and keep it for builds,\n"
               "             check and status; kdump.service runs it when it starts\n"
               "    --if-stale            only when makedumpfile or the kernel changed\n"
               "  get-default-crashkernel\n"
               "             print a crashkernel= value for this kernel on any machine\n"
               "  reset-crashkernel\n"
               "             put the estimate on the kernel command line through GRUB\n"
               "             (" GRUB_DROPIN_PATH ", update-grub); takes a reboot\n"
               "    --value crashkernel=SIZE  this value instead of the estimate\n"
               "    --root DIR            write under DIR, run nothing (for images, tests)\n"
               "  list       every crash this machine knows of, oldest first: when the next boot\n"
               "             learned of it, the crashed kernel, complete or not (and why), the\n"
               "             dump's size and where it is, the panic; pstore's logs too\n"
               "    --json                one JSON array, for scripts\n"
               "    --since TIME          crashes from TIME on (YYYY-MM-DD [HH:MM[:SS]], today,\n"
               "                          yesterday, -2d, -3h, @SECONDS)\n"
               "    -n N                  only the last N\n"
               "  info       what killed crash ID (default: the last): panic, faulting function\n"
               "             and module, task, taint, call trace, build ID, and how often the\n"
               "             same signature was seen\n"
               "  dmesg      the crashed kernel's log of crash ID (default: the last), through a\n"
               "             pager on a terminal ($KDUMPCTL_PAGER, $PAGER, less)\n"
               "    --no-pager            print it as it is\n");
}

static int verb_help(int argc, char *argv[]) {
        help();
        return EX_OK;
}

/* No command at all. */
static int verb_usage(int argc, char *argv[]) {
        help();
        return EX_USAGE;
}

#define VERB_ANY UINT_MAX
#define VERB_DEFAULT (1u << 0) /* runs when no command is given */

/* A command: how many arguments it takes, the command's own word
 * included (VERB_ANY: no limit, the verb parses its options itself), and
 * what runs it, with argv[0] the command. */
typedef struct Verb {
        const char *name;  /* NULL: only the default */
        unsigned min_args, max_args;
        unsigned flags;
        int (*dispatch)(int argc, char *argv[]);
} Verb;

static const Verb verbs[] = {
        { "start",                   1,        1,        0,            verb_systemctl               },
        { "stop",                    1,        1,        0,            verb_systemctl               },
        { "restart",                 1,        1,        0,            verb_systemctl               },
        { "reload",                  1,        VERB_ANY, 0,            verb_reload                  },
        { "rebuild",                 1,        1,        0,            verb_rebuild                 },
        { "status",                  1,        VERB_ANY, 0,            verb_status                  },
        { "propagate",               1,        1,        0,            verb_propagate               },
        { "showmem",                 1,        VERB_ANY, 0,            verb_showmem                 },
        { "check",                   1,        VERB_ANY, 0,            verb_check                   },
        { "test",                    1,        VERB_ANY, 0,            verb_test                    },
        { "estimate",                1,        VERB_ANY, 0,            verb_estimate                },
        { "probe-collector",         1,        VERB_ANY, 0,            verb_probe_collector         },
        { "get-default-crashkernel", 1,        VERB_ANY, 0,            verb_get_default_crashkernel },
        { "reset-crashkernel",       1,        VERB_ANY, 0,            verb_reset_crashkernel       },
        { "list",                    1,        VERB_ANY, 0,            verb_list                    },
        { "info",                    1,        VERB_ANY, 0,            verb_info                    },
        { "dmesg",                   1,        VERB_ANY, 0,            verb_dmesg                   },
        { "-h",                      1,        VERB_ANY, 0,            verb_help                    },
        { "--help",                  1,        VERB_ANY, 0,            verb_help                    },
        { NULL,                      VERB_ANY, VERB_ANY, VERB_DEFAULT, verb_usage                   },
        {}
};

static const Verb *verbs_find(const Verb *v, const char *name) {
        for (; v->dispatch; v++)
                if (name ? v->name && strcmp(name, v->name) == 0 : (v->flags & VERB_DEFAULT))
                        return v;
        return NULL;
}

/* argv[1] picks the verb, which gets argv from there on. */
static int dispatch_verb(int argc, char *argv[], const Verb *table) {
        const char *name = argc > 1 ? argv[1] : NULL;
        const Verb *v = verbs_find(table, name);
        unsigned left = argc > 1 ? (unsigned) argc - 1 : 0;

        if (!v) {
                log_error("Unknown command \"%s\"; see \"kdumpctl --help\".", strempty(name));
                return EX_USAGE;
        }
        if (v->min_args != VERB_ANY && left < v->min_args) {
                log_error("Too few arguments for %s; see \"kdumpctl --help\".", strempty(name));
                return EX_USAGE;
        }
        if (v->max_args != VERB_ANY && left > v->max_args) {
                log_error("Unexpected argument \"%s\".", argv[1 + v->max_args]);
                return EX_USAGE;
        }
        return v->dispatch((int) left, argv + 1);
}

int main(int argc, char *argv[]) {
        log_open("kdumpctl");
        return dispatch_verb(argc, argv, verbs);
}
