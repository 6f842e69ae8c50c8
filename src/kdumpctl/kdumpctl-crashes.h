/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl list, info and dmesg: the crashes this machine knows of
 * (crash-list.h), as coredumpctl shows core dumps. */
#pragma once

int verb_list(int argc, char *argv[]);
int verb_info(int argc, char *argv[]);
int verb_dmesg(int argc, char *argv[]);
