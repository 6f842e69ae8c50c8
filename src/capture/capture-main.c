/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdump-capture: the /init of the capture initramfs. It runs as PID 1 in
 * the capture kernel, with no init system, no udev and no shell: it sets
 * up the few mounts it needs, loads the target's modules, saves
 * /proc/vmcore with the configuration baked into the image, and ends the
 * boot with reboot(2) (there is nobody else to ask). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "fileio.h"
#include "kdump-config.h"
#include "log.h"
#include "macro.h"
#include "module-load.h"
#include "net-plan.h"
#include "strv.h"

#define CAPTURE_CONFIG "/etc/kdump.conf"
#define CAPTURE_MODULES "/etc/kdump/modules"
#define CAPTURE_NET_PLAN "/etc/kdump/net"
#define VMCORE "/proc/vmcore"

static void mount_api_filesystems(void) {
        static const struct {
                const char *what, *where, *type;
        } m[] = {
                { "proc", "/proc", "proc" },
                { "sysfs", "/sys", "sysfs" },
                { "devtmpfs", "/dev", "devtmpfs" },
                { "tmpfs", "/run", "tmpfs" },
        };
        for (size_t i = 0; i < ELEMENTSOF(m); i++) {
                (void) mkdir(m[i].where, 0755);
                if (mount(m[i].what, m[i].where, m[i].type, MS_NOSUID, NULL) < 0 && errno != EBUSY)
                        log_warning_errno(-errno, "Failed to mount %s: %m", m[i].where);
        }
}

/* Without /dev/console in the image the kernel starts us with no fds 0-2.
 * None of them may stay closed: a pipe or file opened later would land
 * there and be taken for stdin/stdout by the children. */
static void open_console(void) {
        if (fcntl(STDERR_FILENO, F_GETFD) >= 0)
                return;
        int fd = open("/dev/console", O_RDWR | O_NOCTTY);
        if (fd < 0)
                fd = open("/dev/null", O_RDWR);
        if (fd < 0)
                return;
        for (int i = 0; i < 3; i++)
                if (i != fd)
                        dup2(fd, i);
        if (fd > 2)
                close(fd);
}

static void load_target_modules(void) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **names = NULL;

        if (read_full_file(CAPTURE_MODULES, &text, NULL) >= 0 && shell_split(text, &names) >= 0)
                (void) modules_load_names(names);
        (void) modules_coldplug();
}

static _noreturn_ void act(KdumpAction a) {
        static const int how[] = {
                [KDUMP_ACTION_REBOOT] = RB_AUTOBOOT,
                [KDUMP_ACTION_HALT] = RB_HALT_SYSTEM,
                [KDUMP_ACTION_POWEROFF] = RB_POWER_OFF,
        };

        sync();
        if (a == KDUMP_ACTION_SHELL) {
                char *argv[] = { (char *) "/bin/sh", NULL };
                log_notice("kdump: starting a shell; leave it to reboot.");
                execv(argv[0], argv);
                log_error_errno(-errno, "no shell in this image (%m). Rebooting.");
                a = KDUMP_ACTION_REBOOT;
        } else if (a == KDUMP_ACTION_DUMP_TO_ROOTFS || a == KDUMP_ACTION_MOUNT_ROOT_RUN_INIT) {
                log_error("action \"%s\" is not supported by this build yet; rebooting.", kdump_action_to_string(a));
                a = KDUMP_ACTION_REBOOT;
        } else if (a < 0 || a >= (KdumpAction) ELEMENTSOF(how))
                a = KDUMP_ACTION_REBOOT;

        log_notice("kdump: %s.", kdump_action_to_string(a));
        reboot(how[a]);
        /* reboot(2) does not return on success; PID 1 must never exit. */
        for (;;)
                pause();
}

int main(int argc, char *argv[]) {
        _cleanup_kdump_config_free_ KdumpConfig *config = NULL;
        ConfigDiagnostics diag = {};
        int r;

        (void) argc;
        (void) argv;
        mount_api_filesystems();
        open_console();
        log_open("kdump");
        setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
        log_notice("kdump: capture kernel started; saving the crashed kernel's memory.");

        r = kdump_config_parse_file(CAPTURE_CONFIG, &diag, &config);
        config_diagnostics_print(&diag, stderr);
        config_diagnostics_done(&diag);
        if (r < 0) {
                log_error_errno(r, "cannot read %s: %m; no dump is possible. Rebooting.", CAPTURE_CONFIG);
                act(KDUMP_ACTION_REBOOT);
        }

        if (access(VMCORE, R_OK) < 0) {
                log_error("%s does not exist: this is not a capture boot. Rebooting.", VMCORE);
                act(kdump_config_failure_action(config));
        }

        load_target_modules();

        /* Network targets: the plan mkdumprd recorded; the dump directory
         * is named after our address, as kdump-utils names it. */
        _cleanup_(net_plan_done) NetPlan net = {};
        bool have_net = false;
        _cleanup_free_ char *plan_text = NULL;
        if (read_text_file(CAPTURE_NET_PLAN, &plan_text) >= 0) {
                r = net_plan_parse(plan_text, &net);
                if (r < 0)
                        log_error_errno(r, "%s cannot be read: %m", CAPTURE_NET_PLAN);
                else
                        have_net = true;
        }

        Capture c = {
                .config = config,
                .vmcore = VMCORE,
                .mount_dir = "/kdumproot",
                .host = have_net ? net.address : "127.0.0.1",
                .net = have_net ? &net : NULL,
                .ssh = {
                        .destination = kdump_config_target_location(config),
                        .home = CAPTURE_SSH_HOME,
                        .key = CAPTURE_SSH_KEY,
                        .client = "dbclient",
                },
                .scratch_dir = "/run/kdump",
        };
        KdumpAction a = capture_run(&c);
        capture_done(&c);
        act(a);
}
