/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net-links.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "macro.h"

static const NetLinkUp *up_by_name(const NetLinkUp *up, size_t n, const char *name) {
        for (size_t i = 0; name && i < n; i++)
                if (strcmp(up[i].link->name, name) == 0)
                        return &up[i];
        return NULL;
}

static int mac_parse(const char *s, uint8_t ret[static 6]) {
        unsigned b[6];
        char end;

        if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6)
                return -EINVAL;
        for (size_t i = 0; i < 6; i++)
                ret[i] = (uint8_t) b[i];
        return 0;
}

static int bond_data(const NetLink *l, const NetLinkUp *up, size_t n, RtnlMessage *m) {
        size_t nopt;
        const NetBondOption *opts = net_bond_options(&nopt);

        for (size_t i = 0; i < nopt; i++) {
                if (!(l->bond_set & (1u << i)))
                        continue;
                if (opts[i].size == 1)
                        rtnl_append_u8(m, opts[i].attr, (uint8_t) l->bond[i]);
                else
                        rtnl_append_u32(m, opts[i].attr, l->bond[i]);
        }
        /* The kernel keeps the primary's name and makes it active once
         * it is enslaved. */
        const NetLinkUp *primary = up_by_name(up, n, l->primary);
        if (primary && primary->ifindex > 0)
                rtnl_append_u32(m, IFLA_BOND_PRIMARY, (uint32_t) primary->ifindex);
        if (l->arp_targets) {
                rtnl_nest_begin(m, IFLA_BOND_ARP_IP_TARGET);
                for (size_t i = 0; l->arp_targets[i]; i++) {
                        struct in_addr a;
                        if (inet_pton(AF_INET, l->arp_targets[i], &a) != 1)
                                return -EINVAL;
                        rtnl_append(m, (uint16_t) i, &a, sizeof(a));
                }
                rtnl_nest_end(m);
        }
        return 0;
}

static int vlan_data(const NetLink *l, const NetLinkUp *up, size_t n, RtnlMessage *m) {
        rtnl_append_u16(m, IFLA_VLAN_ID, (uint16_t) l->vlan_id);
        rtnl_append_u16(m, IFLA_VLAN_PROTOCOL, htons(l->vlan_protocol));
        return 0;
}

/* No STP: the one NIC port forwards at once, no forward delay to wait
 * (the kernel takes a delay of 0 while STP is off, which a new bridge is). */
static int bridge_data(const NetLink *l, const NetLinkUp *up, size_t n, RtnlMessage *m) {
        rtnl_append_u32(m, IFLA_BR_FORWARD_DELAY, 0);
        rtnl_append_u32(m, IFLA_BR_STP_STATE, 0);
        return 0;
}

static const struct {
        const char *kind;   /* IFLA_INFO_KIND */
        int (*data)(const NetLink *l, const NetLinkUp *up, size_t n, RtnlMessage *m);
        bool enslave;       /* its members get IFLA_MASTER */
} kinds[_NET_LINK_KIND_MAX] = {
        [NET_LINK_BOND] = { "bond", bond_data, true },
        [NET_LINK_VLAN] = { "vlan", vlan_data, false },
        [NET_LINK_BRIDGE] = { "bridge", bridge_data, true },
};

