/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/basic/arm-state.h: kdumpd's report in /run/kdump/state, which
 * kdumpctl reads to wait for a reload or rebuild and to show status. What
 * one writes the other must read back; a file it cannot parse is refused
 * as a whole, and keys of a newer kdumpd are skipped. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arm-state.h"
#include "tests.h"

static char *state_file(const char *content) {
        return test_write_file(test_tmpdir(), "state", content);
}

TEST(phase_names_round_trip) {
        for (int p = 0; p < _ARM_PHASE_MAX; p++)
                ASSERT_EQ(arm_phase_from_string(arm_phase_to_string(p)), p);
        ASSERT_STREQ(arm_phase_to_string(ARM_PHASE_ARMED), "armed");
        ASSERT_STREQ(arm_phase_to_string(ARM_PHASE_FAILED), "failed");
        ASSERT_NULL(arm_phase_to_string(_ARM_PHASE_MAX));
        ASSERT_NULL(arm_phase_to_string(_ARM_PHASE_INVALID));
        ASSERT_EQ(arm_phase_from_string("Armed"), _ARM_PHASE_INVALID);
        ASSERT_EQ(arm_phase_from_string(NULL), _ARM_PHASE_INVALID);
}

/* $KDUMPD_STATE_FILE moves it for a test (env-path.h), as an absolute path only. */
TEST(state_path_from_environment) {
        ASSERT_OK(unsetenv("KDUMPD_STATE_FILE"));
        ASSERT_STREQ(arm_state_path(), ARM_STATE_PATH);
        ASSERT_OK(setenv("KDUMPD_STATE_FILE", "run/state", 1));
        ASSERT_STREQ(arm_state_path(), ARM_STATE_PATH);
        ASSERT_OK(setenv("KDUMPD_STATE_FILE", "", 1));
        ASSERT_STREQ(arm_state_path(), ARM_STATE_PATH);
        ASSERT_OK(setenv("KDUMPD_STATE_FILE", "/tmp/soak/run/state", 1));
        ASSERT_STREQ(arm_state_path(), "/tmp/soak/run/state");
        ASSERT_OK(unsetenv("KDUMPD_STATE_FILE"));
}

TEST(write_read_round_trip) {
        _cleanup_free_ char *path = test_path(test_tmpdir(), "state");
        ArmState in = {
                .generation = 7,
                .phase = ARM_PHASE_ARMED,
                .armed = true,
                .pid = 4242,
                .reason = (char *) "dracut failed (exit status 1)",
                .kver = (char *) "6.1.0-18-amd64",
                .initrd = (char *) "/var/lib/kdump/initramfs-6.1.0-18-amd64.img",
                .image_size = UINT64_C(25165824),
                .build_usec = UINT64_C(35200000),
                .armed_at = UINT64_C(1795448869000000),
        };
        _cleanup_(arm_state_done) ArmState out = {};
        struct stat st;

        ASSERT_OK(arm_state_write(path, &in));
        ASSERT_OK(stat(path, &st));
        ASSERT_EQ(st.st_mode & 07777, 0644);
        ASSERT_OK(arm_state_read(path, &out));
        ASSERT_EQ_U64(out.generation, 7);
        ASSERT_EQ(out.phase, ARM_PHASE_ARMED);
        ASSERT_TRUE(out.armed);
        ASSERT_EQ_U64(out.pid, 4242);
        ASSERT_STREQ(out.reason, in.reason);
        ASSERT_STREQ(out.kver, in.kver);
        ASSERT_STREQ(out.initrd, in.initrd);
        ASSERT_EQ_U64(out.image_size, in.image_size);
        ASSERT_EQ_U64(out.build_usec, in.build_usec);
        ASSERT_EQ_U64(out.armed_at, in.armed_at);
}

/* A first attempt that failed: nothing loaded, no strings but the reason;
 * the absent strings come back NULL, not empty. */
TEST(write_read_minimal) {
        _cleanup_free_ char *path = test_path(test_tmpdir(), "state");
        ArmState in = { .generation = 1, .phase = ARM_PHASE_FAILED, .reason = (char *) "no crash memory" };
        _cleanup_(arm_state_done) ArmState out = {};

        ASSERT_OK(arm_state_write(path, &in));
        ASSERT_OK(arm_state_read(path, &out));
        ASSERT_EQ(out.phase, ARM_PHASE_FAILED);
        ASSERT_FALSE(out.armed);
        ASSERT_STREQ(out.reason, "no crash memory");
        ASSERT_NULL(out.kver);
        ASSERT_NULL(out.initrd);
        ASSERT_EQ_U64(out.image_size, 0);
}

/* Rewriting replaces the file whole: the generation moves, the old reason
 * is gone. */
