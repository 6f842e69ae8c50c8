/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net-dhcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "deadline.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

void dhcp_lease_done(DhcpLease *l) {
        free(l->address);
        free(l->router);
        *l = (DhcpLease) {};
}

static bool ipv4_valid(const char *s) {
        struct in_addr a;
        return inet_pton(AF_INET, s, &a) == 1;
}

static unsigned mask_to_prefix(const char *s) {
        struct in_addr a;
        if (inet_pton(AF_INET, s, &a) != 1)
                return 33;
        uint32_t m = ntohl(a.s_addr);
        unsigned bits = (unsigned) __builtin_popcount(m);
        /* a mask is ones then zeros */
        return bits == 0 || m == ~0U << (32 - bits) ? bits : 33;
}

int dhcp_lease_parse(const char *text, DhcpLease *ret) {
        _cleanup_(dhcp_lease_done) DhcpLease l = { .prefixlen = 33 };
        _cleanup_free_ char *copy = strdup(text ? text : "");
        char *save = NULL;

        assert_return(text && ret, -EINVAL);
        if (!copy)
                return -ENOMEM;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *value = strchr(line, ' ');
                if (!value)
                        continue;
                *value++ = '\0';
                if (strcmp(line, "ip") == 0 && ipv4_valid(value) && !l.address)
                        l.address = strdup(value);
                else if (strcmp(line, "mask") == 0)
                        l.prefixlen = (unsigned) strtoul(value, NULL, 10);
                else if (strcmp(line, "subnet") == 0 && l.prefixlen > 32)
                        l.prefixlen = mask_to_prefix(value);
                else if (strcmp(line, "router") == 0 && !l.router) {
                        /* a list; the first is the default route */
                        value[strcspn(value, " ")] = '\0';
                        if (ipv4_valid(value))
                                l.router = strdup(value);
                }
        }
        if (!l.address)
                return -EBADMSG;
        if (l.prefixlen > 32)
                l.prefixlen = 24; /* no mask given: a class C's, as udhcpc's own script does */
        *ret = l;
        l = (DhcpLease) {};
        return 0;
}

int dhcp_request(const char *client, const char *script, const char *lease_path, const char *ifname,
                 unsigned timeout_sec, uint64_t deadline_usec, DhcpLease *ret) {
        _cleanup_strv_free_ char **env = NULL;
        _cleanup_free_ char *text = NULL;
        char tries[16], secs[16];
        uint64_t deadline = deadline_after_sec(timeout_sec);
        int r;

        assert_return(client && script && lease_path && ifname && ret, -EINVAL);
        if (deadline_usec && deadline_usec < deadline)
                deadline = deadline_usec;
        /* A DISCOVER every 2 s until the time is up; -n: exit 1 then. The
         * deadline kills it if it hangs anyway. */
        snprintf(secs, sizeof(secs), "%u", 2u);
        snprintf(tries, sizeof(tries), "%u", timeout_sec / 2 > 0 ? timeout_sec / 2 : 1);
        char *argv[] = { (char *) client, (char *) "udhcpc", (char *) "-f", (char *) "-q", (char *) "-n",
                         (char *) "-i", (char *) ifname, (char *) "-t", tries, (char *) "-T", secs,
                         (char *) "-A", (char *) "1", (char *) "-s", (char *) script, NULL };
        if (strv_extendf(&env, "KDUMP_DHCP_LEASE=%s", lease_path) < 0)
                return -ENOMEM;
        (void) unlink(lease_path);
        log_info("kdump: asking DHCP for an address on %s (at most %us).", ifname, timeout_sec);
        r = child_run(argv, env, -1, -1, deadline);
        if (r == -ETIME)
                return log_error_errno(-ETIMEDOUT, "kdump: no DHCP lease on %s in time.", ifname);
        if (r < 0)
                return log_error_errno(r, "kdump: cannot run %s udhcpc: %m", client);
        if (r > 0)
                return log_error_errno(-ETIMEDOUT, "kdump: no DHCP lease on %s (udhcpc exit status %d).", ifname, r);
        r = read_text_file(lease_path, &text);
        if (r < 0)
                return log_error_errno(r, "kdump: udhcpc got a lease, but %s cannot be read: %m", lease_path);
        r = dhcp_lease_parse(text, ret);
        if (r < 0)
                return log_error_errno(r, "kdump: the DHCP lease in %s names no address.", lease_path);
        return 0;
}
