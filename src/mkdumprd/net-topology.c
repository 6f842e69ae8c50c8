/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net-topology.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "rtnl.h"
#include "strv.h"

static void mac_format(const struct rtattr *a, char ret[static 18]) {
        const uint8_t *b;

        ret[0] = '\0';
        if (!a || rtnl_attr_len(a) != 6)
                return;
        b = rtnl_attr_data(a);
        snprintf(ret, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

static void bond_info_parse(const struct rtattr *data, NetLinkInfo *l) {
        const struct rtattr *tb[IFLA_BOND_MAX + 1], *targets[NET_ARP_TARGETS_MAX + 1];
        size_t n;
        const NetBondOption *opts = net_bond_options(&n);
        uint32_t v32;

        rtnl_attrs_parse_nested(data, tb, IFLA_BOND_MAX);
        for (size_t i = 0; i < n; i++) {
                uint8_t v8;
                if (opts[i].attr > IFLA_BOND_MAX)
                        continue;
                if (opts[i].size == 1 ? rtnl_attr_u8(tb[opts[i].attr], &v8) : rtnl_attr_u32(tb[opts[i].attr], &v32)) {
                        l->bond[i] = opts[i].size == 1 ? v8 : v32;
                        l->bond_have |= 1u << i;
                }
        }
        if (rtnl_attr_u32(tb[IFLA_BOND_PRIMARY], &v32))
                l->bond_primary = (int) v32;
        /* arp_ip_target: nested, one address per index 0…15 */
        rtnl_attrs_parse_nested(tb[IFLA_BOND_ARP_IP_TARGET], targets, NET_ARP_TARGETS_MAX);
        for (size_t i = 0; i <= NET_ARP_TARGETS_MAX && l->n_arp_targets < NET_ARP_TARGETS_MAX; i++)
                if (rtnl_attr_u32(targets[i], &v32))
                        l->arp_targets[l->n_arp_targets++] = v32;
}

int net_link_info_parse(const struct nlmsghdr *h, NetLinkInfo *ret) {
        const struct rtattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
        NetLinkInfo l = {};
        const struct ifinfomsg *ifi;
        const char *s;
        uint32_t v;
        size_t len;

        if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
                return -EBADMSG;
        ifi = NLMSG_DATA(h);
        l.ifindex = ifi->ifi_index;
        l.type = ifi->ifi_type;
        const struct rtattr *first = rtnl_attrs(h, sizeof(*ifi), &len);
        rtnl_attrs_parse(first, len, tb, IFLA_MAX);
        s = rtnl_attr_string(tb[IFLA_IFNAME]);
        if (!s || strlen(s) >= sizeof(l.name))
                return -EBADMSG;
        strcpy(l.name, s);
        mac_format(tb[IFLA_ADDRESS], l.mac);
        mac_format(tb[IFLA_PERM_ADDRESS], l.perm_mac);
        if (rtnl_attr_u32(tb[IFLA_MTU], &v))
                l.mtu = v;
        if (rtnl_attr_u32(tb[IFLA_MASTER], &v))
                l.master = (int) v;
        if (rtnl_attr_u32(tb[IFLA_LINK], &v) && (int) v != l.ifindex)
                l.parent = (int) v;
        l.device = tb[IFLA_PARENT_DEV_NAME] != NULL;

        rtnl_attrs_parse_nested(tb[IFLA_LINKINFO], info, IFLA_INFO_MAX);
        s = rtnl_attr_string(info[IFLA_INFO_KIND]);
        if (s && strlen(s) < sizeof(l.kind))
                strcpy(l.kind, s);
        else if (s)
                strcpy(l.kind, "?");
        if (strcmp(l.kind, "vlan") == 0) {
                const struct rtattr *vlan[IFLA_VLAN_MAX + 1];
                uint16_t id, proto;
                rtnl_attrs_parse_nested(info[IFLA_INFO_DATA], vlan, IFLA_VLAN_MAX);
                if (rtnl_attr_u16(vlan[IFLA_VLAN_ID], &id))
                        l.vlan_id = id;
                l.vlan_protocol = rtnl_attr_u16(vlan[IFLA_VLAN_PROTOCOL], &proto) ? ntohs(proto) : ETH_P_8021Q;
        } else if (strcmp(l.kind, "bond") == 0)
                bond_info_parse(info[IFLA_INFO_DATA], &l);
        else if (strcmp(l.kind, "bridge") == 0) {
                const struct rtattr *br[IFLA_BR_MAX + 1];
                uint8_t f;
                rtnl_attrs_parse_nested(info[IFLA_INFO_DATA], br, IFLA_BR_MAX);
                l.bridge_vlan_filtering = rtnl_attr_u8(br[IFLA_BR_VLAN_FILTERING], &f) && f;
        }
        *ret = l;
        return 0;
}

typedef struct LinkList {
        NetLinkInfo *links;
        size_t n;
} LinkList;

static int on_link(const struct nlmsghdr *h, void *userdata) {
        LinkList *list = userdata;
        NetLinkInfo l;

        if (net_link_info_parse(h, &l) < 0)
                return 0;
        NetLinkInfo *n = reallocarray(list->links, list->n + 1, sizeof(NetLinkInfo));
        if (!n)
                return -ENOMEM;
        list->links = n;
        list->links[list->n++] = l;
        return 0;
}

/* Kernels before 5.15 do not say IFLA_PARENT_DEV_NAME: sysfs does. */
static bool sysfs_has_device(const char *name) {
        char path[64 + IFNAMSIZ];
        struct stat st;

        snprintf(path, sizeof(path), "/sys/class/net/%s/device", name);
        return stat(path, &st) >= 0;
}

int net_links_read(NetLinkInfo **ret, size_t *ret_n) {
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        LinkList list = {};
        RtnlMessage m;
        int fd, r;

        assert_return(ret && ret_n, -EINVAL);
        fd = rtnl_open();
        if (fd < 0)
                return fd;
        rtnl_message_init(&m, RTM_GETLINK, NLM_F_DUMP, &ifi, sizeof(ifi));
        r = rtnl_call(fd, &m, on_link, &list);
        close(fd);
        if (r < 0) {
                free(list.links);
                return r;
        }
        for (size_t i = 0; i < list.n; i++)
                if (!list.links[i].device && !list.links[i].kind[0])
                        list.links[i].device = sysfs_has_device(list.links[i].name);
        *ret = list.links;
        *ret_n = list.n;
        return 0;
}

static const NetLinkInfo *link_by_index(const NetLinkInfo *links, size_t n, int ifindex) {
        for (size_t i = 0; i < n; i++)
                if (links[i].ifindex == ifindex)
                        return &links[i];
        return NULL;
}

static int refuse(char **ret_why, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(ret_why, fmt, ap);
        va_end(ap);
        return r < 0 ? -ENOMEM : -EOPNOTSUPP;
}

/* A NIC: an Ethernet device with a driver, and nothing stacked on it. */
static bool is_nic(const NetLinkInfo *l) {
        return l->type == ARPHRD_ETHER && !l->kind[0] && l->device;
}

/* What a link is, for a refusal: its kind as the kernel names it. */
static const char *what(const NetLinkInfo *l) {
        if (l->type == ARPHRD_INFINIBAND)
                return "an InfiniBand (IPoIB) link";
        if (strcmp(l->kind, "team") == 0)
                return "a team device";
        if (strcmp(l->kind, "openvswitch") == 0)
                return "an Open vSwitch port";
        if (strcmp(l->kind, "bond") == 0)
                return "a bond";
        if (strcmp(l->kind, "bridge") == 0)
                return "a bridge";
        if (strcmp(l->kind, "vlan") == 0)
                return "a VLAN";
        if (!l->kind[0] && l->device)
                return l->type == ARPHRD_ETHER ? "a NIC" : "a device that is not Ethernet";
        return l->kind[0] ? l->kind : "a link without a device";
}

static const char *nic_mac(const NetLinkInfo *l) {
        /* A bond's slaves carry the bond's MAC; the capture kernel sees
         * each NIC with its own. */
        return l->perm_mac[0] ? l->perm_mac : l->mac;
}

static int link_new(NetPlan *p, NetLinkKind kind, const NetLinkInfo *info, const char *mac, NetLink **ret) {
        NetLink *n = reallocarray(p->links, p->n_links + 1, sizeof(NetLink));
        if (!n)
                return -ENOMEM;
        p->links = n;
        n = &p->links[p->n_links++];
        *n = (NetLink) { .kind = kind, .mtu = info->mtu, .name = strdup(info->name), .mac = strdup(mac) };
        if (!n->name || !n->mac)
                return -ENOMEM;
        *ret = n;
        return 0;
}

static int nic_add(NetPlan *p, const NetLinkInfo *info) {
        NetLink *l;
        return link_new(p, NET_LINK_NIC, info, nic_mac(info), &l);
}

/* The links whose master is top, NICs or not. */
static size_t members_of(const NetLinkInfo *links, size_t n, int top, const NetLinkInfo **ret, size_t max) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
                if (links[i].master == top && k < max)
                        ret[k++] = &links[i];
        return k;
}

#define MEMBERS_MAX 64

static int plan_bond(const NetLinkInfo *links, size_t n, const NetLinkInfo *top, NetPlan *p, char **ret_why) {
        const NetLinkInfo *slaves[MEMBERS_MAX];
        size_t k = members_of(links, n, top->ifindex, slaves, MEMBERS_MAX), nopt;
        const NetBondOption *opts = net_bond_options(&nopt);
        NetLink *b;
        int r;

        if (k == 0)
                return refuse(ret_why, "bond \"%s\", which has no slaves", top->name);
        for (size_t i = 0; i < k; i++) {
                if (!is_nic(slaves[i]))
                        return refuse(ret_why, "bond \"%s\", whose slave \"%s\" is %s; a bond of NICs is what the "
                                      "capture sets up", top->name, slaves[i]->name, what(slaves[i]));
                r = nic_add(p, slaves[i]);
                if (r < 0)
                        return r;
        }
        r = link_new(p, NET_LINK_BOND, top, top->mac, &b);
        if (r < 0)
                return r;
        for (size_t i = 0; i < k; i++)
                if (strv_extend(&b->members, slaves[i]->name) < 0)
                        return -ENOMEM;
        for (size_t i = 0; i < nopt; i++)
                /* The mode always; the others where they differ from a new
                 * bond's: the kernel refuses some in modes they do not
                 * apply to, and there the running system left them be. */
                if ((top->bond_have & (1u << i)) && (i == 0 || top->bond[i] != opts[i].initial)) {
                        b->bond[i] = top->bond[i];
                        b->bond_set |= 1u << i;
                }
        const NetLinkInfo *primary = top->bond_primary ? link_by_index(links, n, top->bond_primary) : NULL;
        if (primary && primary->master == top->ifindex && !(b->primary = strdup(primary->name)))
                return -ENOMEM;
        for (size_t i = 0; i < top->n_arp_targets; i++) {
                char buf[INET_ADDRSTRLEN];
                if (!inet_ntop(AF_INET, &top->arp_targets[i], buf, sizeof(buf)) || strv_extend(&b->arp_targets, buf) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int plan_vlan(const NetLinkInfo *links, size_t n, const NetLinkInfo *top, NetPlan *p, char **ret_why) {
        const NetLinkInfo *lower = link_by_index(links, n, top->parent);
        NetLink *v;
        int r;

        if (!lower)
                return refuse(ret_why, "VLAN \"%s\", whose lower link is in another network namespace", top->name);
        if (!is_nic(lower))
                return refuse(ret_why, "VLAN \"%s\" on \"%s\", %s; the capture sets up a VLAN on a NIC only (no "
                              "test proves a VLAN on %s)", top->name, lower->name, what(lower), what(lower));
        r = nic_add(p, lower);
        if (r < 0)
                return r;
        r = link_new(p, NET_LINK_VLAN, top, top->mac, &v);
        if (r < 0)
                return r;
        v->parent = strdup(lower->name);
        v->vlan_id = top->vlan_id;
        v->vlan_protocol = top->vlan_protocol;
        return v->parent ? 0 : -ENOMEM;
}

static int plan_bridge(const NetLinkInfo *links, size_t n, const NetLinkInfo *top, NetPlan *p, char **ret_why) {
        const NetLinkInfo *ports[MEMBERS_MAX], *nic = NULL;
        size_t k = members_of(links, n, top->ifindex, ports, MEMBERS_MAX);
        NetLink *b;
        int r;

        if (top->bridge_vlan_filtering)
                return refuse(ret_why, "bridge \"%s\", which filters VLANs (vlan_filtering 1); the capture sets up "
                              "a bridge without VLAN filtering only", top->name);
        /* A VM host's guests' ports (taps, veths) do not lead to the
         * server; a NIC does. */
        for (size_t i = 0; i < k; i++) {
                if (is_nic(ports[i])) {
                        if (nic)
                                return refuse(ret_why, "bridge \"%s\" with two NICs (\"%s\", \"%s\"): without STP "
                                              "the capture's bridge would loop them, with STP it would wait its "
                                              "forward delay", top->name, nic->name, ports[i]->name);
                        nic = ports[i];
                } else if (strcmp(ports[i]->kind, "bond") == 0 || strcmp(ports[i]->kind, "vlan") == 0 ||
                           strcmp(ports[i]->kind, "team") == 0)
                        return refuse(ret_why, "bridge \"%s\", whose port \"%s\" is %s; the capture sets up a bridge "
                                      "over a NIC only (no test proves a bridge over %s)", top->name, ports[i]->name,
                                      what(ports[i]), what(ports[i]));
        }
        if (!nic)
                return refuse(ret_why, "bridge \"%s\", which has no NIC among its ports", top->name);
        r = nic_add(p, nic);
        if (r < 0)
                return r;
        r = link_new(p, NET_LINK_BRIDGE, top, top->mac, &b);
        if (r < 0)
                return r;
        return strv_extend(&b->members, nic->name) < 0 ? -ENOMEM : 0;
}

static const struct {
        const char *kind;
        int (*plan)(const NetLinkInfo *links, size_t n, const NetLinkInfo *top, NetPlan *p, char **ret_why);
        const char *module;
} kinds[] = {
        { "bond", plan_bond, "bonding" },
        { "vlan", plan_vlan, "8021q" },
        { "bridge", plan_bridge, "bridge" },
};

int net_topology_plan(const NetLinkInfo *links, size_t n, int oif, NetPlan *p, char **ret_why) {
        const NetLinkInfo *top = link_by_index(links, n, oif);
        int r = -EOPNOTSUPP;

        assert_return(links && p && ret_why, -EINVAL);
        if (!top)
                return -ENODEV;
        if (is_nic(top)) {
                p->mtu = top->mtu;
                r = 0;
        } else if (top->type == ARPHRD_ETHER)
                for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
                        if (strcmp(top->kind, kinds[i].kind) == 0)
                                r = kinds[i].plan(links, n, top, p, ret_why);
        if (r == -EOPNOTSUPP && !*ret_why)
                r = refuse(ret_why, "\"%s\", %s, which the capture image cannot set up", top->name, what(top));
        if (r < 0)
                return r;
        p->interface = strdup(top->name);
        p->mac = strdup(p->n_links > 0 ? top->mac : nic_mac(top));
        return p->interface && p->mac ? 0 : -ENOMEM;
}

int net_topology_modules(const NetPlan *p, char ***mods) {
        for (size_t i = 0; i < p->n_links; i++)
                for (size_t k = 0; k < ELEMENTSOF(kinds); k++)
                        if (strcmp(net_link_kind_to_string(p->links[i].kind), kinds[k].kind) == 0 &&
                            !strv_contains(*mods, kinds[k].module) && strv_extend(mods, kinds[k].module) < 0)
                                return -ENOMEM;
        return 0;
}
