/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Deadlines on CLOCK_MONOTONIC, in microseconds: the capture kernel's
 * clock may start anywhere, and nothing may move it backwards. */
#pragma once

#include <stdint.h>
#include <time.h>

static inline uint64_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

static inline uint64_t deadline_after_sec(long seconds) {
        return now_usec() + (uint64_t) (seconds > 0 ? seconds : 0) * 1000000ULL;
}
