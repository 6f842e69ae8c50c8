/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The image dracut built, read back before it may replace the previous
 * one: dracut ignores the status of a module's install(), so an image
 * without /init or without the core collector is built "successfully" and
 * would fail only in the capture kernel, after a crash. */
#pragma once

/* Checks that image (for kver) holds an executable /init and collector;
 * final is where it goes once loaded, for the message. Logs; -ENOEXEC
 * when the image cannot be used. */
int image_check(const char *image, const char *kver, const char *collector, const char *final);
