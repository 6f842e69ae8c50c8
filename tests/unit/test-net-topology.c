/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The links on the route, without a network: canned RTM_NEWLINK and
 * RTM_NEWROUTE replies (made with the same rtnetlink builder) read back;
 * the planner over link tables of every kind it takes and refuses; the
 * plan's link lines; the capture's RTM_NEWLINK requests; DHCP leases. */
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <string.h>

#include "net-dhcp.h"
#include "net-links.h"
#include "net-plan.h"
#include "net-route.h"
#include "net-topology.h"
#include "rtnl.h"
#include "strv.h"
#include "tests.h"

static char *format(const NetPlan *p) {
        char *text = NULL;
        ASSERT_OK(net_plan_to_string(p, &text));
        return text;
}

static const uint8_t MAC1[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t MAC2[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };

/* A link as the kernel dumps it. */
static void link_reply(RtnlMessage *m, int ifindex, const char *name, const uint8_t *mac, const uint8_t *perm, int master,
                       const char *kind) {
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_type = ARPHRD_ETHER, .ifi_index = ifindex };
        rtnl_message_init(m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
        rtnl_append_string(m, IFLA_IFNAME, name);
        rtnl_append(m, IFLA_ADDRESS, mac, 6);
        if (perm)
                rtnl_append(m, IFLA_PERM_ADDRESS, perm, 6);
        rtnl_append_u32(m, IFLA_MTU, 9000);
        if (master)
                rtnl_append_u32(m, IFLA_MASTER, (uint32_t) master);
        if (!kind)
                rtnl_append_string(m, IFLA_PARENT_DEV_NAME, "virtio0");
}

TEST(link_reply_of_a_bond) {
        RtnlMessage m;
        NetLinkInfo l;

        link_reply(&m, 4, "bond0", MAC1, NULL, 0, "bond");
        rtnl_nest_begin(&m, IFLA_LINKINFO);
        rtnl_append_string(&m, IFLA_INFO_KIND, "bond");
        rtnl_nest_begin(&m, IFLA_INFO_DATA);
        rtnl_append_u8(&m, IFLA_BOND_MODE, 1);
        rtnl_append_u32(&m, IFLA_BOND_MIIMON, 100);
        rtnl_append_u8(&m, IFLA_BOND_USE_CARRIER, 1);
        rtnl_append_u32(&m, IFLA_BOND_PRIMARY, 2);
        rtnl_nest_begin(&m, IFLA_BOND_ARP_IP_TARGET);
        struct in_addr a;
        inet_pton(AF_INET, "10.0.0.9", &a);
        rtnl_append(&m, 0, &a, 4);
        rtnl_nest_end(&m);
        rtnl_nest_end(&m);
        rtnl_nest_end(&m);
        ASSERT_OK(m.error);
        ASSERT_OK(net_link_info_parse(&m.hdr, &l));
        ASSERT_STREQ(l.name, "bond0");
        ASSERT_STREQ(l.kind, "bond");
        ASSERT_STREQ(l.mac, "52:54:00:12:34:56");
        ASSERT_EQ(l.mtu, 9000u);
        ASSERT_FALSE(l.device);
        ASSERT_EQ(l.bond[0], 1u);
        ASSERT_EQ(l.bond[1], 100u);
        ASSERT_EQ(l.bond_primary, 2);
        ASSERT_EQ(l.n_arp_targets, 1u);
        ASSERT_EQ(l.arp_targets[0], a.s_addr);
}

TEST(link_reply_of_a_vlan_and_a_slave) {
        RtnlMessage m;
        NetLinkInfo l;

        link_reply(&m, 5, "eth0.100", MAC1, NULL, 0, "vlan");
        rtnl_append_u32(&m, IFLA_LINK, 2);
        rtnl_nest_begin(&m, IFLA_LINKINFO);
        rtnl_append_string(&m, IFLA_INFO_KIND, "vlan");
        rtnl_nest_begin(&m, IFLA_INFO_DATA);
        rtnl_append_u16(&m, IFLA_VLAN_ID, 100);
        rtnl_append_u16(&m, IFLA_VLAN_PROTOCOL, htons(ETH_P_8021AD));
        rtnl_nest_end(&m);
        rtnl_nest_end(&m);
        ASSERT_OK(net_link_info_parse(&m.hdr, &l));
        ASSERT_EQ(l.parent, 2);
        ASSERT_EQ(l.vlan_id, 100u);
        ASSERT_EQ(l.vlan_protocol, ETH_P_8021AD);

        /* a bond's slave: the bond's MAC, its own permanent one */
        link_reply(&m, 3, "eth1", MAC1, MAC2, 4, NULL);
        ASSERT_OK(net_link_info_parse(&m.hdr, &l));
        ASSERT_TRUE(l.device);
        ASSERT_EQ(l.master, 4);
        ASSERT_STREQ(l.perm_mac, "52:54:00:12:34:57");
        ASSERT_STREQ(l.kind, "");

        struct rtmsg rtm = {};
        rtnl_message_init(&m, RTM_NEWADDR, 0, &rtm, sizeof(rtm));
        ASSERT_ERROR(net_link_info_parse(&m.hdr, &l), EBADMSG);
}

TEST(route_answer) {
        struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_type = RTN_UNICAST, .rtm_dst_len = 32 };
        struct in_addr dst, gw, src;
        _cleanup_free_ char *g = NULL, *s = NULL;
        unsigned char type;
        RtnlMessage m;
        int oif;

        inet_pton(AF_INET, "192.0.2.7", &dst);
        inet_pton(AF_INET, "10.0.0.254", &gw);
        inet_pton(AF_INET, "10.0.0.2", &src);
        rtnl_message_init(&m, RTM_NEWROUTE, 0, &rtm, sizeof(rtm));
        rtnl_append(&m, RTA_DST, &dst, 4);
        rtnl_append_u32(&m, RTA_OIF, 7);
        rtnl_append(&m, RTA_GATEWAY, &gw, 4);
        rtnl_append(&m, RTA_PREFSRC, &src, 4);
        rtnl_append_u32(&m, RTA_TABLE, 100); /* policy routing: another table */
        ASSERT_OK(net_route_answer_parse(&m.hdr, &oif, &type, &g, &s));
        ASSERT_EQ(oif, 7);
        ASSERT_EQ(type, RTN_UNICAST);
        ASSERT_STREQ(g, "10.0.0.254");
        ASSERT_STREQ(s, "10.0.0.2");

        /* on the link: no gateway */
        free(g);
        free(s);
        rtnl_message_init(&m, RTM_NEWROUTE, 0, &rtm, sizeof(rtm));
        rtnl_append_u32(&m, RTA_OIF, 3);
        ASSERT_OK(net_route_answer_parse(&m.hdr, &oif, &type, &g, &s));
        ASSERT_NULL(g);
        ASSERT_NULL(s);
}

