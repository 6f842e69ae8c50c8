/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The route to a dump server as the running kernel takes it (RTM_GETROUTE,
 * the policy rules included), the address it leaves from and the links
 * under that address (net-topology.c). */
#include "net-route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <limits.h>
#include <net/if.h>
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
#include "net-topology.h"
#include "rtnl.h"
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

static bool prefix_matches(const unsigned char *a, const unsigned char *b, unsigned bits) {
        unsigned whole = bits / 8, rest = bits % 8;
        if (memcmp(a, b, whole) != 0)
                return false;
        return rest == 0 || ((a[whole] ^ b[whole]) & (0xff00 >> rest) & 0xff) == 0;
}

/* The kernel's choice of source address for the server when the route
 * does not name one: a connected UDP socket sends nothing but runs the
 * route lookup. */
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

typedef struct RouteAnswer {
        int oif;
        unsigned char type;          /* RTN_* */
        SockAddr gateway, source;    /* AF_UNSPEC: none */
} RouteAnswer;

static void sockaddr_set(SockAddr *a, int family, const struct rtattr *attr) {
        size_t n = family == AF_INET6 ? 16 : 4;

        if (!attr || rtnl_attr_len(attr) != n)
                return;
        a->sa.sa_family = (sa_family_t) family;
        memcpy((void *) addr_bytes(a), rtnl_attr_data(attr), n);
}

static int route_answer_parse(const struct nlmsghdr *h, RouteAnswer *ret) {
        const struct rtattr *tb[RTA_MAX + 1];
        const struct rtmsg *rtm;
        uint32_t oif = 0;
        size_t len;

        if (h->nlmsg_type != RTM_NEWROUTE || h->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)))
                return -EBADMSG;
        rtm = NLMSG_DATA(h);
        const struct rtattr *first = rtnl_attrs(h, sizeof(*rtm), &len);
        rtnl_attrs_parse(first, len, tb, RTA_MAX);
        (void) rtnl_attr_u32(tb[RTA_OIF], &oif);
        *ret = (RouteAnswer) { .oif = (int) oif, .type = rtm->rtm_type };
        sockaddr_set(&ret->gateway, rtm->rtm_family, tb[RTA_GATEWAY]);
        sockaddr_set(&ret->source, rtm->rtm_family, tb[RTA_PREFSRC]);
        return 0;
}

int net_route_answer_parse(const struct nlmsghdr *h, int *ret_oif, unsigned char *ret_type, char **ret_gateway,
                           char **ret_source) {
        _cleanup_free_ char *gw = NULL, *src = NULL;
        RouteAnswer a;
        int r = route_answer_parse(h, &a);

        if (r < 0)
                return r;
        if ((a.gateway.sa.sa_family != AF_UNSPEC && addr_to_string(&a.gateway, &gw) < 0) ||
            (a.source.sa.sa_family != AF_UNSPEC && addr_to_string(&a.source, &src) < 0))
                return -ENOMEM;
        *ret_oif = a.oif;
        *ret_type = a.type;
        *ret_gateway = TAKE_PTR(gw);
        *ret_source = TAKE_PTR(src);
        return 0;
}

static int on_route(const struct nlmsghdr *h, void *userdata) {
        (void) route_answer_parse(h, userdata);
        return 0;
}

/* RTM_GETROUTE, as "ip route get" asks: the route the kernel would take
 * for a packet to the server, the policy rules included. */
static int route_get(const SockAddr *server, RouteAnswer *ret) {
        bool v6 = server->sa.sa_family == AF_INET6;
        struct rtmsg rtm = { .rtm_family = server->sa.sa_family, .rtm_dst_len = v6 ? 128 : 32 };
        RtnlMessage m;
        int fd, r;

        fd = rtnl_open();
        if (fd < 0)
                return fd;
        rtnl_message_init(&m, RTM_GETROUTE, 0, &rtm, sizeof(rtm));
        rtnl_append(&m, RTA_DST, addr_bytes(server), v6 ? 16 : 4);
        *ret = (RouteAnswer) {};
        r = rtnl_call(fd, &m, on_route, ret);
        close(fd);
        if (r == -ENETUNREACH || r == -EHOSTUNREACH || r == -EACCES || r == -ENETDOWN)
                return -ENETUNREACH;
        if (r < 0)
                return r;
        if (ret->type == RTN_LOCAL)
                return -ELOOP;
        if (ret->type != RTN_UNICAST || ret->oif <= 0)
                return -ENETUNREACH;
        return 0;
}

