/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ssh target's remote commands (src/capture/ssh-target.c) run for
 * real, by a stand-in for dbclient that runs the remote command with the
 * local sh: quoting, the new-directory loop, the stream and its rename. */
#include <sys/stat.h>
#include <unistd.h>

#include "ssh-target.h"
#include "deadline.h"
#include "tests.h"

/* dbclient's options, then user@host, then the command: run the command. */
static const char fake_client[] = "#!/bin/sh\nfor last; do :; done\nexec sh -c \"$last\"\n";

static SshTarget target(void) {
        char *client = test_write_file(test_tmpdir(), "bin/fake-dbclient", fake_client);
        ASSERT_OK(chmod(client, 0755));
        return (SshTarget) { .destination = "kdump@server", .home = test_tmpdir(), .key = "/dev/null", .client = client };
}

TEST(ssh_dump_dir_is_always_new) {
        SshTarget t = target();
        _cleanup_free_ char *base = test_path(test_tmpdir(), "dumps/it's here"), *scratch = test_path(test_tmpdir(), "run");
        _cleanup_free_ char *a = NULL, *b = NULL;
        struct stat st;

        ASSERT_OK(ssh_dump_dir_create(&t, base, "10.0.0.2", 0, deadline_after_sec(20), scratch, &a));
        ASSERT_CONTAINS(a, "/dumps/it's here/10.0.0.2-1970-01-01-00:00:00");
        ASSERT_OK(stat(a, &st));
        ASSERT_EQ(st.st_mode & 07777, 0700);
        ASSERT_OK(ssh_dump_dir_create(&t, base, "10.0.0.2", 0, deadline_after_sec(20), scratch, &b));
        ASSERT_CONTAINS(b, "10.0.0.2-1970-01-01-00:00:00.1");
        ASSERT_OK(stat(b, &st));
        ASSERT_TRUE(S_ISDIR(st.st_mode));
        free((char *) t.client);
}

TEST(ssh_stream_renamed_when_whole) {
        SshTarget t = target();
        _cleanup_free_ char *base = test_path(test_tmpdir(), "stream"), *scratch = test_path(test_tmpdir(), "run");
        _cleanup_free_ char *dir = NULL, *flat = NULL, *tmp = NULL;
        struct stat st;

        ASSERT_OK(ssh_dump_dir_create(&t, base, "h", 1700000000, deadline_after_sec(20), scratch, &dir));
        char *ok[] = { (char *) "printf", (char *) "flattened", NULL };
        ASSERT_OK(ssh_save_vmcore(&t, ok, dir, 0));
        flat = test_path(dir, "vmcore.flat");
        _cleanup_free_ char *content = test_read_file(flat);
        ASSERT_STREQ(content, "flattened");
        ASSERT_OK(stat(flat, &st));
        ASSERT_EQ(st.st_mode & 0777, 0600);

        /* A collector that fails leaves vmcore-incomplete, never vmcore.flat. */
        ASSERT_OK(unlink(flat));
        char *bad[] = { (char *) "sh", (char *) "-c", (char *) "printf part; exit 3", NULL };
        ASSERT_EQ(ssh_save_vmcore(&t, bad, dir, 0), 3);
        tmp = test_path(dir, "vmcore-incomplete");
        ASSERT_OK(access(tmp, F_OK));
        ASSERT_TRUE(access(flat, F_OK) < 0);
        free((char *) t.client);
}
