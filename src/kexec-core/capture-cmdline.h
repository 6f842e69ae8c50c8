/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture kernel's command line, derived from the running kernel's. */
#pragma once

/* Builds the capture command line from the running one: drops what must not
 * carry over (crashkernel=, hugepages, resume=, init=, quiet memory and CPU
 * layouts, …) and everything named in remove (a parameter name, or name=value
 * for an exact match); adds what a capture kernel needs (the generic set and
 * the architecture's) and then append, each replacing a parameter of the same
 * name. Quoted values ("foo=\"a b\"") are kept as one parameter. */
int capture_cmdline_build(const char *running, char * const *append, char * const *remove, char **ret);

/* Architecture-specific parameters for a capture boot (arch/<cpu>/). */
extern const char * const capture_cmdline_arch_params[];

/* What a capture boot with more than one CPU needs besides nr_cpus=, read
 * from cpuinfo (the running kernel's /proc/cpuinfo): on x86-64,
 * "disable_cpu_apicid=N" with the boot CPU's APIC ID, so that the capture
 * kernel never sends INIT to the CPU the firmware booted, which may be the
 * one that crashed (an INIT to it resets the machine). *ret is NULL when
 * nothing is needed (one CPU, another architecture). -ENODATA: cpuinfo
 * names no APIC ID for CPU 0. */
int capture_cmdline_arch_cpus(const char *cpuinfo, unsigned cpus, char **ret);
