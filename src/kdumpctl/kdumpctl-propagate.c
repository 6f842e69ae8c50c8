/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kdumpctl-propagate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "fileio.h"
#include "kdump-config.h"
#include "log.h"
#include "macro.h"
#include "net-target.h"
#include "spawn.h"
#include "strv.h"

/* Runs on the server, reading the public key from stdin: no value from
 * kdump.conf is part of it. Adds the key once. */
static const char remote_install[] =
        "umask 077; mkdir -p ~/.ssh || exit 1; read -r key || exit 1; "
        "grep -qxF -- \"$key\" ~/.ssh/authorized_keys 2>/dev/null || printf '%s\\n' \"$key\" >> ~/.ssh/authorized_keys";

static int create_key(const char *key) {
        char host[256] = "localhost";
        _cleanup_free_ char *comment = NULL, *dir = NULL;

        (void) gethostname(host, sizeof(host) - 1);
        dir = strdup(key);
        if (!dir || asprintf(&comment, "kdump@%s", host) < 0)
                return log_oom();
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = '\0';
                int r = mkdir_p(dir, 0700);
                if (r < 0)
                        return log_error_errno(r, "Failed to create \"%s\": %m", dir);
        }
        char *argv[] = { (char *) "ssh-keygen", (char *) "-q", (char *) "-t", (char *) "ed25519", (char *) "-N",
                         (char *) "", (char *) "-C", comment, (char *) "-f", (char *) key, NULL };
        int r = spawn_and_wait(argv, NULL);
        if (r != 0)
                return log_error_errno(r < 0 ? r : -EIO, "ssh-keygen could not create \"%s\" (exit status %d).", key, r);
        printf("Created kdump's ssh key %s (ed25519, no passphrase, 0600).\n", key);
        return 0;
}

/* ssh-keyscan's lines for host into the file, replacing that host's old
 * lines and keeping the others. */