/* Link tables as net_links_read() returns them. */
static NetLinkInfo nic(int ifindex, const char *name, const char *mac, int master) {
        NetLinkInfo l = { .ifindex = ifindex, .type = ARPHRD_ETHER, .mtu = 1500, .master = master, .device = true };
        strcpy(l.name, name);
        strcpy(l.mac, mac);
        strcpy(l.perm_mac, mac);
        return l;
}

static NetLinkInfo virt(int ifindex, const char *name, const char *kind, const char *mac, int master) {
        NetLinkInfo l = { .ifindex = ifindex, .type = ARPHRD_ETHER, .mtu = 1500, .master = master };
        strcpy(l.name, name);
        strcpy(l.kind, kind);
        strcpy(l.mac, mac);
        return l;
}

#define M1 "52:54:00:12:34:56"
#define M2 "52:54:00:12:34:57"

TEST(plan_nic) {
        NetLinkInfo links[] = { virt(1, "lo", "", "00:00:00:00:00:00", 0), nic(2, "ens3", M1, 0) };
        _cleanup_(net_plan_done) NetPlan p = {};
        _cleanup_free_ char *why = NULL;

        links[0].type = ARPHRD_LOOPBACK;
        ASSERT_OK(net_topology_plan(links, ELEMENTSOF(links), 2, &p, &why));
        ASSERT_STREQ(p.interface, "ens3");
        ASSERT_STREQ(p.mac, M1);
        ASSERT_EQ(p.mtu, 1500u);
        ASSERT_EQ(p.n_links, 0u);
        ASSERT_ERROR(net_topology_plan(links, ELEMENTSOF(links), 9, &p, &why), ENODEV);
}

