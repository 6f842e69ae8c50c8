/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What kdumpd and kdumpd-arm say to each other, in one place: both link
 * it, and it needs nothing but libc (the daemon links no configuration
 * parser, no dracut driver, no hasher: only libsystemd).
 *
 * kdumpd runs kdumpd-arm in the worker it forks for each arming, and in
 * place of itself in a capture boot. Everything an arming needs from the
 * daemon is on the command line (ArmCommand):
 *
 *   kdumpd-arm [--config FILE] [--settings FILE] [--state-dir DIR] [--root DIR]
 *              [--report-fd N] [--first] [--force] [--loaded RESULT]
 *   kdumpd-arm --capture-boot [--config FILE] [--settings FILE]
 *
 * --first: the daemon's first arming, which prunes, restores and reports
 * dumps; --force: rebuild even if up to date; --loaded: what is loaded
 * now, loaded again if the new load fails.
 *
 * kdumpd-arm answers in lines on --report-fd (default: standard output),
 * "KIND TEXT" (ArmLineKind), and with its exit status, a sysexits code:
 * EX_TEMPFAIL after a "waiting" line, and the status kdumpd exits with
 * when its first arming fails.
 *
 * kdumpd stops an arming with SIGINT to the worker's process group (dracut
 * removes its temporary files on it); kdumpd-arm waits for its children
 * then (spawn_wait_on_sigint()) and reports how the arming ended. */
#pragma once

#include <errno.h>
#include <stdbool.h>

/* Its existence makes kdumpd exec kdumpd-arm --capture-boot in its own
 * place: with mount_root_run_init the capture kernel runs the machine's
 * own init, and with it kdumpd. */
#define CAPTURE_BOOT_VMCORE "/proc/vmcore"

/* What an arming loaded: an "armed" line's text, and --loaded. */
typedef struct ArmResult {
        char *kver;
        char *kernel;  /* /boot/vmlinuz-<kver> */
        char *initrd;
        char *cmdline;
        unsigned long long crash_size;
        bool built;  /* this arming built its image */
        char *stale; /* loaded an image built from older inputs, because a
                      * new one could not be built: why; NULL otherwise */
} ArmResult;

void arm_result_done(ArmResult *r);

/* "KVER\tKERNEL\tINITRD\tCMDLINE\tCRASH_SIZE\tBUILT\tSTALE" (BUILT: 0 or 1;
 * STALE: empty or why); a tab or newline inside a field becomes a space. */
int arm_result_format(const ArmResult *r, char **ret);
/* The reverse; -EBADMSG for fewer than six fields or a fifth and sixth
 * that are not a number and a 0 or 1. Fields after the seventh are
 * skipped: a newer kdumpd-arm may say more (an upgrade runs the new helper
 * under the old daemon until the service restarts). */
int arm_result_parse(const char *text, ArmResult *ret);

typedef enum ArmMode {
        ARM_MODE_ARM,
        ARM_MODE_CAPTURE_BOOT,
} ArmMode;

typedef struct ArmCommand {
        ArmMode mode;
        const char *config_path;   /* NULL: the default, in this and the next three */
        const char *settings_path;
        const char *state_dir;
        const char *root;
        int report_fd;             /* -EBADF: none */
        bool first;
        bool force;
        ArmResult loaded;          /* loaded.initrd NULL: nothing is loaded */
} ArmCommand;

void arm_command_done(ArmCommand *c);

/* The argv that runs program with c (a NULL-terminated strv). */
int arm_command_to_argv(const ArmCommand *c, const char *program, char ***ret);

/* The reverse: the paths point into argv, loaded is owned. Logs and
 * returns -EINVAL on a usage error. */
int arm_command_parse(int argc, char *argv[], ArmCommand *ret);

/* The lines of --report-fd: the kind, a space, the text. */
typedef enum ArmLineKind {
        ARM_LINE_BUSY,     /* WHAT: slow work started; systemd may stop waiting for kdumpd */
        ARM_LINE_ARMED,    /* arm_result_format()'s text: the new capture kernel is loaded */
        ARM_LINE_WAITING,  /* WHY: a network dump server cannot be reached yet (exit status
                            * EX_TEMPFAIL); kdumpd tries again when the network changes */
        ARM_LINE_FAILED,   /* REASON: one line, for STATUS= and the state file */
        _ARM_LINE_KIND_MAX,
        _ARM_LINE_KIND_INVALID = -EINVAL,
} ArmLineKind;

const char *arm_line_kind_to_string(ArmLineKind k);

/* Writes "KIND TEXT\n" to fd, the text from fmt (a newline inside becomes
 * a space). Returns 0, -ENOMEM or write(2)'s -errno. */
int arm_line_write(int fd, ArmLineKind kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The "armed" line for r. */
int arm_line_write_armed(int fd, const ArmResult *r);

/* Splits a line (without its newline) into its kind and its text, which
 * points into line. -EBADMSG when it starts with no kind and a space. */
int arm_line_parse(const char *line, ArmLineKind *ret_kind, const char **ret_text);
