/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture state machine (src/capture/capture.c) run whole on the host:
 * a fake vmcore, a temp dir as the mounted target, real hooks (shell
 * scripts) and real collectors (cp, false). Only mounting is faked. */
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "crash-record.h"
#include "deadline.h"
#include "fileio.h"
#include "log.h"
#include "tests.h"

typedef struct Fake {
        int mount_result, trace_result;
        bool root_mount_hangs; /* a mount(2) stuck in the kernel */
        unsigned mounts, unmounts, root_mounts, trace_mounts, trace_unmounts;
        char *log_at_unmount; /* hooks.log when the target was unmounted */
} Fake;

static Fake fake;

static int fake_mount(Capture *c) {
        fake.mounts++;
        if (fake.mount_result < 0)
                return fake.mount_result;
        c->mounted = true;
        return 0;
}

static char *hooks_log(void);

static void fake_unmount(Capture *c) {
        fake.unmounts++;
        free(fake.log_at_unmount);
        fake.log_at_unmount = hooks_log();
        c->mounted = false;
}

/* The real root: c->mount_dir is a directory of the test's. */
static int fake_mount_root(Capture *c, const char *spec, const char *fstype) {
        ASSERT_STREQ(spec, "UUID=9a1e5c2e-0000-4000-8000-00000000000f");
        ASSERT_STREQ(fstype, "ext4");
        while (fake.root_mount_hangs)
                pause();
        fake.root_mounts++;
        c->mounted = true;
        return 0;
}

/* The state filesystem: c->trace_mount_dir is a directory of the test's. */
static int fake_mount_trace(Capture *c, uint64_t deadline_usec) {
        ASSERT_STREQ(c->trace_spec, "UUID=9a1e5c2e-0000-4000-8000-00000000000f");
        ASSERT_GT(deadline_usec, 0);
        fake.trace_mounts++;
        return fake.trace_result;
}

static void fake_unmount_trace(Capture *c) {
        fake.trace_unmounts++;
}

static const CaptureOps fake_ops = {
        .mount_target = fake_mount, .unmount_target = fake_unmount, .mount_root = fake_mount_root,
        .mount_trace = fake_mount_trace, .unmount_trace = fake_unmount_trace,
};

/* A hook that appends its name and $1 to <tmp>/hooks.log, and fails when
 * told to. */
static char *make_hook(const char *name, int exit_status) {
        _cleanup_free_ char *script = NULL, *rel = NULL;
        ASSERT_OK(asprintf(&script, "#!/bin/sh\necho \"%s ${1:-}\" >>'%s/hooks.log'\nexit %d\n", name, test_tmpdir(),
                           exit_status) < 0 ? -ENOMEM : 0);
        ASSERT_OK(asprintf(&rel, "bin/%s", name) < 0 ? -ENOMEM : 0);
        char *p = test_write_file(test_tmpdir(), rel, script);
        ASSERT_OK(chmod(p, 0755));
        return p;
}

static KdumpConfig *config(const char *collector, const char *pre, const char *post, const char *emergency) {
        _cleanup_free_ char *text = NULL;
        KdumpConfig *c = NULL;
        ConfigDiagnostics d = {};

        ASSERT_OK(asprintf(&text,
                           "ext4 UUID=9a1e5c2e-0000-4000-8000-000000000001\n"
                           "path /var/crash\n"
                           "core_collector %s\n"
                           "%s%s%s"
                           "%s%s%s"
                           "%s%s%s"
                           "final_action poweroff\n"
                           "failure_action halt\n",
                           collector, pre ? "kdump_pre " : "", strempty(pre), pre ? "\n" : "", post ? "kdump_post " : "",
                           strempty(post), post ? "\n" : "", emergency ? "kdump_emergency " : "", strempty(emergency),
                           emergency ? "\n" : "") < 0 ? -ENOMEM : 0);
        ASSERT_OK(kdump_config_parse_string("test.conf", text, &d, &c));
        config_diagnostics_done(&d);
        return c;
}

static char *hooks_log(void) {
        _cleanup_free_ char *p = test_path(test_tmpdir(), "hooks.log");
        if (access(p, F_OK) < 0)
                return strdup("");
        return test_read_file(p);
}