TEST(plan_bond_active_backup) {
        NetLinkInfo links[] = { nic(2, "ens3", M1, 4), nic(3, "ens4", M1, 4), virt(4, "bond0", "bond", M1, 0) };
        _cleanup_(net_plan_done) NetPlan p = { .address = strdup("10.0.0.2"), .prefixlen = 24,
                                               .server = strdup("10.0.0.1") };
        _cleanup_free_ char *why = NULL, *text = NULL;

        strcpy(links[1].perm_mac, M2); /* the slave's own MAC */
        links[2].bond[0] = 1, links[2].bond[1] = 100, links[2].bond[4] = 1; /* mode, miimon, use_carrier */
        links[2].bond_have = 0x13;
        links[2].bond_primary = 2;
        ASSERT_OK(net_topology_plan(links, ELEMENTSOF(links), 4, &p, &why));
        ASSERT_EQ(p.n_links, 3u);
        text = format(&p);
        /* use_carrier 1 is a new bond's: not recorded */
        ASSERT_STREQ(text, "link nic ens3 mac=" M1 " mtu=1500\n"
                           "link nic ens4 mac=" M2 " mtu=1500\n"
                           "link bond bond0 mac=" M1 " mtu=1500 slaves=ens3,ens4 primary=ens3 mode=1 miimon=100\n"
                           "interface bond0\nmac " M1 "\naddress 10.0.0.2/24\nserver 10.0.0.1\n");

        _cleanup_(net_plan_done) NetPlan q = {};
        ASSERT_OK(net_plan_parse(text, &q));
        _cleanup_free_ char *again = format(&q);
        ASSERT_STREQ(again, text);
        _cleanup_strv_free_ char **mods = NULL;
        ASSERT_OK(net_topology_modules(&q, &mods));
        ASSERT_TRUE(strv_contains(mods, "bonding"));
}

TEST(plan_bond_8023ad) {
        NetLinkInfo links[] = { nic(2, "ens3", M1, 4), nic(3, "ens4", M2, 4), virt(4, "bond0", "bond", M1, 0) };
        _cleanup_(net_plan_done) NetPlan p = {};
        _cleanup_free_ char *why = NULL;

        links[2].bond[0] = 4, links[2].bond[14] = 1, links[2].bond[10] = 2; /* lacp_rate fast, layer2+3 */
        links[2].bond_have = (1u << 0) | (1u << 14) | (1u << 10);
        ASSERT_OK(net_topology_plan(links, ELEMENTSOF(links), 4, &p, &why));
        ASSERT_EQ(p.links[2].bond_set, links[2].bond_have);
}

TEST(plan_vlan_on_nic) {
        NetLinkInfo links[] = { nic(2, "ens3", M1, 0), virt(5, "ens3.100", "vlan", M1, 0) };
        _cleanup_(net_plan_done) NetPlan p = { .address = strdup("10.0.0.2"), .prefixlen = 24,
                                               .server = strdup("10.0.0.1") };
        _cleanup_free_ char *why = NULL, *text = NULL;

        links[1].parent = 2, links[1].vlan_id = 100, links[1].vlan_protocol = ETH_P_8021Q;
        ASSERT_OK(net_topology_plan(links, ELEMENTSOF(links), 5, &p, &why));
        text = format(&p);
        ASSERT_CONTAINS(text, "link vlan ens3.100 mac=" M1 " mtu=1500 parent=ens3 id=100 protocol=802.1Q\n");
        ASSERT_CONTAINS(text, "interface ens3.100\n");
}

