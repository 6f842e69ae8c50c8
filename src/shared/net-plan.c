/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net-plan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "macro.h"
#include "strv.h"

static const char *const kinds[_NET_LINK_KIND_MAX] = {
        [NET_LINK_NIC] = "nic",
        [NET_LINK_BOND] = "bond",
        [NET_LINK_VLAN] = "vlan",
        [NET_LINK_BRIDGE] = "bridge",
};

const char *net_link_kind_to_string(NetLinkKind k) {
        return k >= 0 && k < _NET_LINK_KIND_MAX ? kinds[k] : NULL;
}

NetLinkKind net_link_kind_from_string(const char *s) {
        for (size_t i = 0; s && i < ELEMENTSOF(kinds); i++)
                if (strcmp(kinds[i], s) == 0)
                        return (NetLinkKind) i;
        return _NET_LINK_KIND_INVALID;
}

/* The kernel's bond_netlink.c policy gives the sizes. The mode comes first:
 * the kernel checks the others against it. */
static const NetBondOption bond_options[] = {
        { "mode", IFLA_BOND_MODE, 1 },
        { "miimon", IFLA_BOND_MIIMON, 4 },
        { "updelay", IFLA_BOND_UPDELAY, 4 },
        { "downdelay", IFLA_BOND_DOWNDELAY, 4 },
        { "use_carrier", IFLA_BOND_USE_CARRIER, 1, 1 },
        { "arp_interval", IFLA_BOND_ARP_INTERVAL, 4 },
        { "arp_validate", IFLA_BOND_ARP_VALIDATE, 4 },
        { "arp_all_targets", IFLA_BOND_ARP_ALL_TARGETS, 4 },
        { "primary_reselect", IFLA_BOND_PRIMARY_RESELECT, 1 },
        { "fail_over_mac", IFLA_BOND_FAIL_OVER_MAC, 1 },
        { "xmit_hash_policy", IFLA_BOND_XMIT_HASH_POLICY, 1 },
        { "num_grat_arp", IFLA_BOND_NUM_PEER_NOTIF, 1, 1 },
        { "all_slaves_active", IFLA_BOND_ALL_SLAVES_ACTIVE, 1 },
        { "min_links", IFLA_BOND_MIN_LINKS, 4 },
        { "lacp_rate", IFLA_BOND_AD_LACP_RATE, 1 },
        { "ad_select", IFLA_BOND_AD_SELECT, 1 },
};
_Static_assert(ELEMENTSOF(bond_options) <= NET_BOND_OPTIONS_MAX, "NetLink.bond is too small");

const NetBondOption *net_bond_options(size_t *ret_n) {
        *ret_n = ELEMENTSOF(bond_options);
        return bond_options;
}

void net_link_done(NetLink *l) {
        free(l->name);
        free(l->mac);
        strv_free(l->members);
        free(l->parent);
        free(l->primary);
        strv_free(l->arp_targets);
        *l = (NetLink) {};
}

void net_plan_done(NetPlan *p) {
        free(p->interface);
        free(p->mac);
        for (size_t i = 0; i < p->n_links; i++)
                net_link_done(&p->links[i]);
        free(p->links);
        free(p->address);
        free(p->gateway);
        free(p->server);
        *p = (NetPlan) {};
}

const NetLink *net_plan_link(const NetPlan *p, const char *name) {
        for (size_t i = 0; name && i < p->n_links; i++)
                if (strcmp(p->links[i].name, name) == 0)
                        return &p->links[i];
        return NULL;
}

int net_address_family(const char *address) {
        return address && strchr(address, ':') ? AF_INET6 : AF_INET;
}

static void list_format(FILE *out, const char *key, char * const *l) {
        if (!l || !l[0])
                return;
        fprintf(out, " %s=", key);
        for (size_t i = 0; l[i]; i++)
                fprintf(out, "%s%s", i ? "," : "", l[i]);
}