/* The one dump directory under <mnt>/var/crash, or NULL. */
static char *dump_dir(const char *mnt) {
        _cleanup_free_ char *base = test_path(mnt, "var/crash");
        DIR *d = opendir(base);
        char *found = NULL;
        if (!d)
                return NULL;
        for (struct dirent *de; (de = readdir(d));)
                if (strncmp(de->d_name, "127.0.0.1-", 10) == 0) {
                        ASSERT_NULL(found);
                        found = test_path(base, de->d_name);
                }
        closedir(d);
        return found;
}

static Capture capture_for(const KdumpConfig *c, const char *vmcore, const char *mnt) {
        free(fake.log_at_unmount);
        fake = (Fake) {};
        return (Capture) {
                .config = c, .vmcore = vmcore, .mount_dir = mnt, .host = "127.0.0.1", .ops = &fake_ops,
                .root = test_tmpdir(),
        };
}

static char *setup(char **ret_vmcore) {
        log_set_max_level(LOG_EMERG); /* keep the test output readable */
        *ret_vmcore = test_write_file(test_tmpdir(), "proc/vmcore", "ELF-ish fake vmcore\n");
        char *mnt = test_path(test_tmpdir(), "mnt");
        ASSERT_OK(mkdir_p(mnt, 0755));
        return mnt;
}

TEST(success_runs_every_step_and_final_action) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore), *pre = make_hook("pre", 0), *post = make_hook("post", 0),
                            *dird = make_hook("pre.d-hook", 0);
        _cleanup_kdump_config_free_ KdumpConfig *c = config("cp", pre, post, NULL);
        struct stat st;

        /* an executable in <root>/etc/kdump/pre.d runs after kdump_pre */
        _cleanup_free_ char *d = test_path(test_tmpdir(), "etc/kdump/pre.d");
        ASSERT_OK(mkdir_p(d, 0755));
        _cleanup_free_ char *link = test_path(d, "10-hook");
        ASSERT_OK(symlink(dird, link));

        Capture cap = capture_for(c, vmcore, mnt);
        ASSERT_EQ(capture_run(&cap), KDUMP_ACTION_POWEROFF);
        ASSERT_EQ(fake.mounts, 1u);
        ASSERT_EQ(fake.unmounts, 1u);
        ASSERT_EQ(cap.dump_status, 0);

        _cleanup_free_ char *dir = dump_dir(mnt);
        ASSERT_NOT_NULL(dir);
        ASSERT_STREQ(dir, cap.dump_dir);
        ASSERT_OK(stat(dir, &st));
        ASSERT_EQ(st.st_mode & 07777, 0700u);
        _cleanup_free_ char *core = test_path(dir, "vmcore"), *content = test_read_file(core);
        ASSERT_STREQ(content, "ELF-ish fake vmcore\n");
        ASSERT_OK(stat(core, &st));
        ASSERT_EQ(st.st_mode & 07777, 0600u);
        _cleanup_free_ char *incomplete = test_path(dir, "vmcore-incomplete");
        ASSERT_TRUE(access(incomplete, F_OK) < 0);

        _cleanup_free_ char *log = hooks_log();
        ASSERT_STREQ(log, "pre \npre.d-hook \npost 0\n");
        capture_done(&cap);
}

TEST(failed_collector_runs_post_with_status_then_emergency_then_failure_action) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore), *post = make_hook("post", 0),
                            *emergency = make_hook("emergency", 0);
        _cleanup_kdump_config_free_ KdumpConfig *c = config("false", NULL, post, emergency);

        Capture cap = capture_for(c, vmcore, mnt);
        ASSERT_EQ(capture_run(&cap), KDUMP_ACTION_HALT);
        ASSERT_EQ(cap.dump_status, 1);
        _cleanup_free_ char *dir = dump_dir(mnt);
        ASSERT_NOT_NULL(dir);
        _cleanup_free_ char *core = test_path(dir, "vmcore");
        ASSERT_TRUE(access(core, F_OK) < 0);
        _cleanup_free_ char *log = hooks_log();
        ASSERT_STREQ(log, "post 1\nemergency \n");
        ASSERT_EQ(fake.unmounts, 1u);
        /* The emergency hooks ran while the target was still mounted. */
        ASSERT_STREQ(fake.log_at_unmount, "post 1\nemergency \n");
        ASSERT_EQ(cap.failed_step, CAPTURE_DUMP_VMCORE);
        capture_done(&cap);
}

/* A hook that never ends is killed at the hooks' deadline, and the
 * failure path runs as for any failing hook. */