static int record_host_keys(const char *host) {
        _cleanup_free_ char *old = NULL, *tmpl = NULL, *kept = NULL, *scanned = NULL;
        size_t size = 0;
        int r;

        if (asprintf(&tmpl, "/run/kdumpctl-keyscan.XXXXXX") < 0)
                return log_oom();
        _cleanup_close_ int fd = mkostemp(tmpl, O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(-errno, "Failed to create a temporary file: %m");
        (void) unlink(tmpl);
        char *argv[] = { (char *) "ssh-keyscan", (char *) "-T", (char *) "10", (char *) "--", (char *) host, NULL };
        r = spawn_and_wait_io(argv, NULL, -1, fd);
        if (r < 0)
                return log_error_errno(r, "Failed to run ssh-keyscan: %m");
        if (lseek(fd, 0, SEEK_SET) < 0)
                return log_error_errno(-errno, "Failed to read the scanned keys: %m");
        int copy = dup(fd);
        if (copy < 0)
                return log_error_errno(-errno, "Failed to read the scanned keys: %m");
        FILE *f = fdopen(copy, "re");
        if (!f) {
                close(copy);
                return log_oom();
        }
        char line[8192];
        FILE *out = open_memstream(&scanned, &size);
        unsigned n = 0;
        while (out && fgets(line, sizeof(line), f))
                if (line[0] != '#') {
                        fputs(line, out);
                        n++;
                }
        fclose(f);
        if (!out || fclose(out) != 0)
                return log_oom();
        if (n == 0)
                return log_error_errno(-EHOSTUNREACH, "ssh-keyscan got no host key from \"%s\".", host);

        /* Keep what the file says about other servers. */
        size = 0;
        out = open_memstream(&kept, &size);
        if (!out)
                return log_oom();
        if (read_text_file(KDUMP_SSH_KNOWN_HOSTS, &old) >= 0) {
                char *save = NULL;
                for (char *l = strtok_r(old, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                        size_t hl = strcspn(l, " \t");
                        if (hl == strlen(host) && strncmp(l, host, hl) == 0)
                                continue;
                        fprintf(out, "%s\n", l);
                }
        }
        fputs(scanned, out);
        if (fclose(out) != 0)
                return log_oom();
        r = mkdir_p("/etc/kdump", 0755);
        if (r >= 0)
                r = write_file_atomic(KDUMP_SSH_KNOWN_HOSTS, kept, strlen(kept), 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", KDUMP_SSH_KNOWN_HOSTS);
        printf("Recorded %u host key%s of %s in %s:\n", n, n == 1 ? "" : "s", host, KDUMP_SSH_KNOWN_HOSTS);
        char *fp[] = { (char *) "ssh-keygen", (char *) "-l", (char *) "-f", (char *) KDUMP_SSH_KNOWN_HOSTS, NULL };
        (void) spawn_and_wait(fp, NULL);
        return 0;
}

int propagate_ssh_key(const KdumpConfig *c) {
        _cleanup_free_ char *pub = NULL, *host = NULL;
        const char *key = kdump_config_sshkey(c), *dest = kdump_config_target_location(c);
        int r;

        if (kdump_config_target_type(c) != DUMP_TARGET_SSH) {
                log_error("%s has no ssh target; \"propagate\" is for \"ssh user@host\" targets.", kdump_config_source(c));
                return EX_USAGE;
        }
        if (net_target_host(DUMP_TARGET_SSH, dest, &host) < 0 || asprintf(&pub, "%s.pub", key) < 0)
                return EX_SOFTWARE;

        if (access(key, F_OK) < 0) {
                if (create_key(key) < 0)
                        return EX_CANTCREAT;
        } else
                printf("Using kdump's ssh key %s.\n", key);
        if (access(pub, R_OK) < 0) {
                log_error("\"%s\" exists but \"%s\" does not; remove the key or restore its public half.", key, pub);
                return EX_NOINPUT;
        }
        (void) chmod(key, 0600);

        r = record_host_keys(host);
        if (r < 0)
                return EX_UNAVAILABLE;

        /* The admin's own login (key, agent or password; the admin's
         * known_hosts vouches for the server) installs kdump's key. */
        _cleanup_close_ int fd = open(pub, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                log_error_errno(-errno, "Failed to open \"%s\": %m", pub);
                return EX_NOINPUT;
        }
        char *install[] = { (char *) "ssh", (char *) "--", (char *) dest, (char *) remote_install, NULL };
        r = spawn_and_wait_io(install, NULL, fd, -1);
        if (r != 0) {
                log_error("Installing the key on %s failed (ssh exit status %d); log in once as the admin would, then try again.",
                          dest, r);
                return EX_UNAVAILABLE;
        }
        printf("Installed %s in %s's ~/.ssh/authorized_keys.\n", pub, dest);

        /* What the capture kernel will do: kdump's key alone, the recorded
         * host keys alone, no questions. */
        _cleanup_free_ char *known = NULL;
        if (asprintf(&known, "UserKnownHostsFile=%s", KDUMP_SSH_KNOWN_HOSTS) < 0)
                return EX_OSERR;
        char *verify[] = { (char *) "ssh", (char *) "-i", (char *) key, (char *) "-o", (char *) "IdentitiesOnly=yes",
                           (char *) "-o", (char *) "BatchMode=yes", (char *) "-o", known, (char *) "-o",
                           (char *) "GlobalKnownHostsFile=/dev/null", (char *) "-o", (char *) "StrictHostKeyChecking=yes",
                           (char *) "--", (char *) dest, (char *) "true", NULL };
        r = spawn_and_wait(verify, NULL);
        if (r != 0) {
                log_error("Logging in to %s with %s failed (ssh exit status %d).", dest, key, r);
                return EX_UNAVAILABLE;
        }
        printf("Logged in to %s with kdump's key and the recorded host keys: the ssh target is ready.\n"
               "kdumpd builds a new capture image on its next start or reload (\"systemctl reload kdump\").\n",
               dest);
        return EX_OK;
}

int verb_propagate(int argc, char *argv[]) {
        _cleanup_kdump_config_free_ KdumpConfig *config = NULL;
        ConfigDiagnostics diag = {};
        int r = kdump_config_parse_file(KDUMP_CONFIG_PATH, &diag, &config);

        config_diagnostics_print(&diag, stderr);
        config_diagnostics_done(&diag);
        if (r < 0) {
                log_error_errno(r, "Cannot use %s: %m", KDUMP_CONFIG_PATH);
                return EX_CONFIG;
        }
        return propagate_ssh_key(config);
}
