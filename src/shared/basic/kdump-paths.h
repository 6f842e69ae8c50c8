/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where the two configuration files are, for every program: the parsers
 * (kdump-config.h, kdumpd-settings.h) include it, and the daemon, which
 * watches the files but links no parser, includes it alone. */
#pragma once

#define KDUMP_CONFIG_PATH "/etc/kdump.conf"
#define KDUMPD_SETTINGS_PATH "/etc/kdump/kdumpd.conf"
