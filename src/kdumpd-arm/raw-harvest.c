/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "raw-harvest.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "block-device.h"
#include "block-identity.h"
#include "deadline.h"
#include "dump-writer.h"
#include "fileio.h"
#include "initramfs-build.h"
#include "log.h"
#include "macro.h"

/* Dumps restored from a raw target are named as local ones are. */
#define RAW_HARVEST_HOST "127.0.0.1"

const char *raw_stream_to_string(RawStream s) {
        static const char *const names[_RAW_STREAM_MAX] = {
                [RAW_STREAM_NONE] = "none",
                [RAW_STREAM_FLATTENED] = "flattened",
                [RAW_STREAM_HARVESTED] = "harvested",
        };
        return s >= 0 && s < _RAW_STREAM_MAX ? names[s] : NULL;
}

static int64_t be64_at(const unsigned char *p) {
        uint64_t v;
        memcpy(&v, p, sizeof(v));
        return (int64_t) be64toh(v);
}

RawStream raw_stream_detect(const void *buf, size_t size) {
        const unsigned char *h = buf;
        char sig[RAW_STREAM_SIGNATURE_SIZE] = {};

        if (!buf || size < RAW_STREAM_HEADER_SIZE)
                return RAW_STREAM_NONE;
        /* The type must still say "flattened": whatever else starts with
         * the same bytes is not ours to restore or to overwrite. */
        if (be64_at(h + RAW_STREAM_SIGNATURE_SIZE) != RAW_STREAM_TYPE_FLAT)
                return RAW_STREAM_NONE;
        memcpy(sig, RAW_STREAM_SIGNATURE, strlen(RAW_STREAM_SIGNATURE));
        if (memcmp(h, sig, sizeof(sig)) == 0)
                return RAW_STREAM_FLATTENED;
        if (memcmp(h, RAW_STREAM_HARVESTED_SIGNATURE, RAW_STREAM_SIGNATURE_SIZE) == 0)
                return RAW_STREAM_HARVESTED;
        return RAW_STREAM_NONE;
}

/* The device's first size bytes, or fewer at its end: how many were read. */
static ssize_t read_head(int fd, void *buf, size_t size) {
        size_t have = 0;

        while (have < size) {
                ssize_t n = pread(fd, (char *) buf + have, size - have, (off_t) have);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (n == 0)
                        break;
                have += (size_t) n;
        }
        return (ssize_t) have;
}

int raw_stream_read(int fd) {
        unsigned char buf[RAW_STREAM_HEADER_SIZE];

        assert_return(fd >= 0, -EINVAL);
        ssize_t have = read_head(fd, buf, sizeof(buf));
        if (have < 0)
                return (int) have;
        return raw_stream_detect(buf, (size_t) have);
}

/* Overwrites the signature of the stream on device, after checking that
 * it is still the one that was restored. */
static int raw_stream_mark_harvested(const char *device) {
        struct stat st;
        int flags = O_RDWR | O_NOCTTY | O_CLOEXEC, r;

        /* O_EXCL on a block device: not while anything has it mounted. */
        if (stat(device, &st) >= 0 && S_ISBLK(st.st_mode))
                flags |= O_EXCL;
        _cleanup_close_ int fd = open(device, flags);
        if (fd < 0)
                return negative_errno();
        r = raw_stream_read(fd);
        if (r < 0)
                return r;
        if (r != RAW_STREAM_FLATTENED)
                return -ESTALE;
        if (pwrite(fd, RAW_STREAM_HARVESTED_SIGNATURE, RAW_STREAM_SIGNATURE_SIZE, 0) != RAW_STREAM_SIGNATURE_SIZE)
                return errno > 0 ? -errno : -EIO;
        if (fsync(fd) < 0)
                return negative_errno();
        return 0;
}

/* A restore that failed leaves no trace but the log: the stream stays on
 * the device for the next try. */
static void dump_dir_remove(const char *dir) {
        const char *names[] = { "vmcore-incomplete", "vmcore", "vmcore-dmesg-incomplete.txt", "vmcore-dmesg.txt" };
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "%s/%s", dir, names[i]) >= 0)
                        (void) unlink(p);
        }
        if (rmdir(dir) < 0)
                log_warning_errno(-errno, "Cannot remove \"%s\" after the failed restore: %m", dir);
}

/* "DEVICE\tSHA256\n" of the stream on fd: what a failed restore leaves in
 * the state directory. */