TEST(write_replaces) {
        _cleanup_free_ char *path = test_path(test_tmpdir(), "state");
        ArmState first = { .generation = 1, .phase = ARM_PHASE_FAILED, .reason = (char *) "first" };
        ArmState second = { .generation = 2, .phase = ARM_PHASE_ARMED, .armed = true };
        _cleanup_(arm_state_done) ArmState out = {};

        ASSERT_OK(arm_state_write(path, &first));
        ASSERT_OK(arm_state_write(path, &second));
        ASSERT_OK(arm_state_read(path, &out));
        ASSERT_EQ_U64(out.generation, 2);
        ASSERT_EQ(out.phase, ARM_PHASE_ARMED);
        ASSERT_NULL(out.reason);
}

/* One value, one line: dracut's multi-line complaint would otherwise
 * inject "PHASE=armed" into the file. */
TEST(reason_with_newline_is_cut) {
        _cleanup_free_ char *path = test_path(test_tmpdir(), "state");
        ArmState in = { .generation = 3, .phase = ARM_PHASE_FAILED,
                        .reason = (char *) "dracut failed\nPHASE=armed\nARMED=1" };
        _cleanup_(arm_state_done) ArmState out = {};
        _cleanup_free_ char *text = NULL;

        ASSERT_OK(arm_state_write(path, &in));
        text = test_read_file(path);
        ASSERT_CONTAINS(text, "REASON=dracut failed\n");
        ASSERT_NOT_CONTAINS(text, "PHASE=armed");
        ASSERT_OK(arm_state_read(path, &out));
        ASSERT_STREQ(out.reason, "dracut failed");
        ASSERT_EQ(out.phase, ARM_PHASE_FAILED);
        ASSERT_FALSE(out.armed);
}

TEST(write_refuses_invalid_phase) {
        _cleanup_free_ char *path = test_path(test_tmpdir(), "state");
        ArmState in = { .phase = _ARM_PHASE_MAX };

        ASSERT_ERROR(arm_state_write(path, &in), EINVAL);
        ASSERT_TRUE(access(path, F_OK) < 0 && errno == ENOENT);
}

TEST(read_missing_file) {
        _cleanup_free_ char *path = test_path(test_tmpdir(), "state");
        ArmState out = {};

        ASSERT_ERROR(arm_state_read(path, &out), ENOENT);
}

/* A newer kdumpd's keys are skipped; what this one knows is read. */
TEST(read_skips_unknown_keys) {
        _cleanup_free_ char *path = state_file("GENERATION=5\nPHASE=building\nFUTURE_KEY=whatever\nARMED=1\n"
                                               "PID=10\nKVER=6.1.0\nX=\n");
        _cleanup_(arm_state_done) ArmState out = {};

        ASSERT_OK(arm_state_read(path, &out));
        ASSERT_EQ_U64(out.generation, 5);
        ASSERT_EQ(out.phase, ARM_PHASE_BUILDING);
        ASSERT_TRUE(out.armed);
        ASSERT_EQ_U64(out.pid, 10);
        ASSERT_STREQ(out.kver, "6.1.0");
}

/* The last line may lack its newline (a hand-written file). */
TEST(read_without_final_newline) {
        _cleanup_free_ char *path = state_file("GENERATION=2\nPHASE=armed");
        _cleanup_(arm_state_done) ArmState out = {};

        ASSERT_OK(arm_state_read(path, &out));
        ASSERT_EQ(out.phase, ARM_PHASE_ARMED);
}

/* Anything else it cannot parse refuses the whole file, and leaves the
 * caller's state untouched. */
TEST(read_garbage_is_ebadmsg) {
        static const char *const bad[] = {
                "garbage\n",
                "GENERATION=1\nPHASE=armed\nthis line has no equals sign\n",
                "GENERATION=1\n\nPHASE=armed\n",   /* an empty line */
                "GENERATION=abc\nPHASE=armed\n",
                "GENERATION=-1\nPHASE=armed\n",
                "GENERATION=12x\nPHASE=armed\n",
                "GENERATION=\nPHASE=armed\n",
                "GENERATION=99999999999999999999999\nPHASE=armed\n",
                "GENERATION=1\nPHASE=sleeping\n",
                "GENERATION=1\nARMED=1\n",         /* no phase at all */
                "GENERATION=1\nPHASE=armed\nPID=1.5\n",
                "GENERATION=1\nPHASE=armed\nIMAGE_SIZE=0x10\n",
                "",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *path = state_file(bad[i]);
                ArmState out = { .generation = 77 };
                test_set_context("input \"%s\"", bad[i]);
                ASSERT_ERROR(arm_state_read(path, &out), EBADMSG);
                ASSERT_EQ_U64(out.generation, 77);
                ASSERT_NULL(out.reason);
        }
        test_set_context(NULL);
}
