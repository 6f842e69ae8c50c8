/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writing one dump: its directory, vmcore-dmesg.txt and the vmcore, each
 * under an "-incomplete" name until it is complete and synced. Dumps hold
 * the dead kernel's memory (keys, passwords): directories 0700, files 0600. */
#pragma once

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* "<host>-YYYY-MM-DD-HH:MM:SS" (UTC): the name of a dump's directory,
 * local or on a server. */
int dump_dir_name(const char *host, time_t now, char **ret);

/* Creates <base>/<host>-YYYY-MM-DD-HH:MM:SS (0700), and base itself if
 * missing (0700). The directory is always new: when the name exists
 * (anything, a symlink too) ".1", ".2", … is appended. */
int dump_dir_create(const char *base, const char *host, time_t now, char **ret_dir);

/* Opens relpath under root as a directory, making what is missing (mode),
 * and follows no symlink on the way, nor "..": in the capture kernel a
 * link on the dump target (an absolute one above all) would lead into the
 * initramfs, whose memory is gone at the reboot. -ELOOP on a symlink,
 * -EXDEV on "..", -ENOTDIR on a file. */
int dir_open_beneath(const char *root, const char *relpath, mode_t mode, int *ret_fd);

/* dump_dir_create() for the capture: <root>/<relpath>/<host>-<stamp>, with
 * <relpath> opened and made by dir_open_beneath(). */
int dump_dir_create_beneath(const char *root, const char *relpath, const char *host, time_t now, char **ret_dir);

/* Extracts the kernel log from vmcore into <dir>/vmcore-dmesg.txt with
 * makedumpfile --dump-dmesg. Returns 0, the tool's exit status (> 0), or
 * -errno (-ETIME: killed at deadline_usec, CLOCK_MONOTONIC; 0: none). */
int dump_save_dmesg(const char *vmcore, const char *dir, uint64_t deadline_usec);

/* Runs core_collector (its argv: kdump_config_core_collector_argv(), never
 * a shell) with "-F" left out and the vmcore and <dir>/vmcore-incomplete
 * appended, syncs the result and renames it to <dir>/vmcore. Returns 0, the collector's exit status (> 0), or
 * -errno (-ETIME: killed at deadline_usec; -ECOMM: killed after it
 * made no progress for stall_usec, see child_run_watched()). A collector
 * that fails or is killed leaves <dir>/vmcore-incomplete as it was: what it
 * wrote is all there is of the dump. */
int dump_save_vmcore(const char *vmcore, const char *dir, char * const *core_collector, uint64_t deadline_usec,
                     uint64_t stall_usec);

/* Rearranges makedumpfile's flattened format (-F), read from flat_fd, into
 * <dir>/vmcore-incomplete with makedumpfile -R, syncs it and renames it to
 * <dir>/vmcore. Returns 0, makedumpfile's exit status (> 0), or -errno
 * (-ETIME: killed at deadline_usec). */
int dump_restore_vmcore(int flat_fd, const char *dir, uint64_t deadline_usec);
