/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net-route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <net/route.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "strv.h"

typedef union SockAddr {
        struct sockaddr sa;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
        struct sockaddr_storage storage;
} SockAddr;

static int resolve(const char *host, SockAddr *ret, socklen_t *ret_len) {
        _cleanup_free_ char *h = NULL;
        struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res = NULL;
        size_t n = strlen(host);

        /* "[fd00::1]" as nfs writes it */
        h = host[0] == '[' && n > 2 && host[n - 1] == ']' ? strndup(host + 1, n - 2) : strdup(host);
        if (!h)
                return -ENOMEM;
        if (getaddrinfo(h, "9", &hints, &res) != 0 || !res)
                return -EADDRNOTAVAIL;
        memcpy(ret, res->ai_addr, res->ai_addrlen);
        *ret_len = res->ai_addrlen;
        freeaddrinfo(res);
        return 0;
}

static const void *addr_bytes(const SockAddr *a) {
        return a->sa.sa_family == AF_INET6 ? (const void *) &a->in6.sin6_addr : (const void *) &a->in.sin_addr;
}

static int addr_to_string(const SockAddr *a, char **ret) {
        char buf[INET6_ADDRSTRLEN];
        if (!inet_ntop(a->sa.sa_family, addr_bytes(a), buf, sizeof(buf)))
                return negative_errno();
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

static unsigned prefix_of(const struct sockaddr *mask) {
        const unsigned char *b;
        size_t n;
        unsigned bits = 0;

        if (!mask)
                return 0;
        if (mask->sa_family == AF_INET6) {
                b = (const unsigned char *) &((const struct sockaddr_in6 *) mask)->sin6_addr;
                n = 16;
        } else {
                b = (const unsigned char *) &((const struct sockaddr_in *) mask)->sin_addr;
                n = 4;
        }
        for (size_t i = 0; i < n; i++)
                bits += (unsigned) __builtin_popcount(b[i]);
        return bits;
}

/* The kernel's choice of source address for the server: a connected UDP
 * socket sends nothing but runs the route lookup. */
static int source_for(const SockAddr *server, socklen_t len, SockAddr *ret) {
        _cleanup_close_ int fd = socket(server->sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        socklen_t l = sizeof(*ret);

        if (fd < 0)
                return negative_errno();
        if (connect(fd, &server->sa, len) < 0)
                return errno == ENETUNREACH || errno == EHOSTUNREACH ? -ENETUNREACH : negative_errno();
        if (getsockname(fd, &ret->sa, &l) < 0)
                return negative_errno();
        return 0;
}

static bool prefix_matches(const unsigned char *a, const unsigned char *b, unsigned bits) {
        unsigned whole = bits / 8, rest = bits % 8;
        if (memcmp(a, b, whole) != 0)
                return false;
        return rest == 0 || ((a[whole] ^ b[whole]) & (0xff00 >> rest) & 0xff) == 0;
}

static int hex_to_bytes(const char *hex, unsigned char *out, size_t n) {
        if (strlen(hex) != n * 2)
                return -EBADMSG;
        for (size_t i = 0; i < n; i++) {
                unsigned v;
                if (sscanf(hex + 2 * i, "%2x", &v) != 1)
                        return -EBADMSG;
                out[i] = (unsigned char) v;
        }
        return 0;
}

/* The longest matching route via ifname in /proc/net/route or
 * /proc/net/ipv6_route; its gateway, if it has one, is ours. */
static int gateway_for(const SockAddr *server, const char *ifname, char **ret) {
        bool v6 = server->sa.sa_family == AF_INET6;
        _cleanup_fclose_ FILE *f = fopen(v6 ? "/proc/net/ipv6_route" : "/proc/net/route", "re");
        const unsigned char *want = addr_bytes(server);
        size_t alen = v6 ? 16 : 4;
        unsigned char best_gw[16] = {};
        int best_len = -1;
        char line[512];

        *ret = NULL;
        if (!f)
                return negative_errno();
        while (fgets(line, sizeof(line), f)) {
                char dev[IFNAMSIZ + 8], dst_hex[33], gw_hex[33], src_hex[33];
                unsigned char dst[16] = {}, gw[16] = {}, mask[4];
                unsigned flags, plen, srclen, metric, refcnt, use;

                if (v6) {
                        if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %16s", dst_hex, &plen, src_hex, &srclen, gw_hex,
                                   &metric, &refcnt, &use, &flags, dev) != 10)
                                continue;
                        if (hex_to_bytes(dst_hex, dst, 16) < 0 || hex_to_bytes(gw_hex, gw, 16) < 0)
                                continue;
                } else {
                        unsigned d, g, m;
                        if (sscanf(line, "%16s %x %x %x %u %u %u %x", dev, &d, &g, &flags, &refcnt, &use, &metric, &m) != 8)
                                continue;
                        /* the kernel prints them in host (little-endian) order */
                        memcpy(dst, &d, 4);
                        memcpy(gw, &g, 4);
                        memcpy(mask, &m, 4);
                        plen = 0;
                        for (size_t i = 0; i < 4; i++)
                                plen += (unsigned) __builtin_popcount(mask[i]);
                }
                if (strcmp(dev, ifname) != 0 || !(flags & RTF_UP) || (int) plen <= best_len)
                        continue;
                if (!prefix_matches(dst, want, plen))
                        continue;
                best_len = (int) plen;
                memset(best_gw, 0, sizeof(best_gw));
                if (flags & RTF_GATEWAY)
                        memcpy(best_gw, gw, alen);
        }
        if (best_len < 0)
                return -ENETUNREACH;
        static const unsigned char zero[16];
        if (memcmp(best_gw, zero, alen) == 0)
                return 0;
        char buf[INET6_ADDRSTRLEN];
        if (!inet_ntop(server->sa.sa_family, best_gw, buf, sizeof(buf)))
                return negative_errno();
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

static int read_mac(const char *ifname, char **ret) {
        _cleanup_free_ char *path = NULL, *dev = NULL;
        struct stat st;

        if (asprintf(&path, "/sys/class/net/%s/device", ifname) < 0)
                return -ENOMEM;
        /* Only a real device keeps its MAC and driver in the capture
         * kernel; bridges, bonds and VLANs would need their setup redone. */
        if (stat(path, &st) < 0)
                return -EOPNOTSUPP;
        free(path);
        if (asprintf(&path, "/sys/class/net/%s/address", ifname) < 0)
                return -ENOMEM;
        return read_one_line_file(path, ret);
}

int net_plan_for_server(const char *host, NetPlan *ret) {
        _cleanup_(net_plan_done) NetPlan p = {};
        SockAddr server = {}, source = {};
        socklen_t len = 0;
        struct ifaddrs *ifs = NULL;
        int r;

        assert_return(host && ret, -EINVAL);
        r = resolve(host, &server, &len);
        if (r < 0)
                return r;
        r = source_for(&server, len, &source);
        if (r < 0)
                return r;
        if ((r = addr_to_string(&server, &p.server)) < 0 || (r = addr_to_string(&source, &p.address)) < 0)
                return r;

        if (getifaddrs(&ifs) < 0)
                return negative_errno();
        for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
                if (!i->ifa_addr || i->ifa_addr->sa_family != source.sa.sa_family)
                        continue;
                if (memcmp(addr_bytes((const SockAddr *) i->ifa_addr), addr_bytes(&source),
                           source.sa.sa_family == AF_INET6 ? 16 : 4) != 0)
                        continue;
                p.interface = strdup(i->ifa_name);
                p.prefixlen = prefix_of(i->ifa_netmask);
                break;
        }
        freeifaddrs(ifs);
        if (!p.interface)
                return -ENETUNREACH;
        if (strcmp(p.interface, "lo") == 0)
                return -ELOOP;
        r = read_mac(p.interface, &p.mac);
        if (r < 0)
                return r;
        r = gateway_for(&server, p.interface, &p.gateway);
        if (r < 0)
                return r;
        *ret = p;
        p = (NetPlan) {};
        return 0;
}