typedef struct AddressQuery {
        const SockAddr *want;
        int ifindex;          /* where it is; 0: not found */
        unsigned prefixlen;
        uint32_t flags;       /* IFA_F_* */
} AddressQuery;

static int on_address(const struct nlmsghdr *h, void *userdata) {
        AddressQuery *q = userdata;
        const struct rtattr *tb[IFA_MAX + 1], *a;
        const struct ifaddrmsg *ifa;
        uint32_t flags;
        size_t len, n = q->want->sa.sa_family == AF_INET6 ? 16 : 4;

        if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
                return 0;
        ifa = NLMSG_DATA(h);
        if (ifa->ifa_family != q->want->sa.sa_family || q->ifindex)
                return 0;
        const struct rtattr *first = rtnl_attrs(h, sizeof(*ifa), &len);
        rtnl_attrs_parse(first, len, tb, IFA_MAX);
        /* IFA_LOCAL is ours on a point-to-point link; IFA_ADDRESS elsewhere. */
        a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
        if (!a || rtnl_attr_len(a) != n || memcmp(rtnl_attr_data(a), addr_bytes(q->want), n) != 0)
                return 0;
        q->ifindex = (int) ifa->ifa_index;
        q->prefixlen = ifa->ifa_prefixlen;
        q->flags = rtnl_attr_u32(tb[IFA_FLAGS], &flags) ? flags : ifa->ifa_flags;
        return 0;
}

/* The address's interface, prefix and flags: an address with a lifetime
 * (not IFA_F_PERMANENT) has a lease behind it, DHCP's or SLAAC's. */
static int address_find(const SockAddr *address, AddressQuery *ret) {
        struct ifaddrmsg ifa = { .ifa_family = address->sa.sa_family };
        RtnlMessage m;
        int fd, r;

        fd = rtnl_open();
        if (fd < 0)
                return fd;
        rtnl_message_init(&m, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa));
        *ret = (AddressQuery) { .want = address };
        r = rtnl_call(fd, &m, on_address, ret);
        close(fd);
        if (r < 0)
                return r;
        return ret->ifindex > 0 ? 0 : -ENETUNREACH;
}

int net_plan_for_server(const char *host, NetPlan *ret, char **ret_why) {
        _cleanup_(net_plan_done) NetPlan p = {};
        _cleanup_free_ NetLinkInfo *links = NULL;
        SockAddr server = {};
        RouteAnswer route;
        AddressQuery addr;
        socklen_t len = 0;
        size_t n_links = 0;
        int r;

        assert_return(host && ret && ret_why, -EINVAL);
        *ret_why = NULL;
        r = resolve(host, &server, &len);
        if (r < 0)
                return r;
        r = route_get(&server, &route);
        if (r < 0)
                return r;
        if (route.source.sa.sa_family == AF_UNSPEC) {
                r = source_for(&server, len, &route.source);
                if (r < 0)
                        return r;
        }
        if ((r = addr_to_string(&server, &p.server)) < 0 || (r = addr_to_string(&route.source, &p.address)) < 0)
                return r;
        if (route.gateway.sa.sa_family != AF_UNSPEC && (r = addr_to_string(&route.gateway, &p.gateway)) < 0)
                return r;

        r = address_find(&route.source, &addr);
        if (r < 0)
                return r;
        r = net_links_read(&links, &n_links);
        if (r < 0)
                return r;
        if (addr.ifindex != route.oif) {
                char oif[IF_NAMESIZE] = "?", holder[IF_NAMESIZE] = "?";
                (void) if_indextoname((unsigned) route.oif, oif);
                (void) if_indextoname((unsigned) addr.ifindex, holder);
                if (asprintf(ret_why, "\"%s\" with source address %s, which is on \"%s\"; the capture sets the "
                             "address on the link the route leaves by", oif, p.address, holder) < 0)
                        return -ENOMEM;
                return -EOPNOTSUPP;
        }
        p.prefixlen = addr.prefixlen;
        /* DHCPv4 only: an IPv6 address with a lifetime (SLAAC) is set as it
         * is, as a static one. */
        p.dhcp = route.source.sa.sa_family == AF_INET && !(addr.flags & IFA_F_PERMANENT);
        if (p.gateway)
                p.gateway_onlink = !prefix_matches(addr_bytes(&route.gateway), addr_bytes(&route.source), p.prefixlen);
        r = net_topology_plan(links, n_links, route.oif, &p, ret_why);
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
