/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl status [--json]: whether a capture kernel is loaded, what
 * kdumpd last did, and which input changed since the last build. Exit 0
 * armed, 3 not, 4 when the kernel cannot be asked. */
#pragma once

int verb_status(int argc, char *argv[]);
