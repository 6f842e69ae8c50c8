/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the capture image knows about its kernel modules, read from the
 * text indexes depmod wrote (modules.dep, modules.alias, modules.softdep,
 * modules.builtin) and from modprobe.d (options, blacklist, alias,
 * softdep). Written for the capture program instead of using libkmod, whose
 * libcrypto dependency alone would be a third of the unpacked image (and of
 * its crash memory). */
#pragma once

#include <stdbool.h>

typedef struct ModuleIndex ModuleIndex;

/* moddir: /lib/modules/<release>; confdir: /etc/modprobe.d (may be missing).
 * modprobe.d and modules.softdep are read as kmod reads them (modprobe.d(5)):
 * words split on blanks, no quoting, '\' joins lines; a bad line, or a file
 * that cannot be read, is logged (file:line) and skipped. Only a missing
 * modules.dep, or no memory, fails. */
int module_index_load(const char *moddir, const char *confdir, ModuleIndex **ret);
ModuleIndex *module_index_free(ModuleIndex *idx);
static inline void module_index_freep(ModuleIndex **i) {
        module_index_free(*i);
}

/* "virtio-pci" and "virtio_pci" are the same module. */
void module_name_normalize(char *name);

/* The module names a name or an alias (a modalias, with glob patterns as
 * in modules.alias) stands for: modprobe.d "alias" lines first (as kmod
 * does), then a plain module name stands for itself, then modules.alias. With
 * apply_blacklist, blacklisted modules are left out (as modprobe does for
 * aliases). Builtins come back too; callers skip them. */
int module_index_resolve(const ModuleIndex *idx, const char *name_or_alias, bool apply_blacklist, char ***ret);

/* The order to load name in: softdep "pre:" modules, then dependencies
 * deepest first, then name, then "post:" modules; as absolute paths. A
 * builtin module gives an empty list; an unknown one -ENOENT. */
int module_index_load_order(const ModuleIndex *idx, const char *name, char ***ret_paths);

bool module_index_is_builtin(const ModuleIndex *idx, const char *name);

/* The options modprobe.d gives for name, or NULL. */
const char *module_index_options(const ModuleIndex *idx, const char *name);
