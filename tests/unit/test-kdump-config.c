/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/kdump-config.h, table-driven from two corpora beside this file:
 *   golden/NAME.conf   valid files; NAME.expected is the normalised output
 *   broken/NAME.conf   invalid files
 * A "# expect: LINE: error|warning: TEXT" comment in either names one
 * diagnostic the file must produce: "FILE:LINE: KIND: " followed by a
 * message that contains TEXT (equals it, when TEXT ends in "$"). A file must
 * produce exactly the diagnostics it lists, in that order.
 * Set KDUMPD_TEST_UPDATE_GOLDEN=1 to rewrite the .expected files (then
 * review the diff: the golden files are the specification). */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "kdump-config.h"
#include "tests.h"

/* Every directive the parser knows. When one is added there, add it here,
 * to a golden file, and to man/kdump.conf.5. */
static const char *const all_directives[] = {
        "raw", "nfs", "nfs4", "ssh", "net", "ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "minix",
        "virtiofs", "raw_size", "path", "sshkey", "core_collector", "kdump_pre", "kdump_post", "kdump_emergency",
        "extra_bins", "extra_modules", "dracut_args", "force_rebuild", "force_no_rebuild", "default",
        "failure_action", "final_action", "link_delay", "disk_timeout", "debug_mem_level",
        "auto_reset_crashkernel", "fence_kdump_nodes", "fence_kdump_args", "options", "blacklist",
};

typedef struct Expectation {
        unsigned line;
        const char *kind; /* "error" or "warning" */
        char *text;
        bool exact;
} Expectation;

typedef struct Expectations {
        Expectation *items;
        size_t n;
        unsigned n_errors, n_warnings;
} Expectations;

static void expectations_done(Expectations *e) {
        for (size_t i = 0; i < e->n; i++)
                free(e->items[i].text);
        free(e->items);
        *e = (Expectations) {};
}

static void expectations_parse(const char *path, const char *text, Expectations *ret) {
        static const char marker[] = "# expect: ";
        Expectations e = {};

        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                size_t len = strcspn(l, "\n");
                unsigned line;
                char kind[16];
                int text_start = 0;

                if (strncmp(l, marker, strlen(marker)) != 0)
                        continue;
                _cleanup_free_ char *spec = ASSERT_NOT_NULL(strndup(l + strlen(marker), len - strlen(marker)));
                if (sscanf(spec, "%u: %15[a-z]: %n", &line, kind, &text_start) != 2 || text_start == 0 ||
                    (strcmp(kind, "error") != 0 && strcmp(kind, "warning") != 0)) {
                        fprintf(stderr, "%s: malformed expectation \"%s\"\n", path, spec);
                        test_fail();
                }
                Expectation x = { .line = line, .kind = kind[0] == 'e' ? "error" : "warning" };
                x.text = ASSERT_NOT_NULL(strdup(spec + text_start));
                size_t tl = strlen(x.text);
                if (tl > 0 && x.text[tl - 1] == '$') {
                        x.text[tl - 1] = 0;
                        x.exact = true;
                }
                e.items = ASSERT_NOT_NULL(reallocarray(e.items, e.n + 1, sizeof(Expectation)));
                e.items[e.n++] = x;
                if (x.kind[0] == 'e')
                        e.n_errors++;
                else
                        e.n_warnings++;
        }
        *ret = e;
}

static void check_diagnostics(const char *path, const ConfigDiagnostics *d, const Expectations *e) {
        size_t n = strv_length(d->messages);

        if (n != e->n) {
                fprintf(stderr, "%s: %zu diagnostics, expected %zu:\n", path, n, e->n);
                config_diagnostics_print(d, stderr);
        }
        ASSERT_EQ(n, e->n);
        ASSERT_EQ(d->n_errors, e->n_errors);
        ASSERT_EQ(d->n_warnings, e->n_warnings);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *prefix = NULL;
                const char *m = d->messages[i];

                ASSERT_GE(asprintf(&prefix, "%s:%u: %s: ", path, e->items[i].line, e->items[i].kind), 0);
                if (strncmp(m, prefix, strlen(prefix)) != 0)
                        ASSERT_STREQ(m, prefix); /* prints both */
                if (e->items[i].exact)
                        ASSERT_STREQ(m + strlen(prefix), e->items[i].text);
                else
                        ASSERT_CONTAINS(m + strlen(prefix), e->items[i].text);
        }
}

