/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/* One field of a /proc/meminfo file ("MemTotal", "MemFree", ...), in
 * bytes. -ENODATA when the file has no such field, -EBADMSG when its unit
 * is not kB or the value overflows. */
int meminfo_read_field(const char *meminfo_path, const char *field, uint64_t *ret);
