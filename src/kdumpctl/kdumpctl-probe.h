/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl probe-collector [--if-stale]: measure what makedumpfile
 * excludes on the running kernel (collector-probe.h) and keep it. Run as
 * kdump.service's ExecStartPre with full privileges: /proc/kcore, which
 * it reads, is out of kdumpd's sandbox (ProtectKernelTunables=, no
 * CAP_SYS_RAWIO). */
#pragma once

int verb_probe_collector(int argc, char *argv[]);
