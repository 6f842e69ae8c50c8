/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl test [--yes]: crashes the kernel on purpose, the way an admin
 * proves that kdump works; refuses when kdump is not armed. */
#pragma once

int verb_test(int argc, char *argv[]);
