/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl's crashkernel= verbs: estimate (what the capture really needs,
 * against what is reserved now), get-default-crashkernel, and
 * reset-crashkernel (through GRUB's configuration, as Debian sets it). */
#pragma once

#include <stdbool.h>

/* Each takes the verb's argv (argv[0] is the verb) and returns kdumpctl's
 * exit status. estimate: 0 when the reservation is enough, 1 when not. */
int verb_estimate(int argc, char *argv[]);
int verb_get_default_crashkernel(int argc, char *argv[]);
int verb_reset_crashkernel(int argc, char *argv[]);

/* The drop-in that update-grub reads after /etc/default/grub. */
#define GRUB_DROPIN_PATH "/etc/default/grub.d/kdump.cfg"

/* "crashkernel=96M" or "96M" (any form the kernel takes: ranges, @offset,
 * ",high") as "crashkernel=…"; -EINVAL for anything else, and for
 * characters a shell would read as more than the value. */
int crashkernel_value_normalize(const char *s, char **ret);

/* Whether the machine under root ("" or NULL: this one) boots with GRUB
 * configured the Debian way: /etc/default/grub or update-grub. */
bool grub_config_present(const char *root);

/* The drop-in's text: comment lines (reason, if not NULL, among them) and
 * GRUB_CMDLINE_LINUX_DEFAULT with value appended. */
int grub_dropin_format(const char *value, const char *reason, char **ret);

/* Writes the drop-in under root atomically, 0644, creating grub.d. */
int grub_dropin_write(const char *root, const char *value, const char *reason);
