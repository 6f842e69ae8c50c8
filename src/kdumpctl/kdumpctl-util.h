/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What kdumpctl's verbs share: kdump.service as systemd sees it, and the
 * --json option of status and showmem. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "json-print.h"

/* LSB: "program is not running" for status */
#define EXIT_NOT_RUNNING 3

/* systemctl VERB kdump.service; its exit status, or EX_UNAVAILABLE when it
 * could not run. */
int systemctl(const char *verb);

/* kdump.service's ActiveState and kdumpd's last STATUS= line (sd_notify),
 * as systemd keeps them, and its MainPID (ret_main_pid may be NULL). */
int service_state(char **ret_active, char **ret_status, uint32_t *ret_main_pid);
bool service_is_running(const char *active);
/* "kdumpd: running: STATUS", or why nothing re-arms kdump. */
void service_line_print(const char *active, const char *status);
/* The same line, asked of systemd now; nothing when systemd does not answer. */
void service_state_print(void);

/* The only option of status and showmem. Returns 0, or the exit status. */
int parse_json_option(const char *verb, int argc, char *argv[], bool *ret_json);
/* Ends the JSON output. Returns 0, or the exit status. */
int json_finish(JsonWriter *w);