static int is_conf(const struct dirent *de) {
        size_t n = strlen(de->d_name);
        return n > 5 && strcmp(de->d_name + n - 5, ".conf") == 0;
}

/* The .conf files in srcdir/sub, sorted; fails when there are none. */
static char **corpus(const char *sub) {
        _cleanup_free_ char *dir = test_path(test_srcdir(), sub);
        _cleanup_strv_free_ char **l = NULL;
        struct dirent **list;
        int n = scandir(dir, &list, is_conf, alphasort);

        if (n < 0) {
                fprintf(stderr, "cannot list \"%s\" (set KDUMPD_TEST_SRCDIR): %m\n", dir);
                test_fail();
        }
        for (int i = 0; i < n; i++) {
                _cleanup_free_ char *p = test_path(dir, list[i]->d_name);
                ASSERT_OK(strv_extend(&l, p));
                free(list[i]);
        }
        free(list);
        ASSERT_NOT_NULL(l);
        return TAKE_PTR(l);
}

static char *format(const KdumpConfig *c) {
        char *s = NULL;
        ASSERT_OK(kdump_config_format_string(c, &s));
        return ASSERT_NOT_NULL(s);
}

static KdumpConfig *parse_ok(const char *name, const char *text) {
        ConfigDiagnostics d = {};
        KdumpConfig *c = NULL;
        int r = kdump_config_parse_string(name, text, &d, &c);

        config_diagnostics_print(&d, stderr);
        ASSERT_OK(r);
        ASSERT_NOT_NULL(c);
        ASSERT_EQ(d.n_errors, 0);
        config_diagnostics_done(&d);
        return c;
}

static void check_golden(const char *conf) {
        _cleanup_free_ char *text = test_read_file(conf), *expected_path = NULL, *out = NULL, *again = NULL;
        _cleanup_(expectations_done) Expectations e = {};
        _cleanup_kdump_config_free_ KdumpConfig *c = NULL, *c2 = NULL;
        ConfigDiagnostics d = {};
        size_t n = strlen(conf);

        test_set_context("%s", conf);
        ASSERT_GE(asprintf(&expected_path, "%.*s.expected", (int) (n - 5), conf), 0);
        expectations_parse(conf, text, &e);
        ASSERT_EQ(e.n_errors, 0); /* a golden file is valid by definition */

        ASSERT_OK(kdump_config_parse_file(conf, &d, &c));
        check_diagnostics(conf, &d, &e);
        config_diagnostics_done(&d);

        out = format(c);
        if (getenv("KDUMPD_TEST_UPDATE_GOLDEN"))
                ASSERT_OK(write_file_atomic(expected_path, out, strlen(out), 0644));
        _cleanup_free_ char *expected = test_read_file(expected_path);
        if (!streq_ptr(out, expected))
                fprintf(stderr, "%s: normalised output differs from %s\n", conf, expected_path);
        ASSERT_STREQ(out, expected);

        /* The normalised form is a fixed point: parsing it gives the same
         * configuration, and it has nothing to complain about but the old
         * words it keeps (options, blacklist), which are honoured. */
        ASSERT_OK(kdump_config_parse_string(expected_path, out, &d, &c2));
        ASSERT_EQ(d.n_errors, 0);
        for (char **m = d.messages; m && *m; m++)
                ASSERT_CONTAINS(*m, "is obsolete (honoured for now)");
        config_diagnostics_done(&d);
        again = format(c2);
        if (!streq_ptr(again, out))
                fprintf(stderr, "%s: normalising twice changes the output\n", conf);
        ASSERT_STREQ(again, out);
}

