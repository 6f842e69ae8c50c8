/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "elf-needed.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "strv.h"

#if defined(__x86_64__)
#define MULTIARCH_TRIPLET "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH_TRIPLET "aarch64-linux-gnu"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MULTIARCH_TRIPLET "powerpc64le-linux-gnu"
#elif defined(__s390x__)
#define MULTIARCH_TRIPLET "s390x-linux-gnu"
#else
#define MULTIARCH_TRIPLET "unknown-linux-gnu"
#endif

/* Where ld.so looks on Debian and Fedora (ld.so.cache holds the same). */
static const char *const lib_dirs[] = {
        "/lib/" MULTIARCH_TRIPLET, "/usr/lib/" MULTIARCH_TRIPLET, "/lib64", "/usr/lib64", "/lib", "/usr/lib",
};

/* Offsets come from the file: one past what off_t holds is a corrupt file,
 * as one past its end is. */
static int read_at(int fd, void *buf, size_t size, uint64_t offset) {
        if (offset > (uint64_t) INT64_MAX - size)
                return -ENOEXEC;
        ssize_t k = pread(fd, buf, size, (off_t) offset);
        if (k < 0)
                return negative_errno();
        return (size_t) k == size ? 0 : -ENOEXEC;
}

/* A virtual address of the file's string table → its offset in the file. */
static int vaddr_to_offset(const ElfW(Phdr) *ph, size_t n, ElfW(Addr) vaddr, uint64_t *ret) {
        for (size_t i = 0; i < n; i++)
                if (ph[i].p_type == PT_LOAD && vaddr >= ph[i].p_vaddr && vaddr - ph[i].p_vaddr < ph[i].p_filesz) {
                        *ret = (uint64_t) (vaddr - ph[i].p_vaddr) + ph[i].p_offset;
                        return 0;
                }
        return -ENOEXEC;
}

/* The DT_NEEDED names of one file, appended to *names. */
static int elf_needed_names(const char *path, char ***names) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        _cleanup_free_ ElfW(Phdr) *ph = NULL;
        _cleanup_free_ ElfW(Dyn) *dyn = NULL;
        ElfW(Ehdr) eh;
        size_t n_dyn = 0;
        ElfW(Addr) strtab = 0;
        uint64_t stroff;
        int r;

        if (fd < 0)
                return negative_errno();
        r = read_at(fd, &eh, sizeof(eh), 0);
        if (r < 0)
                return r;
        if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 - (sizeof(void *) == 4) ||
            eh.e_phentsize != sizeof(ElfW(Phdr)) || eh.e_phnum == 0 || eh.e_phnum > 256)
                return -ENOEXEC;
        ph = calloc(eh.e_phnum, sizeof(*ph));
        if (!ph)
                return -ENOMEM;
        r = read_at(fd, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff);
        if (r < 0)
                return r;
        for (size_t i = 0; i < eh.e_phnum; i++)
                if (ph[i].p_type == PT_DYNAMIC && !dyn) {
                        n_dyn = ph[i].p_filesz / sizeof(ElfW(Dyn));
                        if (n_dyn == 0 || n_dyn > 4096)
                                return -ENOEXEC;
                        dyn = calloc(n_dyn, sizeof(*dyn));
                        if (!dyn)
                                return -ENOMEM;
                        r = read_at(fd, dyn, n_dyn * sizeof(*dyn), ph[i].p_offset);
                        if (r < 0)
                                return r;
                }
        if (!dyn)
                return 0; /* static */
        for (size_t i = 0; i < n_dyn && dyn[i].d_tag != DT_NULL; i++)
                if (dyn[i].d_tag == DT_STRTAB)
                        strtab = dyn[i].d_un.d_ptr;
        if (!strtab || vaddr_to_offset(ph, eh.e_phnum, strtab, &stroff) < 0)
                return -ENOEXEC;
        for (size_t i = 0; i < n_dyn && dyn[i].d_tag != DT_NULL; i++) {
                char name[256];
                if (dyn[i].d_tag != DT_NEEDED)
                        continue;
                uint64_t at = stroff + dyn[i].d_un.d_val;
                if (at < stroff || at > (uint64_t) INT64_MAX)
                        return -ENOEXEC;
                ssize_t k = pread(fd, name, sizeof(name) - 1, (off_t) at);
                if (k <= 0)
                        return -ENOEXEC;
                name[k] = 0;
                if (strlen(name) == (size_t) k || strchr(name, '/'))
                        return -ENOEXEC; /* unterminated, or a path: not what we follow */
                if (strv_extend(names, name) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* A regular file, as the loader takes it: DT_NEEDED "." or "x86_64-linux-gnu"
 * would otherwise name a directory. */
static char *lib_find(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(lib_dirs); i++) {
                struct stat st;
                char *p = NULL;
                if (asprintf(&p, "%s/%s", lib_dirs[i], name) < 0)
                        return NULL;
                if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, R_OK) == 0)
                        return p;
                free(p);
        }
        return NULL;
}

static int compare_strings(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

int elf_needed_closure(const char *program, char ***ret) {
        _cleanup_strv_free_ char **todo = NULL, **found = NULL, **seen = NULL;
        int r;

        r = elf_needed_names(program, &todo);
        if (r < 0)
                return r;
        while (todo && todo[0]) {
                _cleanup_free_ char *name = strdup(todo[0]);
                if (!name)
                        return -ENOMEM;
                strv_remove(todo, name);
                if (strv_contains(seen, name))
                        continue;
                if (strv_extend(&seen, name) < 0)
                        return -ENOMEM;
                _cleanup_free_ char *path = lib_find(name);
                if (!path)
                        continue;
                if (strv_extend(&found, path) < 0)
                        return -ENOMEM;
                r = elf_needed_names(path, &todo);
                if (r < 0 && r != -ENOEXEC)
                        return r;
        }
        /* qsort(NULL, 0, …) is undefined: a static program has no list. */
        if (found)
                qsort(found, strv_length(found), sizeof(char *), compare_strings);
        *ret = TAKE_PTR(found);
        if (!*ret)
                *ret = calloc(1, sizeof(char *));
        return *ret ? 0 : -ENOMEM;
}
