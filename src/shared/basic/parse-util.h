/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Numbers out of text that came from a file or another program. */
#pragma once

#include <stdint.h>

/* s is a decimal number and nothing else (no sign, no blank, no
 * overflow): *ret is set, 0 returned; else -EBADMSG and *ret untouched. */
int safe_atou64(const char *s, uint64_t *ret);
