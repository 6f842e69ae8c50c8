/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl check [--offline] [--config FILE] [--settings FILE]: would
 * kdumpd take these files? The effective configuration (exit 0) or every
 * error (exit 1). */
#pragma once

int verb_check(int argc, char *argv[]);
