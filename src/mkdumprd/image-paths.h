/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where things are in the capture image, as mkdumprd looks for them on
 * this machine before the build and in the image after it: the PATH its
 * execvp() searches, the capture program that is its /init, our dracut
 * module. */
#pragma once

#include <stdbool.h>

#ifndef CAPTURE_PROGRAM_PATH
#define CAPTURE_PROGRAM_PATH "/usr/lib/kdumpd/kdump-capture"
#endif
#ifndef DRACUT_MODULE_DIR
#define DRACUT_MODULE_DIR "/usr/lib/dracut/modules.d/99kdump"
#endif

/* The capture image's PATH, in its order (Debian's makedumpfile is in
 * /usr/bin, Fedora's in /usr/sbin). */
#define IMAGE_PATH_DIRS "/usr/sbin", "/usr/bin", "/sbin", "/bin"

/* Whether execvp() in the image would find name (a path, or a name looked
 * up in IMAGE_PATH_DIRS) on this machine as an executable file. */
bool image_program_exists(const char *name);