TEST(plan_bridge_over_one_nic) {
        NetLinkInfo links[] = { nic(2, "ens3", M1, 6), virt(6, "br0", "bridge", M1, 0), virt(7, "vnet0", "tun", M2, 6) };
        _cleanup_(net_plan_done) NetPlan p = {};
        _cleanup_free_ char *why = NULL;

        ASSERT_OK(net_topology_plan(links, ELEMENTSOF(links), 6, &p, &why));
        ASSERT_EQ(p.n_links, 2u);
        ASSERT_STREQ(p.links[1].members[0], "ens3");
        ASSERT_NULL(p.links[1].members[1]); /* a guest's tap is not a way out */
}

/* What is refused, and that the reason names it. */
TEST(plan_refusals) {
        static const struct {
                const char *desc, *why;
        } cases[] = {
                { "team", "a team device" },
                { "ovs", "an Open vSwitch port" },
                { "infiniband", "InfiniBand" },
                { "vlan on bond", "no test proves a VLAN on a bond" },
                { "bridge over bond", "no test proves a bridge over a bond" },
                { "bridge with two NICs", "with two NICs" },
                { "bond of a VLAN", "whose slave \"ens3.5\" is a VLAN" },
                { "macvlan", "macvlan" },
                { "bridge filtering VLANs", "vlan_filtering 1" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                NetLinkInfo links[4] = { nic(2, "ens3", M1, 0), nic(3, "ens4", M2, 0) };
                _cleanup_(net_plan_done) NetPlan p = {};
                _cleanup_free_ char *why = NULL;
                int top = 9;
                test_set_context("%s", cases[i].desc);
                switch (i) {
                case 0: links[2] = virt(9, "team0", "team", M1, 0); break;
                case 1: links[2] = virt(9, "ovsbr", "openvswitch", M1, 0); break;
                case 2: links[2] = nic(9, "ib0", M1, 0); links[2].type = ARPHRD_INFINIBAND; break;
                case 3:
                        links[0].master = links[1].master = 8;
                        links[2] = virt(8, "bond0", "bond", M1, 0);
                        links[3] = virt(9, "bond0.7", "vlan", M1, 0);
                        links[3].parent = 8;
                        break;
                case 4:
                        links[2] = virt(8, "bond0", "bond", M1, 9);
                        links[0].master = 8;
                        links[3] = virt(9, "br0", "bridge", M1, 0);
                        break;
                case 5:
                        links[0].master = links[1].master = 9;
                        links[2] = virt(9, "br0", "bridge", M1, 0);
                        break;
                case 6:
                        links[2] = virt(8, "ens3.5", "vlan", M1, 9);
                        links[2].parent = 2;
                        links[3] = virt(9, "bond0", "bond", M1, 0);
                        break;
                case 7: links[2] = virt(9, "mv0", "macvlan", M1, 0); break;
                case 8:
                        links[0].master = 9;
                        links[2] = virt(9, "br0", "bridge", M1, 0);
                        links[2].bridge_vlan_filtering = true;
                        break;
                }
                ASSERT_ERROR(net_topology_plan(links, ELEMENTSOF(links), top, &p, &why), EOPNOTSUPP);
                ASSERT_CONTAINS(why, cases[i].why);
        }
        test_set_context(NULL);
}

TEST(plan_link_lines_refused) {
        static const char *const tail = "interface bond0\nmac a\naddress 10.0.0.2/24\nserver 10.0.0.1\n";
        static const char *const bad[] = {
                "link bond bond0 mac=a slaves=ens3\n",                             /* no such slave */
                "link nic ens3 mac=a\nlink bond bond0 mac=a slaves=ens3 mode=x\n", /* not a number */
                "link nic ens3 mac=a\nlink bond bond0 mac=a slaves=ens3 mode=256\n", /* u8 */
                "link nic ens3 mac=a\nlink bond bond0 mac=a slaves=ens3 speed=1\n", /* unknown option */
                "link nic ens3 mac=a\nlink bond bond0 mac=a slaves=ens3 primary=ens4\n",
                "link nic ens3 mac=a\nlink bond bond0 mac=a slaves=ens3 arp_ip_target=fd00::1\n",
                "link nic ens3 mac=a\nlink team bond0 mac=a\n",                     /* unknown kind */
                "link nic ens3 mac=a\nlink nic ens3 mac=b\nlink bond bond0 mac=a slaves=ens3\n", /* twice */
                "link nic ens3 mac=a\nlink vlan bond0 mac=a parent=ens3 id=4095\n",
                "link nic ens3 mac=a\nlink vlan bond0 mac=a parent=ens3\n",         /* no id */
                "link nic ens3 mac=a\nlink nic bond0 mac=a id=5\n",                 /* a vlan's key */
                "link nic ens3 mac=a\nlink bridge br0 mac=a ports=ens3\n",           /* interface not a link */
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *text = NULL;
                NetPlan q = {};
                test_set_context("plan %zu", i);
                ASSERT_TRUE(asprintf(&text, "%s%s", bad[i], tail) > 0);
                ASSERT_ERROR(net_plan_parse(text, &q), EBADMSG);
        }
        test_set_context(NULL);
}

TEST(plan_dhcp_and_onlink_gateway) {
        NetPlan p = { .interface = (char *) "ens3", .mac = (char *) M1, .address = (char *) "10.0.0.2", .prefixlen = 24,
                      .gateway = (char *) "10.9.0.1", .gateway_onlink = true, .server = (char *) "192.0.2.7",
                      .dhcp = true, .dhcp_timeout = 30, .dhcp_fallback = true, .mtu = 9000 };
        _cleanup_free_ char *text = format(&p);
        ASSERT_STREQ(text, "interface ens3\nmac " M1 "\nmtu 9000\naddress 10.0.0.2/24\ngateway 10.9.0.1 onlink\n"
                           "server 192.0.2.7\ndhcp timeout=30 fallback=static\n");
        _cleanup_(net_plan_done) NetPlan q = {};
        ASSERT_OK(net_plan_parse(text, &q));
        ASSERT_TRUE(q.dhcp && q.dhcp_fallback && q.gateway_onlink);
        ASSERT_EQ(q.dhcp_timeout, 30u);
        ASSERT_EQ(q.mtu, 9000u);
        NetPlan r = {};
        ASSERT_ERROR(net_plan_parse("mac a\naddress fd00::2/64\nserver fd00::1\ndhcp timeout=5 fallback=none\n", &r),
                     EBADMSG); /* DHCPv4 only */
}

/* The capture's requests, read back as the kernel would. */
TEST(create_messages) {
        _cleanup_(net_plan_done) NetPlan p = {};
        ASSERT_OK(net_plan_parse("link nic ens3 mac=" M1 "\nlink nic ens4 mac=" M2 "\n"
                                 "link bond bond0 mac=" M1 " mtu=9000 slaves=ens3,ens4 primary=ens4 mode=1 miimon=100 "
                                 "arp_ip_target=10.0.0.8,10.0.0.9\n"
                                 "link vlan v7 mac=" M1 " parent=ens3 id=7\n"
                                 "interface bond0\nmac " M1 "\naddress 10.0.0.2/24\nserver 10.0.0.1\n",
                                 &p));
        NetLinkUp up[] = { { &p.links[0], "eth0", 2 }, { &p.links[1], "eth1", 3 }, { &p.links[2], "", 0 },
                           { &p.links[3], "", 0 } };
        RtnlMessage m;
        const struct rtattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1], *bond[IFLA_BOND_MAX + 1],
                *targets[3], *vlan[IFLA_VLAN_MAX + 1];
        const struct rtattr *first;
        size_t len;
        uint32_t v;
        uint16_t id;
        uint8_t mode;

        ASSERT_ERROR(net_link_create_message(&p.links[0], "eth0", up, 4, &m), EINVAL); /* a NIC is found, not made */
        ASSERT_OK(net_link_create_message(&p.links[2], "bond0", up, 4, &m));
        ASSERT_TRUE(m.hdr.nlmsg_flags & NLM_F_CREATE);
        first = rtnl_attrs(&m.hdr, sizeof(struct ifinfomsg), &len);
        rtnl_attrs_parse(first, len, tb, IFLA_MAX);
        ASSERT_STREQ(rtnl_attr_string(tb[IFLA_IFNAME]), "bond0");
        ASSERT_TRUE(rtnl_attr_u32(tb[IFLA_MTU], &v) && v == 9000);
        ASSERT_EQ(rtnl_attr_len(tb[IFLA_ADDRESS]), 6u);
        ASSERT_TRUE(memcmp(rtnl_attr_data(tb[IFLA_ADDRESS]), MAC1, 6) == 0);
        rtnl_attrs_parse_nested(tb[IFLA_LINKINFO], info, IFLA_INFO_MAX);
        ASSERT_STREQ(rtnl_attr_string(info[IFLA_INFO_KIND]), "bond");
        rtnl_attrs_parse_nested(info[IFLA_INFO_DATA], bond, IFLA_BOND_MAX);
        ASSERT_TRUE(rtnl_attr_u8(bond[IFLA_BOND_MODE], &mode) && mode == 1);
        ASSERT_TRUE(rtnl_attr_u32(bond[IFLA_BOND_MIIMON], &v) && v == 100);
        ASSERT_TRUE(rtnl_attr_u32(bond[IFLA_BOND_PRIMARY], &v) && v == 3);
        rtnl_attrs_parse_nested(bond[IFLA_BOND_ARP_IP_TARGET], targets, 2);
        ASSERT_NOT_NULL(targets[1]);

        ASSERT_OK(net_link_create_message(&p.links[3], "v7", up, 4, &m));
        first = rtnl_attrs(&m.hdr, sizeof(struct ifinfomsg), &len);
        rtnl_attrs_parse(first, len, tb, IFLA_MAX);
        ASSERT_TRUE(rtnl_attr_u32(tb[IFLA_LINK], &v) && v == 2);
        rtnl_attrs_parse_nested(tb[IFLA_LINKINFO], info, IFLA_INFO_MAX);
        rtnl_attrs_parse_nested(info[IFLA_INFO_DATA], vlan, IFLA_VLAN_MAX);
        ASSERT_TRUE(rtnl_attr_u16(vlan[IFLA_VLAN_ID], &id) && id == 7);
        ASSERT_TRUE(rtnl_attr_u16(vlan[IFLA_VLAN_PROTOCOL], &id) && id == htons(ETH_P_8021Q));
}