static void link_format(const NetLink *l, FILE *out) {
        fprintf(out, "link %s %s mac=%s", net_link_kind_to_string(l->kind), l->name, l->mac);
        if (l->mtu)
                fprintf(out, " mtu=%u", l->mtu);
        switch (l->kind) {
        case NET_LINK_VLAN:
                fprintf(out, " parent=%s id=%u protocol=%s", l->parent, l->vlan_id,
                        l->vlan_protocol == ETH_P_8021AD ? "802.1ad" : "802.1Q");
                break;
        case NET_LINK_BOND:
                list_format(out, "slaves", l->members);
                if (l->primary)
                        fprintf(out, " primary=%s", l->primary);
                for (size_t i = 0; i < ELEMENTSOF(bond_options); i++)
                        if (l->bond_set & (1u << i))
                                fprintf(out, " %s=%u", bond_options[i].name, l->bond[i]);
                list_format(out, "arp_ip_target", l->arp_targets);
                break;
        case NET_LINK_BRIDGE:
                list_format(out, "ports", l->members);
                break;
        default:
                break;
        }
        fputc('\n', out);
}

int net_plan_format(const NetPlan *p, FILE *out) {
        assert_return(p && p->mac && p->address && p->server && out, -EINVAL);
        for (size_t i = 0; i < p->n_links; i++)
                link_format(&p->links[i], out);
        fprintf(out, "interface %s\nmac %s\n", p->interface ? p->interface : "-", p->mac);
        if (p->mtu)
                fprintf(out, "mtu %u\n", p->mtu);
        fprintf(out, "address %s/%u\n", p->address, p->prefixlen);
        if (p->gateway)
                fprintf(out, "gateway %s%s\n", p->gateway, p->gateway_onlink ? " onlink" : "");
        fprintf(out, "server %s\n", p->server);
        if (p->dhcp)
                fprintf(out, "dhcp timeout=%u fallback=%s\n", p->dhcp_timeout, p->dhcp_fallback ? "static" : "none");
        return ferror(out) ? -EIO : 0;
}

int net_plan_to_string(const NetPlan *p, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        int r;

        assert_return(ret, -EINVAL);
        if (!f)
                return -ENOMEM;
        r = net_plan_format(p, f);
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret = buf;
        return 0;
}

static bool valid_address(const char *s) {
        unsigned char buf[sizeof(struct in6_addr)];
        return inet_pton(net_address_family(s), s, buf) == 1;
}

static int set_once(char **field, const char *value) {
        if (*field)
                return -EBADMSG;
        *field = strdup(value);
        return *field ? 0 : -ENOMEM;
}

static int parse_uint(const char *s, unsigned long max, unsigned *ret) {
        char *end = NULL;
        errno = 0;
        unsigned long v = strtoul(s, &end, 10);
        if (errno != 0 || end == s || *end || s[0] == '-' || v > max)
                return -EBADMSG;
        *ret = (unsigned) v;
        return 0;
}

static int parse_list(const char *s, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *copy = strdup(s);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
                if (strv_extend(&l, w) < 0)
                        return -ENOMEM;
        if (!l || *ret)
                return -EBADMSG;
        *ret = TAKE_PTR(l);
        return 0;
}

/* One "key=value" of a link line; which keys a kind takes is the table's. */
typedef int (*LinkKeyParser)(NetLink *l, const char *value);

static int key_mac(NetLink *l, const char *v) {
        return set_once(&l->mac, v);
}
static int key_mtu(NetLink *l, const char *v) {
        return parse_uint(v, 65535, &l->mtu);
}
static int key_parent(NetLink *l, const char *v) {
        return set_once(&l->parent, v);
}
static int key_id(NetLink *l, const char *v) {
        int r = parse_uint(v, 4094, &l->vlan_id);
        return r < 0 || l->vlan_id == 0 ? -EBADMSG : 0;
}
static int key_protocol(NetLink *l, const char *v) {
        if (strcmp(v, "802.1Q") == 0)
                l->vlan_protocol = ETH_P_8021Q;
        else if (strcmp(v, "802.1ad") == 0)
                l->vlan_protocol = ETH_P_8021AD;
        else
                return -EBADMSG;
        return 0;
}
static int key_members(NetLink *l, const char *v) {
        return parse_list(v, &l->members);
}
static int key_primary(NetLink *l, const char *v) {
        return set_once(&l->primary, v);
}
static int key_arp_targets(NetLink *l, const char *v) {
        int r = parse_list(v, &l->arp_targets);
        for (size_t i = 0; r >= 0 && l->arp_targets[i]; i++)
                if (net_address_family(l->arp_targets[i]) != AF_INET || !valid_address(l->arp_targets[i]))
                        r = -EBADMSG;
        return r;
}

