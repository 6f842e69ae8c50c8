/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Which inputs of the capture initramfs changed since it was built: two
 * build manifests (manifest.c writes them) compared input by input,
 * for kdumpctl status to name what a rebuild would pick up. */
#pragma once

/* Fills ret with the inputs whose lines differ between the manifest the
 * image was built from and the current one, in the current manifest's
 * order, then those only the built one has: a file by its path
 * ("/usr/bin/makedumpfile"), the other parts by name ("kdump.conf",
 * "kernel release", "network route", "dump target device", "LVM layout",
 * "ssh known hosts", "manifest format"). An empty list when they are
 * the same. */
int manifest_changed_inputs(const char *built, const char *current, char ***ret);