TEST(hanging_pre_hook_is_killed_and_failure_action_runs) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore), *emergency = make_hook("emergency", 0);
        _cleanup_free_ char *pre = test_write_file(test_tmpdir(), "bin/hang", "#!/bin/sh\nexec sleep 600\n");
        ASSERT_OK(chmod(pre, 0755));
        _cleanup_kdump_config_free_ KdumpConfig *c = config("cp", pre, NULL, emergency);

        Capture cap = capture_for(c, vmcore, mnt);
        cap.hook_timeout_sec = 1;
        time_t start = time(NULL);
        ASSERT_EQ(capture_run(&cap), KDUMP_ACTION_HALT);
        ASSERT_LT(time(NULL) - start, 15);
        ASSERT_EQ(cap.failed_step, CAPTURE_PRE_HOOKS);
        _cleanup_free_ char *dir = dump_dir(mnt), *log = hooks_log();
        ASSERT_NULL(dir);
        ASSERT_STREQ(log, "emergency \n");
        capture_done(&cap);
}

/* failure_action dump_to_rootfs: after the target failed, the dump goes to
 * path on the real root. */
TEST(dump_to_rootfs_saves_to_the_roots_path) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore);
        _cleanup_kdump_config_free_ KdumpConfig *c = config("cp", NULL, NULL, NULL);
        _cleanup_free_ char *sysroot = test_path(test_tmpdir(), "sysroot");
        ASSERT_OK(mkdir_p(sysroot, 0755));

        Capture cap = capture_for(c, vmcore, mnt);
        fake.mount_result = -ENODEV;
        ASSERT_EQ(capture_run(&cap), KDUMP_ACTION_HALT);
        cap.mount_dir = sysroot;
        ASSERT_OK(capture_dump_to_rootfs(&cap, "UUID=9a1e5c2e-0000-4000-8000-00000000000f", "ext4", "/var/crash"));
        ASSERT_EQ(fake.root_mounts, 1u);
        ASSERT_EQ(fake.unmounts, 1u);
        _cleanup_free_ char *dir = dump_dir(sysroot);
        ASSERT_NOT_NULL(dir);
        _cleanup_free_ char *core = test_path(dir, "vmcore"), *dmesg_missing = test_path(dir, "vmcore-incomplete");
        ASSERT_TRUE(access(core, F_OK) == 0);
        ASSERT_TRUE(access(dmesg_missing, F_OK) < 0);
        capture_done(&cap);
}

TEST(target_missing_skips_the_dump) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore), *pre = make_hook("pre", 0);
        _cleanup_kdump_config_free_ KdumpConfig *c = config("cp", pre, NULL, NULL);

        Capture cap = capture_for(c, vmcore, mnt);
        fake.mount_result = -ENODEV;
        ASSERT_EQ(capture_run(&cap), KDUMP_ACTION_HALT);
        ASSERT_EQ(fake.unmounts, 0u);
        _cleanup_free_ char *dir = dump_dir(mnt), *log = hooks_log();
        ASSERT_NULL(dir);
        ASSERT_STREQ(log, "");
        capture_done(&cap);
}

TEST(failing_pre_hook_stops_before_the_dump) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore), *pre = make_hook("pre", 3), *post = make_hook("post", 0);
        _cleanup_kdump_config_free_ KdumpConfig *c = config("cp", pre, post, NULL);

        Capture cap = capture_for(c, vmcore, mnt);
        ASSERT_EQ(capture_run(&cap), KDUMP_ACTION_HALT);
        _cleanup_free_ char *dir = dump_dir(mnt), *log = hooks_log();
        ASSERT_NULL(dir);
        ASSERT_STREQ(log, "pre \n");
        ASSERT_EQ(fake.unmounts, 1u);
        capture_done(&cap);
}

TEST(failing_post_hook_turns_success_into_failure_action) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore), *post = make_hook("post", 1);
        _cleanup_kdump_config_free_ KdumpConfig *c = config("cp", NULL, post, NULL);

        Capture cap = capture_for(c, vmcore, mnt);
        ASSERT_EQ(capture_run(&cap), KDUMP_ACTION_HALT);
        _cleanup_free_ char *dir = dump_dir(mnt);
        ASSERT_NOT_NULL(dir);
        _cleanup_free_ char *core = test_path(dir, "vmcore");
        ASSERT_TRUE(access(core, F_OK) == 0); /* the dump itself is kept */
        capture_done(&cap);
}