#define KIND(k) (1u << (k))
#define ALL_KINDS (KIND(NET_LINK_NIC) | KIND(NET_LINK_BOND) | KIND(NET_LINK_VLAN) | KIND(NET_LINK_BRIDGE))

static const struct {
        const char *key;
        unsigned kinds;
        LinkKeyParser parse;
} link_keys[] = {
        { "mac", ALL_KINDS, key_mac },
        { "mtu", ALL_KINDS, key_mtu },
        { "parent", KIND(NET_LINK_VLAN), key_parent },
        { "id", KIND(NET_LINK_VLAN), key_id },
        { "protocol", KIND(NET_LINK_VLAN), key_protocol },
        { "slaves", KIND(NET_LINK_BOND), key_members },
        { "primary", KIND(NET_LINK_BOND), key_primary },
        { "arp_ip_target", KIND(NET_LINK_BOND), key_arp_targets },
        { "ports", KIND(NET_LINK_BRIDGE), key_members },
};

static int link_key_parse(NetLink *l, char *word) {
        char *value = strchr(word, '=');

        if (!value)
                return -EBADMSG;
        *value++ = '\0';
        for (size_t i = 0; i < ELEMENTSOF(link_keys); i++)
                if (strcmp(link_keys[i].key, word) == 0)
                        return link_keys[i].kinds & KIND(l->kind) ? link_keys[i].parse(l, value) : -EBADMSG;
        if (l->kind == NET_LINK_BOND)
                for (size_t i = 0; i < ELEMENTSOF(bond_options); i++) {
                        unsigned v;
                        if (strcmp(bond_options[i].name, word) != 0)
                                continue;
                        if ((l->bond_set & (1u << i)) ||
                            parse_uint(value, bond_options[i].size == 1 ? 255 : UINT32_MAX, &v) < 0)
                                return -EBADMSG;
                        l->bond[i] = v;
                        l->bond_set |= 1u << i;
                        return 0;
                }
        return -EBADMSG;
}

/* A link names only nic links that came before it, each once. */
static int link_check(const NetPlan *p, const NetLink *l) {
        const NetLink *other;

        if (!l->mac || net_plan_link(p, l->name))
                return -EBADMSG;
        switch (l->kind) {
        case NET_LINK_VLAN:
                other = net_plan_link(p, l->parent);
                return l->vlan_id && other && other->kind == NET_LINK_NIC ? 0 : -EBADMSG;
        case NET_LINK_BOND:
        case NET_LINK_BRIDGE:
                if (!l->members)
                        return -EBADMSG;
                for (size_t i = 0; l->members[i]; i++) {
                        other = net_plan_link(p, l->members[i]);
                        if (!other || other->kind != NET_LINK_NIC)
                                return -EBADMSG;
                }
                if (l->primary && !strv_contains(l->members, l->primary))
                        return -EBADMSG;
                return 0;
        default:
                return 0;
        }
}

