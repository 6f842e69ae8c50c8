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
        ASSERT_OK(ssh_save_vmcore(&t, ok, dir, 0, 0));
        flat = test_path(dir, "vmcore.flat");
        _cleanup_free_ char *content = test_read_file(flat);
        ASSERT_STREQ(content, "flattened");
        ASSERT_OK(stat(flat, &st));
        ASSERT_EQ(st.st_mode & 0777, 0600);

        /* A collector that fails leaves vmcore-incomplete, never vmcore.flat. */
        ASSERT_OK(unlink(flat));
        char *bad[] = { (char *) "sh", (char *) "-c", (char *) "printf part; exit 3", NULL };
        ASSERT_EQ(ssh_save_vmcore(&t, bad, dir, 0, 0), 3);
        tmp = test_path(dir, "vmcore-incomplete");
        ASSERT_OK(access(tmp, F_OK));
        ASSERT_TRUE(access(flat, F_OK) < 0);
        free((char *) t.client);
}

/* A login shell that prints (a banner, a profile's echo) before the
 * command's own output: the directory is still found, by its mark. */
TEST(ssh_dump_dir_despite_a_chatty_login_shell) {
        static const char chatty[] = "#!/bin/sh\nfor last; do :; done\necho 'Welcome to the dump server'\n"
                                     "echo '/tmp/not-the-dir'\nexec sh -c \"$last\"\n";
        char *client = test_write_file(test_tmpdir(), "bin/chatty-dbclient", chatty);
        ASSERT_OK(chmod(client, 0755));
        SshTarget t = { .destination = "kdump@server", .home = test_tmpdir(), .key = "/dev/null", .client = client };
        _cleanup_free_ char *base = test_path(test_tmpdir(), "chatty"), *scratch = test_path(test_tmpdir(), "run");
        _cleanup_free_ char *dir = NULL;

        ASSERT_OK(ssh_dump_dir_create(&t, base, "h", 0, deadline_after_sec(20), scratch, &dir));
        ASSERT_CONTAINS(dir, "/chatty/h-1970-01-01-00:00:00");
        ASSERT_TRUE(!strstr(dir, "Welcome"));
        free(client);
}

TEST(ssh_dir_answer_takes_only_the_marked_line_for_dir) {
        _cleanup_free_ char *f = test_write_file(test_tmpdir(), "answer",
                                                 "motd\nkdumpd-dump-dir:/d/h-x\n");
        _cleanup_free_ char *got = NULL, *other = NULL, *suffix = NULL, *bad = NULL;

        ASSERT_OK(ssh_dir_answer(f, "/d/h-x", &got));
        ASSERT_STREQ(got, "/d/h-x");
        /* Another directory, or no mark at all: the server did not say. */
        ASSERT_EQ(ssh_dir_answer(f, "/d/other", &other), -EPROTO);
        _cleanup_free_ char *g = test_write_file(test_tmpdir(), "answer2", "kdumpd-dump-dir:/d/h-x.12\n");
        ASSERT_OK(ssh_dir_answer(g, "/d/h-x", &suffix));
        ASSERT_STREQ(suffix, "/d/h-x.12");
        _cleanup_free_ char *h = test_write_file(test_tmpdir(), "answer3", "/d/h-x\n");
        ASSERT_EQ(ssh_dir_answer(h, "/d/h-x", &bad), -EPROTO);
}
