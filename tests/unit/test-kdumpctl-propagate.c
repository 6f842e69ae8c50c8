/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl propagate records only the host keys the admin's checked login
 * vouches for (issue 16, finding 6): what ssh-keyscan saw, intersected
 * with the admin's known_hosts. */
#include "kdumpctl-propagate.h"
#include "tests.h"

static const char scanned[] =
        "# 10.213.0.1:22 SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\n"
        "10.213.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEd25519Key\n"
        "# 10.213.0.1:22 SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\n"
        "10.213.0.1 ecdsa-sha2-nistp256 AAAAE2VjZHNhEcdsaKey\n";

TEST(vouched_keys_are_those_the_admin_trusts) {
        /* The admin's file (ssh-keygen -F output: hashed names, comments). */
        static const char trusted[] =
                "# Host 10.213.0.1 found: line 3\n"
                "|1|c2FsdA==|aGFzaA== ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEd25519Key\n";
        _cleanup_free_ char *out = NULL;

        ASSERT_EQ(known_hosts_vouched(scanned, trusted, &out), 1);
        ASSERT_STREQ(out, "10.213.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEd25519Key\n");
}

TEST(a_changed_key_is_never_recorded) {
        /* The server (or whoever answers for it now) offers keys the admin
         * never accepted: nothing is vouched for. */
        static const char trusted[] = "10.213.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOldKey\n"
                                      "10.213.0.1 ecdsa-sha2-nistp256 AAAAE2VjZHNhOldEcdsa\n";
        _cleanup_free_ char *out = NULL;

        ASSERT_EQ(known_hosts_vouched(scanned, trusted, &out), -ENOENT);
        ASSERT_NULL(out);
        ASSERT_EQ(known_hosts_vouched(scanned, "", &out), -ENOENT);
}

TEST(same_key_other_type_is_not_the_same) {
        static const char trusted[] = "x ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIEd25519Key\n";
        _cleanup_free_ char *out = NULL;

        ASSERT_EQ(known_hosts_vouched(scanned, trusted, &out), -ENOENT);
}

TEST(markers_and_junk_vouch_for_nothing) {
        static const char trusted[] = "@revoked * ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEd25519Key\n"
                                      "garbage\n\n";
        _cleanup_free_ char *out = NULL;

        ASSERT_EQ(known_hosts_vouched(scanned, trusted, &out), -ENOENT);
}
