/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net-up.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "net-dhcp.h"
#include "net-links.h"
#include "rtnl.h"
#include "strv.h"
#include "log.h"
#include "macro.h"

/* Where udhcpc's script leaves the lease. */
#define NET_DHCP_DIR "/run/kdump/dhcp"

/* <linux/ipv6.h>'s struct in6_ifreq, which cannot be included beside
 * glibc's <netinet/in.h>. */
struct kernel_in6_ifreq {
        struct in6_addr addr;
        uint32_t prefixlen;
        int ifindex;
};

static int find_interface_by_mac(const char *mac, char ret[static IFNAMSIZ]) {
        DIR *d = opendir("/sys/class/net");
        struct dirent *de;
        int r = -ENODEV;

        if (!d)
                return negative_errno();
        while (r < 0 && (de = readdir(d))) {
                _cleanup_free_ char *path = NULL, *addr = NULL;
                if (de->d_name[0] == '.' || strlen(de->d_name) >= IFNAMSIZ)
                        continue;
                if (asprintf(&path, "/sys/class/net/%s/address", de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
                if (read_one_line_file(path, &addr) >= 0 && strcasecmp(addr, mac) == 0) {
                        strcpy(ret, de->d_name);
                        r = 0;
                }
        }
        closedir(d);
        return r;
}

static bool carrier_up(const char *ifname) {
        _cleanup_free_ char *path = NULL, *v = NULL;
        if (asprintf(&path, "/sys/class/net/%s/carrier", ifname) < 0)
                return false;
        return read_one_line_file(path, &v) >= 0 && strcmp(v, "1") == 0;
}

static void write_sysctl(const char *path, const char *value) {
        FILE *f = fopen(path, "we");
        if (!f)
                return;
        fputs(value, f);
        fclose(f);
}

/* The name into a zeroed ifreq, cut at IFNAMSIZ - 1 (no strncpy: it
 * draws -Wstringop-truncation under Debian's hardening flags). */
static void ifreq_name(struct ifreq *ifr, const char *ifname) {
        memcpy(ifr->ifr_name, ifname, strnlen(ifname, IFNAMSIZ - 1));
}

static int set_up(int fd, const char *ifname) {
        struct ifreq ifr = {};
        ifreq_name(&ifr, ifname);
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                return negative_errno();
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                return negative_errno();
        return 0;
}

static int add_address4(int fd, const char *ifname, const NetPlan *p) {
        struct ifreq ifr = {};
        struct sockaddr_in *sin = (struct sockaddr_in *) &ifr.ifr_addr;

        ifreq_name(&ifr, ifname);
        sin->sin_family = AF_INET;
        if (inet_pton(AF_INET, p->address, &sin->sin_addr) != 1)
                return -EINVAL;
        if (ioctl(fd, SIOCSIFADDR, &ifr) < 0)
                return negative_errno();
        sin = (struct sockaddr_in *) &ifr.ifr_netmask;
        sin->sin_family = AF_INET;
        sin->sin_addr.s_addr = p->prefixlen ? htonl(~0U << (32 - p->prefixlen)) : 0;
        if (ioctl(fd, SIOCSIFNETMASK, &ifr) < 0)
                return negative_errno();
        return 0;
}

/* The default route: the server is the only destination there is. */
static int add_route4(int fd, const char *ifname, const char *gateway) {
        struct rtentry rt = {};
        struct sockaddr_in *dst = (struct sockaddr_in *) &rt.rt_dst, *gw = (struct sockaddr_in *) &rt.rt_gateway,
                           *mask = (struct sockaddr_in *) &rt.rt_genmask;

        dst->sin_family = gw->sin_family = mask->sin_family = AF_INET;
        if (inet_pton(AF_INET, gateway, &gw->sin_addr) != 1)
                return -EINVAL;
        rt.rt_flags = RTF_UP | RTF_GATEWAY;
        rt.rt_dev = (char *) ifname;
        if (ioctl(fd, SIOCADDRT, &rt) < 0 && errno != EEXIST)
                return negative_errno();
        return 0;
}

static int add_address6(int fd, int ifindex, const NetPlan *p) {
        struct kernel_in6_ifreq req = { .prefixlen = p->prefixlen, .ifindex = ifindex };
        if (inet_pton(AF_INET6, p->address, &req.addr) != 1)
                return -EINVAL;
        if (ioctl(fd, SIOCSIFADDR, &req) < 0 && errno != EEXIST)
                return negative_errno();
        return 0;
}

static int add_route6(int fd, int ifindex, const char *gateway) {
        struct in6_rtmsg rt = { .rtmsg_flags = RTF_UP | RTF_GATEWAY, .rtmsg_ifindex = ifindex, .rtmsg_metric = 1 };
        if (inet_pton(AF_INET6, gateway, &rt.rtmsg_gateway) != 1)
                return -EINVAL;
        if (ioctl(fd, SIOCADDRT, &rt) < 0 && errno != EEXIST)
                return negative_errno();
        return 0;
}

/* The route to what lies outside the prefix but on the link (a gateway,
 * or the server itself): a host route on the interface. */
static int add_host_route4(int fd, const char *ifname, const char *host) {
        struct rtentry rt = {};
        struct sockaddr_in *dst = (struct sockaddr_in *) &rt.rt_dst, *mask = (struct sockaddr_in *) &rt.rt_genmask;

        dst->sin_family = mask->sin_family = AF_INET;
        if (inet_pton(AF_INET, host, &dst->sin_addr) != 1)
                return -EINVAL;
        mask->sin_addr.s_addr = 0xffffffff;
        rt.rt_flags = RTF_UP | RTF_HOST;
        rt.rt_dev = (char *) ifname;
        if (ioctl(fd, SIOCADDRT, &rt) < 0 && errno != EEXIST)
                return negative_errno();
        return 0;
}

static int add_host_route6(int fd, int ifindex, const char *host) {
        struct in6_rtmsg rt = { .rtmsg_flags = RTF_UP | RTF_HOST, .rtmsg_ifindex = ifindex, .rtmsg_metric = 1,
                                .rtmsg_dst_len = 128 };
        if (inet_pton(AF_INET6, host, &rt.rtmsg_dst) != 1)
                return -EINVAL;
        if (ioctl(fd, SIOCADDRT, &rt) < 0 && errno != EEXIST)
                return negative_errno();
        return 0;
}

static bool in_prefix(const char *address, unsigned prefixlen, const char *other) {
        int family = net_address_family(address);
        unsigned char a[16], b[16];
        unsigned whole = prefixlen / 8, rest = prefixlen % 8;

        if (net_address_family(other) != family || inet_pton(family, address, a) != 1 || inet_pton(family, other, b) != 1)
                return false;
        if (memcmp(a, b, whole) != 0)
                return false;
        return rest == 0 || ((a[whole] ^ b[whole]) & (0xff00 >> rest) & 0xff) == 0;
}

/* The address, and the routes to the gateway or the server. */
static int address_set(int fd, const char *ifname, const NetPlan *p, const char *address, unsigned prefixlen,
                       const char *gateway) {
        bool v6 = net_address_family(address) == AF_INET6;
        int ifindex = (int) if_nametoindex(ifname);
        NetPlan a = { .address = (char *) address, .prefixlen = prefixlen };
        int r;

        r = v6 ? add_address6(fd, ifindex, &a) : add_address4(fd, ifname, &a);
        if (r < 0)
                return log_error_errno(r, "cannot set address %s/%u on %s: %m", address, prefixlen, ifname);
        /* On the link but outside the prefix: reach it through the link. */
        const char *onlink = gateway ? gateway : p->server;
        if (!in_prefix(address, prefixlen, onlink)) {
                r = v6 ? add_host_route6(fd, ifindex, onlink) : add_host_route4(fd, ifname, onlink);
                if (r < 0)
                        return log_error_errno(r, "cannot add the route to %s on %s: %m", onlink, ifname);
        }
        if (gateway) {
                r = v6 ? add_route6(fd, ifindex, gateway) : add_route4(fd, ifname, gateway);
                if (r < 0)
                        return log_error_errno(r, "cannot add the route via %s on %s: %m", gateway, ifname);
        }
        return 0;
}

/* Waits for every NIC of the plan by MAC. A bond goes on with the slaves
 * that came: past the first, the others get NIC_GRACE_USEC more. */
#define NIC_GRACE_USEC (10ULL * 1000000)

static int nics_find(NetLinkUp *up, size_t n, uint64_t deadline_usec) {
        uint64_t until = deadline_usec;
        size_t missing;

        for (;;) {
                missing = 0;
                for (size_t i = 0; i < n; i++) {
                        if (up[i].link->kind != NET_LINK_NIC || up[i].ifindex > 0)
                                continue;
                        if (find_interface_by_mac(up[i].link->mac, up[i].ifname) == 0) {
                                up[i].ifindex = (int) if_nametoindex(up[i].ifname);
                                if (until == deadline_usec && now_usec() + NIC_GRACE_USEC < deadline_usec)
                                        until = now_usec() + NIC_GRACE_USEC;
                                log_info("kdump: %s (%s on the running system) is %s.", up[i].link->mac,
                                         up[i].link->name, up[i].ifname);
                        }
                        if (up[i].ifindex <= 0)
                                missing++;
                }
                if (missing == 0 || now_usec() >= until)
                        break;
                usleep(100 * 1000);
        }
        for (size_t i = 0; i < n; i++) {
                if (up[i].link->kind != NET_LINK_NIC || up[i].ifindex > 0)
                        continue;
                log_warning("kdump: no network interface with MAC %s (%s on the running system) appeared.",
                            up[i].link->mac, up[i].link->name);
        }
        /* What needs all its NICs: a VLAN's lower link, a bridge's port. A
         * bond needs one slave. */
        for (size_t i = 0; i < n; i++) {
                const NetLink *l = up[i].link;
                size_t have = 0, want = 0;
                if (l->kind == NET_LINK_NIC)
                        continue;
                for (size_t k = 0; k < n; k++)
                        if (up[k].link->kind == NET_LINK_NIC &&
                            (strv_contains(l->members, up[k].link->name) || (l->parent && strcmp(l->parent, up[k].link->name) == 0))) {
                                want++;
                                have += up[k].ifindex > 0;
                        }
                if (have == 0 || (l->kind != NET_LINK_BOND && have < want))
                        return log_error_errno(-ETIMEDOUT, "%s %s has none of its NICs: no dump over it.",
                                               net_link_kind_to_string(l->kind), l->name);
        }
        return 0;
}

/* The interface that carries the address: the NIC alone, found by MAC, or
 * the top of the links made over the NICs. */
static int links_up(const NetPlan *p, uint64_t deadline_usec, char ret[static IFNAMSIZ]) {
        _cleanup_free_ NetLinkUp *up = NULL;
        int r;

        if (p->n_links == 0) {
                while ((r = find_interface_by_mac(p->mac, ret)) == -ENODEV && now_usec() < deadline_usec)
                        usleep(100 * 1000);
                if (r < 0)
                        return log_error_errno(r == -ENODEV ? -ETIMEDOUT : r,
                                               "no network interface with MAC %s (%s on the running system) appeared: %m",
                                               p->mac, strempty(p->interface));
                return 0;
        }
        up = calloc(p->n_links, sizeof(NetLinkUp));
        if (!up)
                return log_oom();
        for (size_t i = 0; i < p->n_links; i++)
                up[i].link = &p->links[i];
        r = nics_find(up, p->n_links, deadline_usec);
        if (r < 0)
                return r;
        _cleanup_close_ int fd = rtnl_open();
        if (fd < 0)
                return log_error_errno(fd, "cannot open rtnetlink: %m");
        r = net_links_up(fd, up, p->n_links);
        if (r < 0)
                return r;
        for (size_t i = 0; i < p->n_links; i++)
                if (strcmp(up[i].link->name, p->interface) == 0) {
                        strcpy(ret, up[i].ifname);
                        return 0;
                }
        return log_error_errno(-EINVAL, "the network plan has no link %s.", p->interface);
}

int net_up(const NetPlan *p, long link_delay_sec, uint64_t deadline_usec, char **ret_address) {
        char ifname[IFNAMSIZ] = "";
        bool v6 = net_address_family(p->address) == AF_INET6;
        int r;

        assert_return(p && p->mac && p->address && p->server && ret_address, -EINVAL);

        /* The drivers were loaded with the other modules; their interfaces
         * show up when the devices are probed. */
        r = links_up(p, deadline_usec, ifname);
        if (r < 0)
                return r;

        _cleanup_close_ int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return log_error_errno(-errno, "cannot open a socket to configure %s: %m", ifname);
        if (v6) {
                /* Duplicate address detection would hold the address back
                 * for a second or two; this address was ours a moment ago. */
                _cleanup_free_ char *dad = NULL;
                if (asprintf(&dad, "/proc/sys/net/ipv6/conf/%s/accept_dad", ifname) >= 0)
                        write_sysctl(dad, "0");
        }
        if (p->n_links == 0) {
                if (p->mtu) {
                        struct ifreq ifr = { .ifr_mtu = (int) p->mtu };
                        ifreq_name(&ifr, ifname);
                        if (ioctl(fd, SIOCSIFMTU, &ifr) < 0)
                                log_warning("kdump: cannot set MTU %u on %s: %m", p->mtu, ifname);
                }
                r = set_up(fd, ifname);
                if (r < 0)
                        return log_error_errno(r, "cannot bring %s up: %m", ifname);
        }
        while (!carrier_up(ifname) && now_usec() < deadline_usec)
                usleep(100 * 1000);
        if (!carrier_up(ifname))
                return log_error_errno(-ETIMEDOUT, "%s has no link (no carrier): is the cable in?", ifname);
        if (link_delay_sec > 0) {
                log_info("kdump: link_delay: waiting %lds for %s's link to settle.", link_delay_sec, ifname);
                sleep((unsigned) link_delay_sec);
        }

        _cleanup_(dhcp_lease_done) DhcpLease lease = {};
        const char *address = p->address, *gateway = p->gateway, *how = "as recorded";
        unsigned prefixlen = p->prefixlen;
        if (p->dhcp) {
                (void) mkdir_p(NET_DHCP_DIR, 0700);
                r = dhcp_request("busybox", DHCP_LEASE_PROGRAM_PATH, NET_DHCP_DIR "/lease", ifname, p->dhcp_timeout,
                                 deadline_usec, &lease);
                if (r >= 0) {
                        address = lease.address;
                        prefixlen = lease.prefixlen;
                        gateway = lease.router;
                        how = "from DHCP";
                } else if (p->dhcp_fallback) {
                        log_notice("kdump: capture_dhcp_fallback \"static\": using %s/%u, the address of the build.",
                                   p->address, p->prefixlen);
                        how = "of the build (no DHCP lease)";
                } else
                        return log_error_errno(r, "no address for %s: DHCP gave none, and kdumpd.conf's "
                                               "capture_dhcp_fallback is \"none\": %m", ifname);
        }
        r = address_set(fd, ifname, p, address, prefixlen, gateway);
        if (r < 0)
                return r;
        log_info("kdump: network up: %s (%s) %s/%u %s%s%s, dump server %s.", ifname, p->mac, address, prefixlen, how,
                 gateway ? " via " : "", strempty(gateway), p->server);
        *ret_address = strdup(address);
        return *ret_address ? 0 : log_oom();
}