/* A target that stops taking data: the collector (here one that never
 * writes) is stopped after dump_stall_timeout, long before its deadline,
 * and the failure path runs as for any failed collector. */
TEST(stalled_collector_is_stopped_and_failure_action_runs) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore), *post = make_hook("post", 0),
                            *emergency = make_hook("emergency", 0);
        _cleanup_free_ char *collector = test_write_file(test_tmpdir(), "bin/stalls", "#!/bin/sh\nexec sleep 600\n");
        ASSERT_OK(chmod(collector, 0755));
        _cleanup_kdump_config_free_ KdumpConfig *c = config(collector, NULL, post, emergency);

        Capture cap = capture_for(c, vmcore, mnt);
        cap.dump_stall_timeout_sec = 1;
        uint64_t start = now_usec();
        ASSERT_EQ(capture_run(&cap), KDUMP_ACTION_HALT);
        ASSERT_GE(now_usec() - start, 1000000ULL);
        ASSERT_LT(now_usec() - start, 10 * 1000000ULL);
        ASSERT_EQ(cap.failed_step, CAPTURE_DUMP_VMCORE);
        ASSERT_EQ(cap.dump_status, 1);
        _cleanup_free_ char *log = hooks_log();
        ASSERT_STREQ(log, "post 1\nemergency \n");
        capture_done(&cap);
}

/* mount_root_run_init mounts the real root from PID 1: a mount that never
 * returns is given up at its deadline, and PID 1 goes on to reboot. */
TEST(hanging_root_mount_ends_at_its_deadline) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore);
        _cleanup_kdump_config_free_ KdumpConfig *c = config("cp", NULL, NULL, NULL);

        Capture cap = capture_for(c, vmcore, mnt);
        cap.root_mount_timeout_sec = 1;
        fake.root_mount_hangs = true;
        uint64_t start = now_usec();
        ASSERT_ERROR(capture_mount_root_bounded(&cap, "UUID=9a1e5c2e-0000-4000-8000-00000000000f", "ext4"), ETIME);
        ASSERT_LT(now_usec() - start, 5 * 1000000ULL);
        ASSERT_FALSE(cap.mounted);

        fake.root_mount_hangs = false;
        ASSERT_OK(capture_mount_root_bounded(&cap, "UUID=9a1e5c2e-0000-4000-8000-00000000000f", "ext4"));
        ASSERT_TRUE(cap.mounted);
        capture_done(&cap);
}

/* Without a time of its own, the root gets disk_timeout (60 s when unset)
 * plus the grace. */
TEST(root_mount_deadline_is_disk_timeout_plus_grace) {
        static const struct {
                const char *text;
                long sec;
        } cases[] = {
                { "path /var/crash\ndisk_timeout 1\n", 1 + CAPTURE_ROOT_MOUNT_GRACE_SEC },
                { "path /var/crash\ndisk_timeout 0\n", CAPTURE_ROOT_MOUNT_GRACE_SEC },
                { "path /var/crash\n", 60 + CAPTURE_ROOT_MOUNT_GRACE_SEC },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_kdump_config_free_ KdumpConfig *c = NULL;
                ConfigDiagnostics d = {};
                ASSERT_OK(kdump_config_parse_string("test.conf", cases[i].text, &d, &c));
                config_diagnostics_done(&d);
                Capture cap = { .config = c };
                ASSERT_EQ(capture_root_mount_timeout_sec(&cap), cases[i].sec);
        }
}

/* The trace for the next boot: on the state filesystem, after the dump. */
static void with_trace(Capture *cap, char **ret_store) {
        static char mnt[4096];
        snprintf(mnt, sizeof(mnt), "%s/statefs", test_tmpdir());
        ASSERT_OK(mkdir_p(mnt, 0755));
        cap->trace_spec = "UUID=9a1e5c2e-0000-4000-8000-00000000000f";
        cap->trace_fstype = "ext4";
        cap->trace_store = "/var/lib/kdump/crashes";
        cap->trace_mount_dir = mnt;
        *ret_store = test_path(mnt, "var/lib/kdump/crashes");
}

static CrashRecord trace_read(const char *store) {
        _cleanup_free_ char *id = NULL;
        CrashRecord t = {};
        if (crash_boot_id(&id) < 0)
                SKIP_TEST("no boot ID here");
        ASSERT_OK(crash_trace_read(store, id, &t));
        ASSERT_STREQ(t.trace, id);
        return t;
}

