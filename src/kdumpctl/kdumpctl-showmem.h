/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl showmem [--json]: the memory reserved for the crash kernel. */
#pragma once

int verb_showmem(int argc, char *argv[]);