TEST(rtnl_overflow_is_remembered) {
        RtnlMessage m;
        char big[1024] = {};
        rtnl_message_init(&m, RTM_NEWLINK, 0, NULL, 0);
        for (int i = 0; i < 10; i++)
                rtnl_append(&m, IFLA_IFALIAS, big, sizeof(big));
        ASSERT_ERROR(m.error, ENOBUFS);
        ASSERT_ERROR(rtnl_call(-1, &m, NULL, NULL), ENOBUFS);
}

TEST(dhcp_leases) {
        _cleanup_(dhcp_lease_done) DhcpLease l = {};
        ASSERT_OK(dhcp_lease_parse("ip 10.213.0.60\nsubnet 255.255.255.0\nrouter 10.213.0.1 10.213.0.254\n", &l));
        ASSERT_STREQ(l.address, "10.213.0.60");
        ASSERT_EQ(l.prefixlen, 24u);
        ASSERT_STREQ(l.router, "10.213.0.1");
        dhcp_lease_done(&l);
        ASSERT_OK(dhcp_lease_parse("mask 20\nip 10.0.0.5\n", &l));
        ASSERT_EQ(l.prefixlen, 20u);
        ASSERT_NULL(l.router);
        DhcpLease bad = {};
        ASSERT_ERROR(dhcp_lease_parse("subnet 255.255.255.0\n", &bad), EBADMSG);
        ASSERT_ERROR(dhcp_lease_parse("ip 10.0.0.300\n", &bad), EBADMSG);
}
