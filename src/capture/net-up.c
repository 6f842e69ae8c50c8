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
#include "log.h"
#include "macro.h"

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

int net_up(const NetPlan *p, long link_delay_sec, uint64_t deadline_usec) {
        char ifname[IFNAMSIZ] = "";
        bool v6 = net_address_family(p->address) == AF_INET6;
        int r;

        assert_return(p && p->mac && p->address && p->server, -EINVAL);

        /* The driver was loaded with the other modules; its interface
         * shows up when the device is probed. */
        while ((r = find_interface_by_mac(p->mac, ifname)) == -ENODEV && now_usec() < deadline_usec)
                usleep(100 * 1000);
        if (r < 0)
                return log_error_errno(r == -ENODEV ? -ETIMEDOUT : r, "no network interface with MAC %s (%s on the running system) appeared: %m",
                                       p->mac, strempty(p->interface));

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
        r = set_up(fd, ifname);
        if (r < 0)
                return log_error_errno(r, "cannot bring %s up: %m", ifname);
        while (!carrier_up(ifname) && now_usec() < deadline_usec)
                usleep(100 * 1000);
        if (!carrier_up(ifname))
                return log_error_errno(-ETIMEDOUT, "%s has no link (no carrier): is the cable in?", ifname);
        if (link_delay_sec > 0) {
                log_info("kdump: link_delay: waiting %lds for %s's link to settle.", link_delay_sec, ifname);
                sleep((unsigned) link_delay_sec);
        }

        int ifindex = (int) if_nametoindex(ifname);
        r = v6 ? add_address6(fd, ifindex, p) : add_address4(fd, ifname, p);
        if (r < 0)
                return log_error_errno(r, "cannot set address %s/%u on %s: %m", p->address, p->prefixlen, ifname);
        if (p->gateway) {
                r = v6 ? add_route6(fd, ifindex, p->gateway) : add_route4(fd, ifname, p->gateway);
                if (r < 0)
                        return log_error_errno(r, "cannot add the route via %s on %s: %m", p->gateway, ifname);
        }
        log_info("kdump: network up: %s (%s) %s/%u%s%s, dump server %s.", ifname, p->mac, p->address, p->prefixlen,
                 p->gateway ? " via " : "", strempty(p->gateway), p->server);
        return 0;
}