static int raw_stream_identity(int fd, const char *device, char **ret) {
        _cleanup_free_ unsigned char *buf = malloc(RAW_STREAM_IDENTITY_SIZE);
        unsigned char digest[32];
        char hex[2 * sizeof(digest) + 1];

        if (!buf)
                return -ENOMEM;
        ssize_t have = read_head(fd, buf, RAW_STREAM_IDENTITY_SIZE);
        if (have < 0)
                return (int) have;
        if (!gcry_check_version(NULL))
                return -EIO;
        gcry_md_hash_buffer(GCRY_MD_SHA256, digest, buf, (size_t) have);
        for (size_t i = 0; i < sizeof(digest); i++)
                snprintf(hex + 2 * i, 3, "%02x", digest[i]);
        return asprintf(ret, "%s\t%s\n", device, hex) < 0 ? -ENOMEM : 0;
}

static bool raw_stream_failed_before(const char *failed_path, const char *identity) {
        _cleanup_free_ char *text = NULL;
        return failed_path && identity && read_full_file(failed_path, &text, NULL) >= 0 && streq_ptr(text, identity);
}

static const char *exit_text(int r, char *buf, size_t size) {
        if (r == -ETIME)
                snprintf(buf, size, "it did not finish in time and was killed");
        else if (r < 0)
                snprintf(buf, size, "%s", strerror(-r));
        else if (r >= 128)
                snprintf(buf, size, "killed by signal %d", r - 128);
        else
                snprintf(buf, size, "exit status %d", r);
        return buf;
}

/* Which failures are remembered: makedumpfile's own only (it exits 1 on a
 * stream it cannot read, or a target it cannot write). A restore that
 * overran its deadline may be a valid dump on a slow disk; a makedumpfile
 * killed by a signal was interrupted (kdump stopped or restarted: the
 * worker's process group gets SIGINT); a -errno is ours (fork, pipe): none
 * says anything about the stream, which is tried again on the next start. */
static bool restore_failure_is_the_streams(int r) {
        return r > 0 && r < 128;
}

