/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The times kdumpctl list --since takes, and how kdumpctl prints times.
 * Accepted: "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" (local time), "today",
 * "yesterday", "now", "-N" followed by s, m, h or d (that long ago), and
 * "@SECONDS" (since the epoch). */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* *ret in µs of CLOCK_REALTIME; now_usec is what "now" means. -EINVAL for
 * anything else. */
int time_spec_parse(const char *s, uint64_t now_usec, uint64_t *ret);

/* "Mon 2026-12-07 23:10:01 UTC" (local time) into buf. */
char *time_format(uint64_t usec, char *buf, size_t size);

/* "35.2M", "812K", "900B" into buf. */
char *size_format(uint64_t bytes, char *buf, size_t size);
