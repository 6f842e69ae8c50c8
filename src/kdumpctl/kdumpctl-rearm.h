/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl start, stop, restart (systemctl on kdump.service), and reload
 * and rebuild, which signal kdumpd and wait until its state file says how
 * the attempt they started ended. */
#pragma once

/* start, stop, restart: argv[0] is the systemctl verb. */
int verb_systemctl(int argc, char *argv[]);
/* reload [--pid PID]: --pid is kdump.service's ExecReload. */
int verb_reload(int argc, char *argv[]);
int verb_rebuild(int argc, char *argv[]);
