/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdump-dhcp-lease: busybox udhcpc's script in the capture image, which has
 * no shell. udhcpc runs it with the event as argv[1] and the lease in the
 * environment (ip, subnet, mask, router, …); on "bound" and "renew" it
 * writes the lease to $KDUMP_DHCP_LEASE for the capture program, which
 * sets the address itself. Every other event needs nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

int main(int argc, char *argv[]) {
        static const char *const keys[] = { "ip", "subnet", "mask", "router", "interface", "lease", "serverid" };
        const char *path = getenv("KDUMP_DHCP_LEASE");
        char *text = NULL;
        size_t size = 0;

        if (argc < 2 || !path || (strcmp(argv[1], "bound") != 0 && strcmp(argv[1], "renew") != 0))
                return 0;
        FILE *f = open_memstream(&text, &size);
        if (!f)
                return 1;
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                const char *v = getenv(keys[i]);
                if (v && !strchr(v, '\n'))
                        fprintf(f, "%s %s\n", keys[i], v);
        }
        if (fclose(f) != 0)
                return 1;
        int r = write_file_atomic(path, text, size, 0600);
        free(text);
        return r < 0 ? 1 : 0;
}