int net_interface_modules(const char *ifname, char ***ret) {
        _cleanup_strv_free_ char **mods = NULL;
        _cleanup_free_ char *path = NULL;
        char real[PATH_MAX];

        if (asprintf(&path, "/sys/class/net/%s/device", ifname) < 0)
                return -ENOMEM;
        if (!realpath(path, real))
                return negative_errno();
        /* Walk up: the NIC's driver, then its bus (virtio_pci, …). */
        for (char *end = real + strlen(real); strcmp(real, "/sys/devices") != 0 && end > real;) {
                _cleanup_free_ char *link = NULL;
                char target[PATH_MAX];
                ssize_t n;

                if (asprintf(&link, "%s/driver/module", real) < 0)
                        return -ENOMEM;
                n = readlink(link, target, sizeof(target) - 1);
                if (n > 0) {
                        target[n] = '\0';
                        const char *name = strrchr(target, '/');
                        name = name ? name + 1 : target;
                        if (!strv_contains(mods, name) && strv_extend(&mods, name) < 0)
                                return -ENOMEM;
                }
                end = strrchr(real, '/');
                if (!end)
                        break;
                *end = '\0';
        }
        *ret = TAKE_PTR(mods);
        if (!*ret)
                *ret = calloc(1, sizeof(char *));
        return *ret ? 0 : -ENOMEM;
}