TEST(golden_files) {
        _cleanup_strv_free_ char **files = corpus("golden");

        ASSERT_GE(strv_length(files), 20);
        for (char **f = files; *f; f++)
                check_golden(*f);
}

TEST(golden_files_cover_every_directive) {
        _cleanup_strv_free_ char **files = corpus("golden");

        for (size_t i = 0; i < ELEMENTSOF(all_directives); i++) {
                bool found = false;
                for (char **f = files; *f && !found; f++) {
                        _cleanup_free_ char *text = test_read_file(*f);
                        for (const char *l = text; l && *l && !found; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                                l += strspn(l, " \t");
                                size_t n = strlen(all_directives[i]);
                                found = strncmp(l, all_directives[i], n) == 0 && (l[n] == ' ' || l[n] == '\t');
                        }
                }
                if (!found)
                        fprintf(stderr, "no golden file uses \"%s\"\n", all_directives[i]);
                ASSERT_TRUE(found);
        }
}

TEST(every_directive_is_known) {
        /* The list above and the parser agree: each name is a directive
         * (whatever it thinks of the value "x"), and a near miss is not. */
        for (size_t i = 0; i < ELEMENTSOF(all_directives); i++) {
                _cleanup_free_ char *text = NULL;
                ConfigDiagnostics d = {};
                KdumpConfig *c = NULL;

                ASSERT_GE(asprintf(&text, "%s x\n", all_directives[i]), 0);
                (void) kdump_config_parse_string("t.conf", text, &d, &c);
                c = kdump_config_free(c);
                for (char **m = d.messages; m && *m; m++)
                        ASSERT_NOT_CONTAINS(*m, "unknown directive");
                config_diagnostics_done(&d);
        }
}

static void check_broken(const char *conf) {
        _cleanup_free_ char *text = test_read_file(conf);
        _cleanup_(expectations_done) Expectations e = {};
        ConfigDiagnostics d = {};
        KdumpConfig *c = (KdumpConfig *) 0x1;

        test_set_context("%s", conf);
        expectations_parse(conf, text, &e);
        if (e.n_errors == 0) {
                fprintf(stderr, "%s: a broken file must expect at least one error\n", conf);
                test_fail();
        }
        ASSERT_ERROR(kdump_config_parse_file(conf, &d, &c), EINVAL);
        /* Nothing half-parsed is handed out. */
        ASSERT_TRUE(c == (KdumpConfig *) 0x1);
        check_diagnostics(conf, &d, &e);
        config_diagnostics_done(&d);
}

TEST(broken_files) {
        _cleanup_strv_free_ char **files = corpus("broken");

        ASSERT_GE(strv_length(files), 25);
        for (char **f = files; *f; f++)
                check_broken(*f);
}

TEST(shipped_config_is_clean) {
        /* conf/kdump.conf as installed: valid, no warnings, and the values
         * it spells out are the defaults. */
        _cleanup_free_ char *path = test_path(test_srcdir(), "../../conf/kdump.conf");
        _cleanup_kdump_config_free_ KdumpConfig *c = NULL, *defaults = NULL;
        _cleanup_free_ char *a = NULL, *b = NULL;
        ConfigDiagnostics d = {};

        if (access(path, R_OK) < 0)
                SKIP_TEST("conf/kdump.conf is not beside the tests");
        ASSERT_OK(kdump_config_parse_file(path, &d, &c));
        ASSERT_NULL(d.messages);
        defaults = parse_ok("empty", "");
        a = format(c);
        b = format(defaults);
        ASSERT_STREQ(a, b);
}