int net_link_create_message(const NetLink *l, const char *ifname, const NetLinkUp *up, size_t n, RtnlMessage *m) {
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        uint8_t mac[6];
        int r;

        assert_return(l && ifname && m, -EINVAL);
        if (l->kind < 0 || l->kind >= _NET_LINK_KIND_MAX || !kinds[l->kind].kind)
                return -EINVAL;
        rtnl_message_init(m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
        rtnl_append_string(m, IFLA_IFNAME, ifname);
        if (l->mac && mac_parse(l->mac, mac) >= 0)
                rtnl_append(m, IFLA_ADDRESS, mac, sizeof(mac));
        if (l->mtu)
                rtnl_append_u32(m, IFLA_MTU, l->mtu);
        if (l->parent) {
                const NetLinkUp *lower = up_by_name(up, n, l->parent);
                if (!lower || lower->ifindex <= 0)
                        return -ENODEV;
                rtnl_append_u32(m, IFLA_LINK, (uint32_t) lower->ifindex);
        }
        rtnl_nest_begin(m, IFLA_LINKINFO);
        rtnl_append_string(m, IFLA_INFO_KIND, kinds[l->kind].kind);
        rtnl_nest_begin(m, IFLA_INFO_DATA);
        r = kinds[l->kind].data(l, up, n, m);
        if (r < 0)
                return r;
        rtnl_nest_end(m);
        rtnl_nest_end(m);
        return m->error;
}

/* RTM_NEWLINK on an existing link: its master, its MTU, up. */
static int link_set(int fd, int ifindex, int master, unsigned mtu, bool up) {
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = up ? IFF_UP : 0,
                                 .ifi_change = up ? IFF_UP : 0 };
        RtnlMessage m;

        rtnl_message_init(&m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
        if (master > 0)
                rtnl_append_u32(&m, IFLA_MASTER, (uint32_t) master);
        if (mtu)
                rtnl_append_u32(&m, IFLA_MTU, mtu);
        return rtnl_call(fd, &m, NULL, NULL);
}

/* The name it had, unless the capture kernel has a link by that name
 * (a NIC named "eth0" there, say): then "kdumpN". */
static int link_create(int fd, NetLinkUp *u, const NetLinkUp *up, size_t n, size_t index) {
        RtnlMessage m;
        int r;

        for (int attempt = 0; attempt < 2; attempt++) {
                if (attempt == 0)
                        snprintf(u->ifname, sizeof(u->ifname), "%s", u->link->name);
                else
                        snprintf(u->ifname, sizeof(u->ifname), "kdump%zu", index);
                r = net_link_create_message(u->link, u->ifname, up, n, &m);
                if (r < 0)
                        return r;
                r = rtnl_call(fd, &m, NULL, NULL);
                if (r != -EEXIST)
                        break;
        }
        if (r < 0)
                return r;
        u->ifindex = (int) if_nametoindex(u->ifname);
        return u->ifindex > 0 ? 0 : -ENODEV;
}

int net_links_up(int fd, NetLinkUp *up, size_t n) {
        int r;

        /* NICs: their MTU while they are down (a bond's slaves must be). */
        for (size_t i = 0; i < n; i++)
                if (up[i].link->kind == NET_LINK_NIC && up[i].ifindex > 0 && up[i].link->mtu &&
                    (r = link_set(fd, up[i].ifindex, 0, up[i].link->mtu, false)) < 0)
                        log_warning("kdump: cannot set MTU %u on %s: %s", up[i].link->mtu, up[i].ifname, strerror(-r));
        for (size_t i = 0; i < n; i++) {
                NetLinkUp *u = &up[i];
                if (u->link->kind == NET_LINK_NIC)
                        continue;
                r = link_create(fd, u, up, n, i);
                if (r < 0)
                        return log_error_errno(r, "cannot create %s %s: %m", net_link_kind_to_string(u->link->kind),
                                               u->link->name);
                log_info("kdump: created %s %s (%s) as %s.", net_link_kind_to_string(u->link->kind), u->link->name,
                         u->link->mac, u->ifname);
                if (!kinds[u->link->kind].enslave)
                        continue;
                for (size_t k = 0; u->link->members[k]; k++) {
                        const NetLinkUp *member = up_by_name(up, n, u->link->members[k]);
                        if (!member || member->ifindex <= 0)
                                continue; /* said when it did not appear */
                        r = link_set(fd, member->ifindex, u->ifindex, 0, false);
                        if (r < 0)
                                return log_error_errno(r, "cannot add %s (%s) to %s: %m", member->ifname,
                                                       member->link->name, u->ifname);
                }
        }
        /* Up from the bottom: the NICs, then what is stacked on them. */
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < n; i++) {
                        if ((up[i].link->kind == NET_LINK_NIC) != (pass == 0) || up[i].ifindex <= 0)
                                continue;
                        r = link_set(fd, up[i].ifindex, 0, 0, true);
                        if (r < 0)
                                return log_error_errno(r, "cannot bring %s up: %m", up[i].ifname);
                }
        return 0;
}
