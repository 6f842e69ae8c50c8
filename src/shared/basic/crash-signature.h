/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A crash's signature, read from the dead kernel's log (vmcore-dmesg.txt,
 * or the tail pstore kept): what kind of event it was, the line that says
 * what happened, the faulting function and its module (the "RIP:" of an
 * oops, a lockup or a warning), the task (Comm:, PID), the taint flags,
 * and the first frames of the call trace without addresses.
 *
 * Two crashes have the same signature (the same ID) when they are of the
 * same kind, in the same function of the same module, with the same first
 * frames; an oops or a plain panic also with the same cause line once its
 * numbers are masked ("address: 0000000000000008" and "…0010" differ only
 * in a number). What varies between two crashes of one bug is left out:
 * addresses and offsets, compiler suffixes (".cold", ".isra.0"), frames the
 * unwinder only guessed ("? …"), the panic machinery itself (panic,
 * dump_stack_lvl, the scheduler of a hung task), the task, the CPU, the
 * times, the kernel release (one bug across a kernel update is one
 * signature).
 *
 * Library code: returns -errno, never logs. */
#pragma once

#include <stdint.h>

/* Frames kept, and hashed. */
#define CRASH_SIGNATURE_FRAMES 6

typedef struct CrashSignature {
        char *kind;      /* "oops", "nmi", "hung-task", "soft-lockup", "hard-lockup", "warn",
                          * "rcu-stall", "sysrq", "panic" */
        char *cause;     /* the line that says what happened, as the kernel printed it */
        char *function;  /* the faulting function, or NULL */
        char *module;    /* its module, or NULL (built in, or no function) */
        char *comm;      /* the task: for a hung task the one that hung */
        char *pid;
        char *taint;     /* taint letters; "" not tainted; NULL unknown */
        char **frames;   /* up to CRASH_SIGNATURE_FRAMES, "func" or "func [module]" */
        char *id;        /* 16 hex digits: the hash of what makes two the same */
} CrashSignature;

void crash_signature_done(CrashSignature *s);

/* From the log's lines (dmesg_read_lines()). -ENODATA when the log shows
 * no crash (no panic line, no oops). */
int crash_signature_parse(char * const *lines, CrashSignature *ret);

/* The frames as one line, ", " between them, and back. */
char *crash_frames_join(char * const *frames);
int crash_frames_split(const char *line, char ***ret);

/* The ID of a signature's parts (crash_signature_parse() sets it). */
int crash_signature_id(const CrashSignature *s, char **ret);