TEST(three_errors_three_messages) {
        ConfigDiagnostics d = {};
        KdumpConfig *c = NULL;

        ASSERT_ERROR(kdump_config_parse_string("my.conf",
                                               "path relative\n"
                                               "\n"
                                               "final_action shell\n"
                                               "# comment\n"
                                               "bogus 1\n",
                                               &d, &c),
                     EINVAL);
        ASSERT_NULL(c);
        ASSERT_EQ(strv_length(d.messages), 3);
        ASSERT_EQ(d.n_errors, 3);
        ASSERT_EQ(d.n_warnings, 0);
        ASSERT_TRUE(strncmp(d.messages[0], "my.conf:1: error: ", 18) == 0);
        ASSERT_TRUE(strncmp(d.messages[1], "my.conf:3: error: ", 18) == 0);
        ASSERT_TRUE(strncmp(d.messages[2], "my.conf:5: error: ", 18) == 0);
        config_diagnostics_done(&d);
        ASSERT_NULL(d.messages);
        ASSERT_EQ(d.n_errors, 0);
}

TEST(obsolete_words_warn_but_parse) {
        _cleanup_kdump_config_free_ KdumpConfig *c = NULL;
        _cleanup_free_ char *out = NULL;
        ConfigDiagnostics d = {};

        ASSERT_OK(kdump_config_parse_string("k.conf",
                                            "options nvme poll_queues=1\n"
                                            "blacklist nouveau\n"
                                            "blacklist radeon\n"
                                            "final_action poweroff\n",
                                            &d, &c));
        ASSERT_NOT_NULL(c);
        ASSERT_EQ(d.n_errors, 0);
        ASSERT_EQ(d.n_warnings, 3);
        ASSERT_TRUE(strncmp(d.messages[0], "k.conf:1: warning: \"options\" is obsolete", 40) == 0);
        ASSERT_TRUE(strncmp(d.messages[1], "k.conf:2: warning: \"blacklist\" is obsolete", 42) == 0);
        ASSERT_TRUE(strncmp(d.messages[2], "k.conf:3: warning: ", 19) == 0);
        config_diagnostics_done(&d);

        /* Honoured: kept as modprobe.d lines for the capture image, one
         * module a blacklist line, and written out again in file order. */
        ASSERT_EQ(kdump_config_final_action(c), KDUMP_ACTION_POWEROFF);
        ASSERT_STRV_EQ((char **) kdump_config_modprobe_lines(c),
                       STRV_MAKE("options nvme poll_queues=1", "blacklist nouveau", "blacklist radeon"));
        out = format(c);
        ASSERT_CONTAINS(out, "options nvme poll_queues=1\nblacklist nouveau\nblacklist radeon\n");
}

TEST(diagnostics_accumulate) {
        /* One ConfigDiagnostics over two files: the second parse fails for
         * its own errors only, not for the first file's. */
        _cleanup_kdump_config_free_ KdumpConfig *c = NULL;
        KdumpConfig *bad = NULL;
        ConfigDiagnostics d = {};

        ASSERT_ERROR(kdump_config_parse_string("a.conf", "path x\n", &d, &bad), EINVAL);
        ASSERT_OK(kdump_config_parse_string("b.conf", "options x y=1\n", &d, &c));
        ASSERT_EQ(strv_length(d.messages), 2);
        ASSERT_EQ(d.n_errors, 1);
        ASSERT_EQ(d.n_warnings, 1);
        ASSERT_CONTAINS(d.messages[1], "b.conf:1: warning:");
        config_diagnostics_done(&d);
}

TEST(no_diagnostics_wanted) {
        KdumpConfig *c = NULL;
        _cleanup_kdump_config_free_ KdumpConfig *ok = NULL;

        ASSERT_ERROR(kdump_config_parse_string("x", "nonsense here\n", NULL, &c), EINVAL);
        ASSERT_NULL(c);
        ASSERT_OK(kdump_config_parse_string("x", "options foo bar=1\n", NULL, &ok));
        ASSERT_NOT_NULL(ok);
}

