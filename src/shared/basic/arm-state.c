/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "arm-state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env-path.h"
#include "fileio.h"
#include "macro.h"
#include "parse-util.h"

static const char *const phase_names[_ARM_PHASE_MAX] = {
        [ARM_PHASE_STARTING] = "starting",
        [ARM_PHASE_BUILDING] = "building",
        [ARM_PHASE_ARMED] = "armed",
        [ARM_PHASE_FAILED] = "failed",
        [ARM_PHASE_WAITING] = "waiting",
};

const char *arm_phase_to_string(ArmPhase p) {
        return p >= 0 && p < _ARM_PHASE_MAX ? phase_names[p] : NULL;
}

ArmPhase arm_phase_from_string(const char *s) {
        for (int i = 0; s && i < _ARM_PHASE_MAX; i++)
                if (strcmp(s, phase_names[i]) == 0)
                        return i;
        return _ARM_PHASE_INVALID;
}

const char *arm_state_path(void) {
        return env_path("KDUMPD_STATE_FILE", ARM_STATE_PATH);
}

void arm_state_done(ArmState *s) {
        free(s->reason);
        free(s->stale);
        free(s->kver);
        free(s->initrd);
        *s = (ArmState) {};
}

/* Values are single lines: a reason with a newline is cut there. */
static void put_string(FILE *f, const char *key, const char *value) {
        if (value)
                fprintf(f, "%s=%.*s\n", key, (int) strcspn(value, "\n"), value);
}

int arm_state_write(const char *path, const ArmState *s) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f;

        if (!arm_phase_to_string(s->phase))
                return -EINVAL;
        f = open_memstream(&text, &size);
        if (!f)
                return -ENOMEM;
        fprintf(f, "GENERATION=%" PRIu64 "\nPHASE=%s\nARMED=%d\nPID=%" PRIu64 "\n", s->generation,
                arm_phase_to_string(s->phase), s->armed, s->pid);
        put_string(f, "REASON", s->reason);
        put_string(f, "STALE", s->stale);
        put_string(f, "KVER", s->kver);
        put_string(f, "INITRD", s->initrd);
        fprintf(f, "IMAGE_SIZE=%" PRIu64 "\nBUILD_USEC=%" PRIu64 "\nARMED_AT=%" PRIu64 "\n", s->image_size,
                s->build_usec, s->armed_at);
        if (fclose(f) != 0)
                return -ENOMEM;
        return write_file_atomic(path, text, size, 0644);
}

static int set_string(char **field, const char *v) {
        char *c = strdup(v);
        if (!c)
                return -ENOMEM;
        free(*field);
        *field = c;
        return 0;
}

int arm_state_read(const char *path, ArmState *ret) {
        _cleanup_free_ char *text = NULL;
        _cleanup_(arm_state_done) ArmState s = { .phase = _ARM_PHASE_INVALID };
        uint64_t armed = 0;
        int r = read_full_file(path, &text, NULL);

        if (r < 0)
                return r;
        for (char *line = text, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                char *eq = strchr(line, '=');
                if (!eq)
                        return -EBADMSG;
                *eq = 0;
                const char *k = line, *v = eq + 1;
                if (strcmp(k, "GENERATION") == 0)
                        r = safe_atou64(v, &s.generation);
                else if (strcmp(k, "PHASE") == 0)
                        r = (s.phase = arm_phase_from_string(v)) < 0 ? -EBADMSG : 0;
                else if (strcmp(k, "ARMED") == 0)
                        r = safe_atou64(v, &armed);
                else if (strcmp(k, "PID") == 0)
                        r = safe_atou64(v, &s.pid);
                else if (strcmp(k, "REASON") == 0)
                        r = set_string(&s.reason, v);
                else if (strcmp(k, "STALE") == 0)
                        r = set_string(&s.stale, v);
                else if (strcmp(k, "KVER") == 0)
                        r = set_string(&s.kver, v);
                else if (strcmp(k, "INITRD") == 0)
                        r = set_string(&s.initrd, v);
                else if (strcmp(k, "IMAGE_SIZE") == 0)
                        r = safe_atou64(v, &s.image_size);
                else if (strcmp(k, "BUILD_USEC") == 0)
                        r = safe_atou64(v, &s.build_usec);
                else if (strcmp(k, "ARMED_AT") == 0)
                        r = safe_atou64(v, &s.armed_at);
                else
                        r = 0; /* a newer kdumpd's key */
                if (r < 0)
                        return r;
        }
        if (s.phase < 0)
                return -EBADMSG;
        s.armed = armed != 0;
        *ret = s;
        s = (ArmState) {};
        return 0;
}
