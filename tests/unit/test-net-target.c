/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network targets without a network: the recorded plan read back as it was
 * written, bad plans refused, the host part of nfs/ssh locations, the
 * known_hosts lines the image gets, and the NFS mount option strings. */
#include <sys/socket.h>

#include "net-plan.h"
#include "net-target.h"
#include "nfs-mount.h"
#include "tests.h"

static char *format(const NetPlan *p) {
        char *text = NULL;
        ASSERT_OK(net_plan_to_string(p, &text));
        return text;
}

TEST(net_plan_round_trip) {
        NetPlan p = { .interface = (char *) "ens3", .mac = (char *) "52:54:00:12:34:56", .address = (char *) "10.0.0.2",
                      .prefixlen = 24, .gateway = (char *) "10.0.0.254", .server = (char *) "192.0.2.7" };
        _cleanup_free_ char *text = format(&p);
        ASSERT_STREQ(text, "interface ens3\nmac 52:54:00:12:34:56\naddress 10.0.0.2/24\ngateway 10.0.0.254\nserver 192.0.2.7\n");

        _cleanup_(net_plan_done) NetPlan q = {};
        ASSERT_OK(net_plan_parse(text, &q));
        ASSERT_STREQ(q.mac, p.mac);
        ASSERT_STREQ(q.address, "10.0.0.2");
        ASSERT_EQ(q.prefixlen, 24u);
        ASSERT_STREQ(q.gateway, "10.0.0.254");
        ASSERT_STREQ(q.server, "192.0.2.7");
}

TEST(net_plan_ipv6_on_link) {
        _cleanup_(net_plan_done) NetPlan q = {};
        ASSERT_OK(net_plan_parse("# comment\nmac 52:54:00:00:00:01\naddress fd21:3::2/64\nserver fd21:3::1\n", &q));
        ASSERT_NULL(q.gateway);
        ASSERT_EQ(q.prefixlen, 64u);
        ASSERT_EQ(net_address_family(q.server), AF_INET6);
}

TEST(net_plan_refuses_what_it_cannot_use) {
        static const char *const bad[] = {
                "address 10.0.0.2/24\nserver 10.0.0.1\n",                                /* no mac */
                "mac a\naddress 10.0.0.2\nserver 10.0.0.1\n",                             /* no prefix */
                "mac a\naddress 10.0.0.2/33\nserver 10.0.0.1\n",                          /* prefix too long */
                "mac a\naddress 10.0.0.2/24\nserver fd00::1\n",                           /* families differ */
                "mac a\naddress 10.0.0.2/24\nserver dumps.example.com\n",                 /* a name, not an address */
                "mac a\naddress 10.0.0.2/24\nserver 10.0.0.1\nserver 10.0.0.3\n",         /* twice */
                "mac a\naddress 10.0.0.2/24\nserver 10.0.0.1\nmtus 1500\n",               /* unknown key */
                "mac a\naddress 10.0.0.2/24\nserver 10.0.0.1\ngateway fd00::1\n",         /* gateway family */
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                NetPlan q = {};
                test_set_context("plan %zu", i);
                ASSERT_ERROR(net_plan_parse(bad[i], &q), EBADMSG);
        }
}

TEST(net_target_host_of_locations) {
        static const struct {
                DumpTargetType type;
                const char *location, *host;
        } cases[] = {
                { DUMP_TARGET_NFS, "nfs.example.com:/export/dumps", "nfs.example.com" },
                { DUMP_TARGET_NFS, "10.0.0.1:/export", "10.0.0.1" },
                { DUMP_TARGET_NFS, "[fd00::1]:/export", "fd00::1" },
                { DUMP_TARGET_SSH, "kdump@dumps.example.com", "dumps.example.com" },
                { DUMP_TARGET_SSH, "root@fd00::1", "fd00::1" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *h = NULL;
                ASSERT_OK(net_target_host(cases[i].type, cases[i].location, &h));
                ASSERT_STREQ(h, cases[i].host);
        }
        char *h = NULL;
        ASSERT_ERROR(net_target_host(DUMP_TARGET_SSH, "nohost", &h), EINVAL);
        ASSERT_ERROR(net_target_host(DUMP_TARGET_NFS, "[]:/x", &h), EINVAL);
}

TEST(known_hosts_named_by_address) {
        _cleanup_free_ char *path = test_write_file(test_tmpdir(), "known_hosts",
                                                    "# recorded by kdumpctl propagate\n"
                                                    "dumps.example.com ssh-ed25519 AAAAkeyone\n"
                                                    "other.example.com ssh-ed25519 AAAAother\n"
                                                    "[10.0.0.1]:22,dumps ecdsa-sha2-nistp256 AAAAkeytwo\n"
                                                    "|1|hashed|entry ssh-rsa AAAAhashed\n"
                                                    "@revoked dumps.example.com ssh-rsa AAAArevoked\n");
        _cleanup_free_ char *out = NULL;
        ASSERT_OK(known_hosts_for(path, "dumps.example.com", "10.0.0.1", &out));
        ASSERT_STREQ(out, "10.0.0.1 ssh-ed25519 AAAAkeyone\n10.0.0.1 ecdsa-sha2-nistp256 AAAAkeytwo\n");

        char *none = NULL;
        ASSERT_ERROR(known_hosts_for(path, "unknown.example.com", "10.9.9.9", &none), ENOENT);
}

TEST(nfs_mount_option_strings) {
        _cleanup_free_ char *v4 = NULL, *v3 = NULL, *v3_6 = NULL;
        ASSERT_OK(nfs_mount_options("10.0.0.1", "4.2", &v4));
        ASSERT_STREQ(v4, "vers=4.2,soft,timeo=100,retrans=3,addr=10.0.0.1");
        ASSERT_OK(nfs_mount_options("10.0.0.1", "3", &v3));
        ASSERT_STREQ(v3, "vers=3,proto=tcp,mountproto=tcp,nolock,soft,timeo=100,retrans=3,addr=10.0.0.1");
        ASSERT_OK(nfs_mount_options("fd00::1", "3", &v3_6));
        ASSERT_CONTAINS(v3_6, "proto=tcp6,mountproto=tcp6,");
}