TEST(line_endings_and_blanks) {
        /* CRLF files from Windows editors, a last line without a newline,
         * tabs between directive and value. */
        _cleanup_kdump_config_free_ KdumpConfig *c =
                parse_ok("crlf", "path /var/crash/x\r\n\r\nfinal_action\thalt\r\ndisk_timeout 30");
        ASSERT_STREQ(kdump_config_path(c), "/var/crash/x");
        ASSERT_EQ(kdump_config_final_action(c), KDUMP_ACTION_HALT);
        ASSERT_EQ(kdump_config_disk_timeout(c), 30);
}

TEST(nul_byte_refused) {
        /* A NUL byte means a binary or corrupt file; what follows it must
         * not be silently dropped. */
        _cleanup_free_ char *p = test_path(test_tmpdir(), "nul.conf");
        static const char data[] = "path /var/crash\n\0ext4 /dev/sda1\n";
        KdumpConfig *c = NULL;
        ConfigDiagnostics d = {};

        ASSERT_OK(write_file_atomic(p, data, sizeof(data) - 1, 0644));
        ASSERT_ERROR(kdump_config_parse_file(p, &d, &c), EBADMSG);
        ASSERT_NULL(c);
        config_diagnostics_done(&d);
}

TEST(missing_file) {
        _cleanup_free_ char *p = test_path(test_tmpdir(), "nope.conf");
        KdumpConfig *c = NULL;

        ASSERT_ERROR(kdump_config_parse_file(p, NULL, &c), ENOENT);
        ASSERT_ERROR(kdump_config_parse_file(NULL, NULL, &c), EINVAL);
        ASSERT_ERROR(kdump_config_parse_string("x", NULL, NULL, &c), EINVAL);
        ASSERT_ERROR(kdump_config_parse_string("x", "", NULL, NULL), EINVAL);
        ASSERT_NULL(c);
}

TEST(defaults) {
        _cleanup_kdump_config_free_ KdumpConfig *c = parse_ok("empty", "# nothing\n");

        ASSERT_EQ(kdump_config_target_type(c), DUMP_TARGET_PATH);
        ASSERT_NULL(kdump_config_target_kind(c));
        ASSERT_NULL(kdump_config_target_location(c));
        ASSERT_STREQ(kdump_config_path(c), KDUMP_DEFAULT_PATH);
        ASSERT_STREQ(kdump_config_core_collector(c), KDUMP_DEFAULT_CORE_COLLECTOR);
        ASSERT_STREQ(kdump_config_sshkey(c), KDUMP_DEFAULT_SSHKEY);
        ASSERT_EQ(kdump_config_failure_action(c), KDUMP_ACTION_REBOOT);
        ASSERT_EQ(kdump_config_default_action(c), KDUMP_ACTION_REBOOT);
        ASSERT_EQ(kdump_config_final_action(c), KDUMP_ACTION_REBOOT);
        ASSERT_FALSE(kdump_config_force_rebuild(c));
        ASSERT_FALSE(kdump_config_force_no_rebuild(c));
        ASSERT_EQ(kdump_config_disk_timeout(c), -1);
        ASSERT_NULL(kdump_config_string(c, "kdump_pre"));
        ASSERT_NULL(kdump_config_string(c, "dracut_args"));
        ASSERT_STREQ(kdump_config_string(c, "debug_mem_level"), "0");
        /* Not a directive. */
        ASSERT_NULL(kdump_config_string(c, "no_such_thing"));
}