/* "link KIND NAME key=value…" */
static int link_parse(NetPlan *p, char *text) {
        _cleanup_(net_link_done) NetLink l = {};
        char *save = NULL, *kind = strtok_r(text, " ", &save), *name = strtok_r(NULL, " ", &save);
        int r;

        if (!kind || !name || (l.kind = net_link_kind_from_string(kind)) < 0)
                return -EBADMSG;
        l.name = strdup(name);
        if (!l.name)
                return -ENOMEM;
        if (l.kind == NET_LINK_VLAN)
                l.vlan_protocol = ETH_P_8021Q;
        for (char *w = strtok_r(NULL, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                r = link_key_parse(&l, w);
                if (r < 0)
                        return r;
        }
        r = link_check(p, &l);
        if (r < 0)
                return r;
        NetLink *n = reallocarray(p->links, p->n_links + 1, sizeof(NetLink));
        if (!n)
                return -ENOMEM;
        p->links = n;
        p->links[p->n_links++] = l;
        l = (NetLink) {};
        return 0;
}

static int address_parse(NetPlan *p, char *value) {
        char *slash = strchr(value, '/');
        unsigned len;

        if (!slash)
                return -EBADMSG;
        *slash = '\0';
        if (!valid_address(value) || parse_uint(slash + 1, net_address_family(value) == AF_INET6 ? 128 : 32, &len) < 0)
                return -EBADMSG;
        p->prefixlen = len;
        return set_once(&p->address, value);
}

static int gateway_parse(NetPlan *p, char *value) {
        char *flag = strchr(value, ' ');

        if (flag) {
                *flag++ = '\0';
                if (strcmp(flag, "onlink") != 0)
                        return -EBADMSG;
                p->gateway_onlink = true;
        }
        return valid_address(value) ? set_once(&p->gateway, value) : -EBADMSG;
}

/* "dhcp timeout=SECONDS fallback=static|none" */
static int dhcp_parse(NetPlan *p, char *value) {
        char *save = NULL;

        if (p->dhcp)
                return -EBADMSG;
        p->dhcp = true;
        for (char *w = strtok_r(value, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                if (strncmp(w, "timeout=", 8) == 0) {
                        if (parse_uint(w + 8, 3600, &p->dhcp_timeout) < 0)
                                return -EBADMSG;
                } else if (strcmp(w, "fallback=static") == 0)
                        p->dhcp_fallback = true;
                else if (strcmp(w, "fallback=none") != 0)
                        return -EBADMSG;
        }
        return 0;
}

int net_plan_parse(const char *text, NetPlan *ret) {
        _cleanup_(net_plan_done) NetPlan p = {};
        _cleanup_free_ char *copy = strdup(text ? text : "");
        char *save = NULL;
        int r;

        assert_return(text && ret, -EINVAL);
        if (!copy)
                return -ENOMEM;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *value = strchr(line, ' ');
                if (line[0] == '#' || line[0] == '\0')
                        continue;
                if (!value)
                        return -EBADMSG;
                *value++ = '\0';
                if (strcmp(line, "link") == 0)
                        r = p.interface ? -EBADMSG : link_parse(&p, value);
                else if (strcmp(line, "interface") == 0)
                        r = set_once(&p.interface, value);
                else if (strcmp(line, "mac") == 0)
                        r = set_once(&p.mac, value);
                else if (strcmp(line, "mtu") == 0)
                        r = parse_uint(value, 65535, &p.mtu);
                else if (strcmp(line, "gateway") == 0)
                        r = p.gateway ? -EBADMSG : gateway_parse(&p, value);
                else if (strcmp(line, "server") == 0)
                        r = valid_address(value) ? set_once(&p.server, value) : -EBADMSG;
                else if (strcmp(line, "address") == 0)
                        r = address_parse(&p, value);
                else if (strcmp(line, "dhcp") == 0)
                        r = dhcp_parse(&p, value);
                else
                        return -EBADMSG;
                if (r < 0)
                        return r;
        }
        if (!p.mac || !p.address || !p.server)
                return -EBADMSG;
        /* With links, the address is on one of them. */
        if (p.n_links > 0 && !net_plan_link(&p, p.interface))
                return -EBADMSG;
        if (net_address_family(p.address) != net_address_family(p.server) ||
            (p.gateway && net_address_family(p.gateway) != net_address_family(p.server)) ||
            (p.dhcp && net_address_family(p.address) != AF_INET))
                return -EBADMSG;
        *ret = p;
        p = (NetPlan) {};
        return 0;
}

int net_target_host(DumpTargetType type, const char *location, char **ret) {
        const char *start = location, *end;

        assert_return(location && ret, -EINVAL);
        if (type == DUMP_TARGET_SSH) {
                start = strchr(location, '@');
                if (!start)
                        return -EINVAL;
                start++;
                end = start + strlen(start);
        } else {
                if (location[0] == '[') {
                        start = location + 1;
                        end = strchr(start, ']');
                        /* "[addr]:/export": the export must follow */
                        if (end && (end[1] != ':' || end[2] != '/'))
                                return -EINVAL;
                } else {
                        end = strchr(location, ':');
                        if (end && end[1] != '/')
                                return -EINVAL;
                }
        }
        if (!end || end == start)
                return -EINVAL;
        *ret = strndup(start, (size_t) (end - start));
        return *ret ? 0 : -ENOMEM;
}