int raw_harvest_device(const char *device, const char *base, const char *host, time_t now, uint64_t deadline_usec,
                       const char *failed_path, char **ret_dir) {
        _cleanup_free_ char *dir = NULL, *vmcore = NULL, *identity = NULL;
        char why[96];
        int r;

        assert_return(device && base && host, -EINVAL);

        _cleanup_close_ int fd = open(device, O_RDONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(-errno, "Cannot open raw dump target \"%s\" to look for a dump: %m", device);
        r = raw_stream_read(fd);
        if (r < 0)
                return log_error_errno(r, "Cannot read raw dump target \"%s\": %m", device);
        if (r == RAW_STREAM_NONE) {
                log_info("No dump on raw dump target \"%s\".", device);
                return r;
        }
        if (r == RAW_STREAM_HARVESTED) {
                log_info("The dump on raw dump target \"%s\" was restored before; nothing new.", device);
                return r;
        }

        if (failed_path) {
                r = raw_stream_identity(fd, device, &identity);
                if (r < 0)
                        log_warning_errno(r, "Cannot fingerprint the dump on raw dump target \"%s\"; a failed restore "
                                          "of it would be tried again on every start: %m", device);
        }
        if (raw_stream_failed_before(failed_path, identity)) {
                log_warning("The dump on raw dump target \"%s\" could not be restored before (see the journal of "
                            "that start) and is not tried again. To try again: remove \"%s\" and restart kdump, or "
                            "run \"makedumpfile -R DIR/vmcore < %s\" yourself; to discard it, overwrite the device's "
                            "first 4096 bytes.",
                            device, failed_path, device);
                return -EALREADY;
        }

        r = dump_dir_create(base, host, now, &dir);
        if (r < 0)
                return log_error_errno(r, "Cannot create a dump directory in \"%s\" for the dump on \"%s\": %m; it "
                                       "stays on the device.",
                                       base, device);
        log_notice("Found a dump on raw dump target \"%s\"; restoring it into \"%s\".", device, dir);
        if (lseek(fd, 0, SEEK_SET) < 0)
                r = negative_errno();
        else
                r = dump_restore_vmcore(fd, dir, deadline_usec);
        if (r != 0) {
                bool remembered = identity && restore_failure_is_the_streams(r);
                dump_dir_remove(dir);
                if (remembered) {
                        int q = write_file_atomic(failed_path, identity, strlen(identity), 0600);
                        if (q < 0)
                                log_warning_errno(q, "Cannot write \"%s\"; the restore is tried again on the next "
                                                  "start: %m", failed_path);
                }
                return log_error_errno(r > 0 ? -EPROTO : r,
                                       "Restoring the dump on raw dump target \"%s\" with makedumpfile -R failed (%s). "
                                       "It stays on the device%s; to discard it, overwrite the device's first 4096 "
                                       "bytes.",
                                       device, exit_text(r, why, sizeof(why)),
                                       remembered ? " and is not tried again until it is replaced by a new dump or \""
                                                  RAW_RESTORE_FAILED_FILE "\" is removed from the state directory"
                                                : " and is tried again when kdumpd starts next");
        }
        if (failed_path)
                (void) unlink(failed_path);

        /* Only a vmcore that is whole and synced ends the stream's life. */
        r = raw_stream_mark_harvested(device);
        if (r < 0)
                log_error_errno(r, "Restored the dump into \"%s\", but could not mark it restored on \"%s\": %m; it will "
                                "be restored again when kdumpd starts next.",
                                dir, device);

        if (asprintf(&vmcore, "%s/vmcore", dir) < 0)
                return log_oom();
        int q = dump_save_dmesg(vmcore, dir, deadline_usec);
        if (q != 0) {
                _cleanup_free_ char *partial = NULL;
                if (asprintf(&partial, "%s/vmcore-dmesg-incomplete.txt", dir) >= 0)
                        (void) unlink(partial);
                log_warning("Could not extract vmcore-dmesg.txt from \"%s\" (%s).", vmcore, exit_text(q, why, sizeof(why)));
        }

        log_notice("Restored the dump from raw dump target \"%s\" into \"%s\"%s.", device, dir,
                   q == 0 ? ", with vmcore-dmesg.txt" : "");
        if (ret_dir)
                *ret_dir = TAKE_PTR(dir);
        return RAW_STREAM_FLATTENED;
}

/* The configuration baked into the image loaded before this boot, when
 * it has a raw target: it names the device as that image's capture found
 * it, by identity and size, whatever names the disks have now. */
static KdumpConfig *loaded_config_read(const char *state_dir) {
        _cleanup_free_ char *path = NULL;
        KdumpConfig *loaded = NULL;

        if (!state_dir || asprintf(&path, "%s/" KDUMP_LOADED_CONFIG_FILE, state_dir) < 0)
                return NULL;
        if (kdump_config_parse_file(path, NULL, &loaded) < 0)
                return NULL;
        if (kdump_config_target_type(loaded) != DUMP_TARGET_RAW)
                return kdump_config_free(loaded);
        return loaded;
}

/* The capture wrote only to a device of the size baked into its image. */
static int raw_device_size_check(const char *dev, uint64_t want) {
        _cleanup_close_ int fd = -EBADF;
        uint64_t size;
        int r;

        if (want == 0)
                return 0;
        fd = open(dev, O_RDONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        r = block_device_size(fd, &size);
        if (r < 0)
                return r;
        return size == want ? 0 : -EMEDIUMTYPE;
}

void raw_harvest(const KdumpConfig *config, const char *state_dir, char **ret_dir) {
        _cleanup_kdump_config_free_ KdumpConfig *loaded = NULL;
        _cleanup_free_ char *dev = NULL, *failed = NULL;
        const KdumpConfig *by;
        const char *spec;
        int r;

        if (!config || kdump_config_target_type(config) != DUMP_TARGET_RAW)
                return;
        /* Without a record (an image loaded by an older kdumpd), as
         * kdump.conf names the device now. */
        loaded = loaded_config_read(state_dir);
        by = loaded ? loaded : config;
        spec = kdump_config_target_location(by);
        r = block_device_find(spec, &dev);
        if (r < 0) {
                log_warning_errno(r, "Raw dump target \"%s\" is not there now (%m); cannot look for a dump on it.", spec);
                return;
        }
        r = raw_device_size_check(dev, kdump_config_raw_size(by));
        if (r == -EMEDIUMTYPE) {
                log_warning("Raw dump target \"%s\" is \"%s\", which does not have the %" PRIu64 " bytes the capture "
                            "image was built for: it is another disk; not looking for a dump on it.",
                            spec, dev, kdump_config_raw_size(by));
                return;
        }
        if (r < 0) {
                log_warning_errno(r, "Cannot read the size of raw dump target \"%s\" (\"%s\"): %m; not looking for a "
                                  "dump on it.", spec, dev);
                return;
        }
        if (strcmp(spec, dev) != 0)
                log_info("Raw dump target \"%s\" is \"%s\" now.", spec, dev);
        (void) sd_notifyf(false, "STATUS=Looking for a dump on raw dump target %s…", dev);
        if (state_dir && asprintf(&failed, "%s/" RAW_RESTORE_FAILED_FILE, state_dir) < 0)
                failed = NULL;
        (void) raw_harvest_device(dev, kdump_config_path(config), RAW_HARVEST_HOST, time(NULL),
                                  deadline_after_sec(RAW_HARVEST_TIMEOUT_SEC), failed, ret_dir);
}