TEST(accessors) {
        _cleanup_kdump_config_free_ KdumpConfig *c = parse_ok("a",
                                                               "xfs LABEL=crash\n"
                                                               "path /dumps\n"
                                                               "core_collector cp --sparse=always\n"
                                                               "kdump_post /usr/bin/post\n"
                                                               "default shell\n"
                                                               "final_action halt\n"
                                                               "force_rebuild 1\n"
                                                               "disk_timeout 0\n");

        ASSERT_EQ(kdump_config_target_type(c), DUMP_TARGET_FS);
        ASSERT_STREQ(kdump_config_target_kind(c), "xfs");
        ASSERT_STREQ(kdump_config_target_location(c), "LABEL=crash");
        ASSERT_STREQ(kdump_config_path(c), "/dumps");
        ASSERT_STREQ(kdump_config_core_collector(c), "cp --sparse=always");
        ASSERT_STREQ(kdump_config_string(c, "kdump_post"), "/usr/bin/post");
        /* default is stored as failure_action. */
        ASSERT_EQ(kdump_config_failure_action(c), KDUMP_ACTION_SHELL);
        ASSERT_EQ(kdump_config_default_action(c), KDUMP_ACTION_SHELL);
        ASSERT_STREQ(kdump_config_string(c, "failure_action"), "shell");
        ASSERT_EQ(kdump_config_final_action(c), KDUMP_ACTION_HALT);
        ASSERT_TRUE(kdump_config_force_rebuild(c));
        ASSERT_FALSE(kdump_config_force_no_rebuild(c));
        ASSERT_EQ(kdump_config_disk_timeout(c), 0);
}

