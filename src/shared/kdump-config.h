/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The kdump.conf model: one parser, one immutable validated value shared by
 * kdumpd, mkdumprd and the capture program. Library code: it never logs;
 * what it has to say is collected in a ConfigDiagnostics. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kdump-paths.h"

#define KDUMP_CONFIG_PATH "/etc/kdump.conf"
#define KDUMP_DEFAULT_PATH "/var/crash"
#define KDUMP_DEFAULT_CORE_COLLECTOR "makedumpfile -l --message-level 7 -d 31"
#define KDUMP_DEFAULT_SSHKEY "/root/.ssh/kdump_id_rsa"

typedef enum DumpTargetType {
        DUMP_TARGET_PATH,   /* no target directive: the filesystem that holds `path` */
        DUMP_TARGET_FS,     /* <fstype> <device> */
        DUMP_TARGET_RAW,
        DUMP_TARGET_NFS,
        DUMP_TARGET_SSH,
        _DUMP_TARGET_MAX,
        _DUMP_TARGET_INVALID = -22,
} DumpTargetType;

typedef enum KdumpAction {
        KDUMP_ACTION_REBOOT,
        KDUMP_ACTION_HALT,
        KDUMP_ACTION_POWEROFF,
        KDUMP_ACTION_SHELL,
        KDUMP_ACTION_DUMP_TO_ROOTFS,
        KDUMP_ACTION_MOUNT_ROOT_RUN_INIT,
        _KDUMP_ACTION_MAX,
        _KDUMP_ACTION_INVALID = -22,
} KdumpAction;

const char *dump_target_type_to_string(DumpTargetType t);
const char *kdump_action_to_string(KdumpAction a);
KdumpAction kdump_action_from_string(const char *s);

/* Messages in the "FILE:LINE: error: …" form, in the order they were found. */
typedef struct ConfigDiagnostics {
        char **messages;
        unsigned n_errors;
        unsigned n_warnings;
} ConfigDiagnostics;

void config_diagnostics_done(ConfigDiagnostics *d);
/* Adds "FILE:LINE: error: …" (or "FILE: error: …" when line is 0).
 * Returns -ENOMEM or 0. */
int config_diagnostics_add(ConfigDiagnostics *d, const char *file, unsigned line, bool error, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
void config_diagnostics_print(const ConfigDiagnostics *d, FILE *f);

/* A configuration's string parser: parses text, called name in messages,
 * into *(Type **) ret. */
typedef int (*ConfigParseString)(const char *name, const char *text, ConfigDiagnostics *diag, void *ret);
/* Reads the file at path and hands its text to parse, with path as its name
 * in messages: how every configuration file is read. Returns the read's
 * error (-ENOENT, -EBADMSG for a NUL byte) or what parse returns. */
int config_parse_file(const char *path, ConfigDiagnostics *diag, ConfigParseString parse, void *ret);

typedef struct KdumpConfig KdumpConfig;

/* Parses text; name is used in messages. Returns -EINVAL when the text has
 * errors (all of them are in diag), -ENOMEM, or 0. */
int kdump_config_parse_string(const char *name, const char *text, ConfigDiagnostics *diag, KdumpConfig **ret);
int kdump_config_parse_file(const char *path, ConfigDiagnostics *diag, KdumpConfig **ret);

KdumpConfig *kdump_config_free(KdumpConfig *c);
static inline void kdump_config_freep(KdumpConfig **c) {
        kdump_config_free(*c);
}
#define _cleanup_kdump_config_free_ __attribute__((cleanup(kdump_config_freep)))

/* A copy with the target made explicit: what mkdumprd bakes into the image. */
int kdump_config_with_target(const KdumpConfig *c, const char *fstype, const char *device, const char *path,
                             KdumpConfig **ret);
/* The same for a raw target: device as the capture finds it (its identity,
 * "SERIAL=…", or its node), and the size in bytes it must have. */
int kdump_config_with_raw_target(const KdumpConfig *c, const char *device, uint64_t size, KdumpConfig **ret);

/* The file name the configuration was parsed from, and the line that set
 * a directive ("target_kind" for the dump target; 0: a default). For
 * checks that can only be made on the machine, in the same message form. */
const char *kdump_config_source(const KdumpConfig *c);
unsigned kdump_config_line(const KdumpConfig *c, const char *directive);

/* The old "options"/"blacklist" lines, as modprobe.d lines, in file order. */
char * const *kdump_config_modprobe_lines(const KdumpConfig *c);

DumpTargetType kdump_config_target_type(const KdumpConfig *c);
/* For DUMP_TARGET_FS: the filesystem type; for the network ones the directive. */
const char *kdump_config_target_kind(const KdumpConfig *c);
/* Device (FS/RAW), host:/export (NFS), user@host (SSH); NULL for PATH. */
const char *kdump_config_target_location(const KdumpConfig *c);
const char *kdump_config_path(const KdumpConfig *c);
const char *kdump_config_core_collector(const KdumpConfig *c);
/* core_collector as the argv it runs as (no vmcore or output file yet):
 * split once when parsed, owned by c, never empty. */
char * const *kdump_config_core_collector_argv(const KdumpConfig *c);
const char *kdump_config_sshkey(const KdumpConfig *c);
const char *kdump_config_string(const KdumpConfig *c, const char *directive);
KdumpAction kdump_config_default_action(const KdumpConfig *c);
KdumpAction kdump_config_failure_action(const KdumpConfig *c);
KdumpAction kdump_config_final_action(const KdumpConfig *c);
bool kdump_config_force_rebuild(const KdumpConfig *c);
bool kdump_config_force_no_rebuild(const KdumpConfig *c);
long kdump_config_disk_timeout(const KdumpConfig *c);
/* raw_size: the bytes a raw target must have; 0 when no line says. */
uint64_t kdump_config_raw_size(const KdumpConfig *c);

/* The normalised effective configuration: defaults filled in, one directive
 * a line, values quoted where needed, in a fixed order. Parsing it again gives
 * the same value. */
int kdump_config_format(const KdumpConfig *c, FILE *out);
int kdump_config_format_string(const KdumpConfig *c, char **ret);
