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

/* A command's standard output as text (its standard error goes where
 * ours does). Returns its exit status, or -errno. */
static int command_output(char * const *argv, char **ret) {
        _cleanup_free_ char *tmpl = strdup("/run/kdumpctl-out.XXXXXX");
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (!tmpl)
                return -ENOMEM;
        fd = mkostemp(tmpl, O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        (void) unlink(tmpl);
        r = spawn_and_wait_io(argv, NULL, -1, fd);
        if (r < 0)
                return r;
        if (lseek(fd, 0, SEEK_SET) < 0)
                return negative_errno();
        _cleanup_fclose_ FILE *f = fdopen(TAKE_FD(fd), "re");
        if (!f)
                return negative_errno();
        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        if (!out)
                return -ENOMEM;
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                fwrite(buf, 1, n, out);
        if (fclose(out) != 0) {
                free(text);
                return -ENOMEM;
        }
        *ret = text;
        return r;
}

/* "TYPE KEY" of a known_hosts line ("HOSTS TYPE KEY [COMMENT]"), into buf;
 * false for comments, markers (@revoked, @cert-authority) and junk. */
static bool line_key(const char *line, char *buf, size_t size) {
        char hosts[1024], type[128], key[8192];

        line += strspn(line, " \t");
        if (*line == '#' || *line == '@' || sscanf(line, "%1023s %127s %8191s", hosts, type, key) != 3)
                return false;
        return snprintf(buf, size, "%s %s", type, key) < (int) size;
}

int known_hosts_vouched(const char *scanned, const char *trusted, char **ret) {
        _cleanup_free_ char *scan = NULL, *trust = NULL, *text = NULL;
        _cleanup_strv_free_ char **keys = NULL;
        char *save = NULL, buf[8400];
        size_t size = 0;
        unsigned n = 0;

        assert_return(scanned && trusted && ret, -EINVAL);
        trust = strdup(trusted);
        scan = strdup(scanned);
        if (!trust || !scan)
                return -ENOMEM;
        for (char *l = strtok_r(trust, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                if (line_key(l, buf, sizeof(buf)) && strv_extend(&keys, buf) < 0)
                        return -ENOMEM;
        FILE *out = open_memstream(&text, &size);
        if (!out)
                return -ENOMEM;
        for (char *l = strtok_r(scan, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                if (line_key(l, buf, sizeof(buf)) && strv_contains(keys, buf)) {
                        fprintf(out, "%s\n", l);
                        n++;
                }
        if (fclose(out) != 0)
                return -ENOMEM;
        if (n == 0)
                return -ENOENT;
        *ret = TAKE_PTR(text);
        return (int) n;
}

/* The admin's trusted keys for host: what ssh-keygen -F finds in the
 * known_hosts files the admin's ssh uses for dest (ssh -G says which). */
static int admin_trusted_keys(const char *dest, const char *host, char **ret) {
        _cleanup_free_ char *config = NULL, *all = NULL;
        _cleanup_strv_free_ char **files = NULL;
        char *save = NULL;
        char *g[] = { (char *) "ssh", (char *) "-G", (char *) "--", (char *) dest, NULL };
        int r;

        r = command_output(g, &config);
        if (r < 0)
                return r;
        for (char *l = strtok_r(config, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                if (strncmp(l, "userknownhostsfile ", 19) != 0 && strncmp(l, "globalknownhostsfile ", 21) != 0)
                        continue;
                char *s2 = NULL;
                for (char *f = strtok_r(strchr(l, ' ') + 1, " ", &s2); f; f = strtok_r(NULL, " ", &s2)) {
                        _cleanup_free_ char *path = NULL;
                        const char *home = getenv("HOME");
                        if (f[0] == '~' && asprintf(&path, "%s%s", home ?: "/root", f + 1) < 0)
                                return -ENOMEM;
                        if (strv_extend(&files, path ?: f) < 0)
                                return -ENOMEM;
                }
        }
        for (char **f = files; f && *f; f++) {
                _cleanup_free_ char *found = NULL;
                char *argv[] = { (char *) "ssh-keygen", (char *) "-F", (char *) host, (char *) "-f", *f, NULL };
                if (access(*f, R_OK) < 0 || command_output(argv, &found) != 0 || !found)
                        continue;
                char *joined = NULL;
                if (asprintf(&joined, "%s%s", strempty(all), found) < 0)
                        return -ENOMEM;
                free(all);
                all = joined;
        }
        *ret = all ? TAKE_PTR(all) : strdup("");
        return *ret ? 0 : -ENOMEM;
}

/* Prints the fingerprints of the known_hosts lines in text. */
static void print_fingerprints(const char *text) {
        _cleanup_free_ char *tmpl = strdup("/run/kdumpctl-fp.XXXXXX");
        _cleanup_close_ int fd = tmpl ? mkostemp(tmpl, O_CLOEXEC) : -EBADF;

        if (fd < 0)
                return;
        if (write(fd, text, strlen(text)) == (ssize_t) strlen(text)) {
                char *fp[] = { (char *) "ssh-keygen", (char *) "-l", (char *) "-f", tmpl, NULL };
                (void) spawn_and_wait(fp, NULL);
        }
        (void) unlink(tmpl);
}

/* The server's host keys as ssh-keyscan gets them now; only a check
 * against the admin's known_hosts decides which of them are recorded. */
static int scan_host_keys(const char *host, char **ret) {
        _cleanup_free_ char *out = NULL;
        char *argv[] = { (char *) "ssh-keyscan", (char *) "-T", (char *) "10", (char *) "--", (char *) host, NULL };
        int r = command_output(argv, &out);

        if (r < 0)
                return log_error_errno(r, "Failed to run ssh-keyscan: %m");
        /* Every key it printed vouches for itself: none means none came. */
        _cleanup_free_ char *keys = NULL;
        if (!out || known_hosts_vouched(out, out, &keys) <= 0)
                return log_error_errno(-EHOSTUNREACH, "ssh-keyscan got no host key from \"%s\".", host);
        *ret = TAKE_PTR(out);
        return 0;
}

/* host's lines in KDUMP_SSH_KNOWN_HOSTS become lines; the other servers'
 * lines stay. */
static int record_host_keys(const char *host, const char *lines) {
        _cleanup_free_ char *old = NULL, *kept = NULL;
        size_t size = 0;
        int r;

        FILE *out = open_memstream(&kept, &size);
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
        fputs(lines, out);
        if (fclose(out) != 0)
                return log_oom();
        r = mkdir_p("/etc/kdump", 0755);
        if (r >= 0)
                r = write_file_atomic(KDUMP_SSH_KNOWN_HOSTS, kept, strlen(kept), 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", KDUMP_SSH_KNOWN_HOSTS);
        return 0;
}

int propagate_ssh_key(const KdumpConfig *c) {
        _cleanup_free_ char *pub = NULL, *host = NULL, *scanned = NULL, *trusted = NULL, *vouched = NULL;
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

        if (scan_host_keys(host, &scanned) < 0)
                return EX_UNAVAILABLE;

        /* The admin's own login (key, agent or password) installs kdump's
         * key, and only a server whose host key the admin's known_hosts
         * vouches for gets it: no question, no new key accepted. */
        _cleanup_close_ int fd = open(pub, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                log_error_errno(-errno, "Failed to open \"%s\": %m", pub);
                return EX_NOINPUT;
        }
        char *install[] = { (char *) "ssh", (char *) "-o", (char *) "StrictHostKeyChecking=yes", (char *) "--",
                            (char *) dest, (char *) remote_install, NULL };
        r = spawn_and_wait_io(install, NULL, fd, -1);
        if (r != 0) {
                log_error("Installing the key on %s failed (ssh exit status %d). The server's host key must be in "
                          "your known_hosts: log in once with \"ssh %s\", check the fingerprint it shows, then try "
                          "again. Nothing was recorded.", dest, r, dest);
                return EX_UNAVAILABLE;
        }
        printf("Installed %s in %s's ~/.ssh/authorized_keys.\n", pub, dest);

        /* Of the keys the scan saw, those the login just checked. */
        r = admin_trusted_keys(dest, host, &trusted);
        if (r >= 0)
                r = known_hosts_vouched(scanned, trusted, &vouched);
        if (r < 0) {
                log_error("The host keys %s offers to ssh-keyscan are not the ones your known_hosts trusts for it%s; "
                          "nothing was recorded in %s. Keys offered:", host,
                          r == -ENOENT ? "" : " (they could not be compared)", KDUMP_SSH_KNOWN_HOSTS);
                print_fingerprints(scanned);
                return EX_UNAVAILABLE;
        }
        if (record_host_keys(host, vouched) < 0)
                return EX_CANTCREAT;
        printf("Recorded %d host key%s of %s in %s, each checked against your known_hosts:\n", r, r == 1 ? "" : "s",
               host, KDUMP_SSH_KNOWN_HOSTS);
        print_fingerprints(vouched);

        /* What the capture kernel will do: kdump's key alone, the recorded
         * host keys alone, no questions. */
        _cleanup_free_ char *known = NULL;
        if (asprintf(&known, "UserKnownHostsFile=%s", KDUMP_SSH_KNOWN_HOSTS) < 0)
                return EX_OSERR;
        char *verify[] = { (char *) "ssh", (char *) "-n", (char *) "-i", (char *) key, (char *) "-o",
                           (char *) "IdentitiesOnly=yes", (char *) "-o", (char *) "BatchMode=yes", (char *) "-o", known,
                           (char *) "-o", (char *) "GlobalKnownHostsFile=/dev/null", (char *) "-o",
                           (char *) "StrictHostKeyChecking=yes", (char *) "--", (char *) dest, (char *) "true", NULL };
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