TEST(target_types) {
        static const struct {
                const char *text;
                DumpTargetType type;
                const char *kind, *location;
        } cases[] = {
                { "ext4 UUID=1234", DUMP_TARGET_FS, "ext4", "UUID=1234" },
                { "virtiofs share", DUMP_TARGET_FS, "virtiofs", "share" },
                { "raw /dev/sdb", DUMP_TARGET_RAW, "raw", "/dev/sdb" },
                { "nfs h:/e", DUMP_TARGET_NFS, "nfs", "h:/e" },
                { "nfs4 h:/e", DUMP_TARGET_NFS, "nfs4", "h:/e" },
                { "nfs [::1]:/e", DUMP_TARGET_NFS, "nfs", "[::1]:/e" },
                { "net h:/e", DUMP_TARGET_NFS, "nfs", "h:/e" },
                { "ssh u@h", DUMP_TARGET_SSH, "ssh", "u@h" },
                { "net u@h", DUMP_TARGET_SSH, "ssh", "u@h" },
                { "ssh kdump-dumper@dumps.example.com", DUMP_TARGET_SSH, "ssh", "kdump-dumper@dumps.example.com" },
                { "ssh u@[fd21:3::1]", DUMP_TARGET_SSH, "ssh", "u@[fd21:3::1]" },
                { "ssh u@fd21:3::1", DUMP_TARGET_SSH, "ssh", "u@fd21:3::1" },
                { "ssh u@10.213.0.1", DUMP_TARGET_SSH, "ssh", "u@10.213.0.1" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_kdump_config_free_ KdumpConfig *c = parse_ok("t", cases[i].text);
                ASSERT_EQ(kdump_config_target_type(c), cases[i].type);
                ASSERT_STREQ(kdump_config_target_kind(c), cases[i].kind);
                ASSERT_STREQ(kdump_config_target_location(c), cases[i].location);
        }
}

TEST(with_target) {
        /* What mkdumprd bakes into the image: the target made explicit and
         * path relative to it; everything else as configured. */
        _cleanup_kdump_config_free_ KdumpConfig *c = parse_ok("a",
                                                               "path /var/crash\n"
                                                               "final_action poweroff\n"
                                                               "kdump_pre /usr/bin/pre\n");
        _cleanup_kdump_config_free_ KdumpConfig *baked = NULL, *back = NULL;
        _cleanup_free_ char *out = NULL, *out2 = NULL;

        ASSERT_OK(kdump_config_with_target(c, "ext4", "UUID=abcd", "/crash", &baked));
        ASSERT_EQ(kdump_config_target_type(baked), DUMP_TARGET_FS);
        ASSERT_STREQ(kdump_config_target_kind(baked), "ext4");
        ASSERT_STREQ(kdump_config_target_location(baked), "UUID=abcd");
        ASSERT_STREQ(kdump_config_path(baked), "/crash");
        ASSERT_EQ(kdump_config_final_action(baked), KDUMP_ACTION_POWEROFF);
        ASSERT_STREQ(kdump_config_string(baked, "kdump_pre"), "/usr/bin/pre");
        /* The original is untouched. */
        ASSERT_EQ(kdump_config_target_type(c), DUMP_TARGET_PATH);
        ASSERT_STREQ(kdump_config_path(c), "/var/crash");

        out = format(baked);
        ASSERT_TRUE(strncmp(out, "ext4 UUID=abcd\npath /crash\n", 27) == 0);
        back = parse_ok("baked", out);
        out2 = format(back);
        ASSERT_STREQ(out2, out);

        ASSERT_ERROR(kdump_config_with_target(c, NULL, "UUID=abcd", "/", &baked), EINVAL);
}

TEST(with_raw_target) {
        _cleanup_kdump_config_free_ KdumpConfig *c = parse_ok("t", "raw /dev/disk/by-id/virtio-kdumpd-raw\npath /var/crash\n");
        _cleanup_kdump_config_free_ KdumpConfig *baked = NULL, *back = NULL;
        _cleanup_free_ char *out = NULL, *out2 = NULL;

        ASSERT_EQ(kdump_config_raw_size(c), 0);
        /* What mkdumprd bakes: the identity and the size, read again by
         * the capture with the same parser. */
        ASSERT_OK(kdump_config_with_raw_target(c, "SERIAL=kdumpd-raw", 536870912, &baked));
        ASSERT_STREQ(kdump_config_target_location(baked), "SERIAL=kdumpd-raw");
        ASSERT_EQ(kdump_config_raw_size(baked), 536870912);
        ASSERT_STREQ(kdump_config_path(baked), "/var/crash");
        out = format(baked);
        ASSERT_TRUE(strncmp(out, "raw SERIAL=kdumpd-raw\nraw_size 536870912\npath /var/crash\n", 57) == 0);
        back = parse_ok("baked", out);
        ASSERT_EQ(kdump_config_target_type(back), DUMP_TARGET_RAW);
        ASSERT_EQ(kdump_config_raw_size(back), 536870912);
        out2 = format(back);
        ASSERT_STREQ(out2, out);

        /* Sizes past 4 GiB, and past 2^63 - 1 on the way to 2^64 - 1. */
        back = kdump_config_free(back);
        back = parse_ok("big", "raw WWN=naa.5000c5008c1f1c23\nraw_size 18446744073709551615\n");
        ASSERT_TRUE(kdump_config_raw_size(back) == UINT64_MAX);

        ASSERT_ERROR(kdump_config_with_raw_target(c, "SERIAL=x", 0, &baked), EINVAL);
}

TEST(action_names) {
        for (KdumpAction a = 0; a < _KDUMP_ACTION_MAX; a++) {
                const char *s = ASSERT_NOT_NULL(kdump_action_to_string(a));
                ASSERT_EQ(kdump_action_from_string(s), a);
        }
        ASSERT_STREQ(kdump_action_to_string(KDUMP_ACTION_DUMP_TO_ROOTFS), "dump_to_rootfs");
        ASSERT_NULL(kdump_action_to_string(_KDUMP_ACTION_MAX));
        ASSERT_NULL(kdump_action_to_string(_KDUMP_ACTION_INVALID));
        ASSERT_EQ(kdump_action_from_string("explode"), _KDUMP_ACTION_INVALID);
        ASSERT_EQ(kdump_action_from_string(NULL), _KDUMP_ACTION_INVALID);

        ASSERT_STREQ(dump_target_type_to_string(DUMP_TARGET_NFS), "nfs");
        ASSERT_STREQ(dump_target_type_to_string(DUMP_TARGET_FS), "filesystem");
        ASSERT_NULL(dump_target_type_to_string(_DUMP_TARGET_MAX));
}
