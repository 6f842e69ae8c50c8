/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The shared libraries a program loads (DT_NEEDED, followed through every
 * library, found where this machine's loader looks): the manifest hashes
 * them, since dracut copies them into the image with the program. Native
 * ELF only (the programs of this machine). */
#pragma once

/* *ret: the libraries' paths, sorted, each once; the program itself not
 * among them. A name found nowhere is left out (dracut would fail on it
 * and say so). -ENOEXEC: not an ELF file of this machine's class. */
int elf_needed_closure(const char *program, char ***ret);