TEST(trace_of_a_dump_on_a_filesystem) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore), *store = NULL, *expect = NULL;
        _cleanup_kdump_config_free_ KdumpConfig *c = config("cp", NULL, NULL, NULL);

        Capture cap = capture_for(c, vmcore, mnt);
        with_trace(&cap, &store);
        ASSERT_EQ(capture_run(&cap), KDUMP_ACTION_POWEROFF);
        ASSERT_EQ(fake.trace_mounts, 1u);
        ASSERT_EQ(fake.trace_unmounts, 1u);
        _cleanup_(crash_record_done) CrashRecord t = trace_read(store);
        ASSERT_EQ(t.dump, CRASH_DUMP_FS);
        _cleanup_free_ char *dir = dump_dir(mnt);
        ASSERT_OK(asprintf(&expect, "UUID=9a1e5c2e-0000-4000-8000-000000000001:/var/crash/%s", strrchr(dir, '/') + 1) < 0
                          ? -ENOMEM : 0);
        ASSERT_STREQ(t.location, expect);
        ASSERT_TRUE(t.complete);
        ASSERT_NULL(t.why);
        capture_done(&cap);
}

/* Finding 11: a capture that failed before its dump directory existed left
 * nothing the next boot could find. */
TEST(trace_of_a_capture_without_a_dump) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore), *store = NULL, *pre = make_hook("pre", 3);
        _cleanup_kdump_config_free_ KdumpConfig *c = config("cp", pre, NULL, NULL);

        Capture cap = capture_for(c, vmcore, mnt);
        with_trace(&cap, &store);
        ASSERT_EQ(capture_run(&cap), KDUMP_ACTION_HALT);
        _cleanup_(crash_record_done) CrashRecord t = trace_read(store);
        ASSERT_EQ(t.dump, CRASH_DUMP_NONE);
        ASSERT_NULL(t.location);
        ASSERT_FALSE(t.complete);
        ASSERT_STREQ(t.why, "dump failed in step pre-hooks");
        capture_done(&cap);
}

/* dump_to_rootfs: one trace, where the dump went and what failed first. */
TEST(trace_after_dump_to_rootfs) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore), *store = NULL;
        _cleanup_kdump_config_free_ KdumpConfig *c = config("cp", NULL, NULL, NULL);
        _cleanup_free_ char *sysroot = test_path(test_tmpdir(), "sysroot");
        ASSERT_OK(mkdir_p(sysroot, 0755));

        Capture cap = capture_for(c, vmcore, mnt);
        with_trace(&cap, &store);
        fake.mount_result = -ENODEV;
        ASSERT_EQ(capture_run(&cap), KDUMP_ACTION_HALT);
        cap.mount_dir = sysroot;
        ASSERT_OK(capture_dump_to_rootfs(&cap, "UUID=9a1e5c2e-0000-4000-8000-00000000000f", "ext4", "/var/crash"));
        ASSERT_EQ(fake.trace_mounts, 2u);
        _cleanup_(crash_record_done) CrashRecord t = trace_read(store);
        ASSERT_EQ(t.dump, CRASH_DUMP_FS);
        const char *want = "UUID=9a1e5c2e-0000-4000-8000-00000000000f:/var/crash/127.0.0.1-";
        ASSERT_TRUE(strncmp(t.location, want, strlen(want)) == 0);
        ASSERT_TRUE(t.complete);
        ASSERT_STREQ(t.why, "dump failed in step wait-target");
        capture_done(&cap);
}

/* The trace never changes how the capture ends. */
TEST(trace_that_cannot_be_written_changes_nothing) {
        _cleanup_free_ char *vmcore = NULL, *mnt = setup(&vmcore), *store = NULL;
        _cleanup_kdump_config_free_ KdumpConfig *c = config("cp", NULL, NULL, NULL);

        Capture cap = capture_for(c, vmcore, mnt);
        with_trace(&cap, &store);
        fake.trace_result = -ENODEV;
        ASSERT_EQ(capture_run(&cap), KDUMP_ACTION_POWEROFF);
        ASSERT_EQ(fake.trace_mounts, 1u);
        ASSERT_EQ(fake.trace_unmounts, 0u);
        ASSERT_TRUE(access(store, F_OK) < 0);
        _cleanup_free_ char *dir = dump_dir(mnt);
        ASSERT_NOT_NULL(dir);
        capture_done(&cap);
}
