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
