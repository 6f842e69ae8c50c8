/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DHCPv4 in the capture: busybox's udhcpc asks for a lease on the link
 * that carries the address, with a deadline; the lease comes back through
 * kdump-dhcp-lease (dhcp-lease.c), which udhcpc runs as its script and
 * which writes it to a file. The address is then set like a static one. */
#pragma once

#include <stdint.h>

/* What a lease gives: our address, its prefix, the first router. */
typedef struct DhcpLease {
        char *address;
        unsigned prefixlen;
        char *router;          /* NULL: none */
} DhcpLease;

void dhcp_lease_done(DhcpLease *l);

/* Parses what kdump-dhcp-lease wrote ("ip …", "subnet …", "mask …",
 * "router …" lines). -EBADMSG without a valid "ip". */
int dhcp_lease_parse(const char *text, DhcpLease *ret);

/* Runs client (argv[0], "busybox" in the image) as "udhcpc" on ifname for
 * at most timeout_sec and not past deadline_usec; the lease is written to
 * lease_path by script. -ETIMEDOUT: no lease in time. */
int dhcp_request(const char *client, const char *script, const char *lease_path, const char *ifname,
                 unsigned timeout_sec, uint64_t deadline_usec, DhcpLease *ret);
