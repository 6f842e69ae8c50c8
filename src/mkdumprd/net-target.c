/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net-target.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "kdumpd-settings.h"
#include "net-route.h"
#include "net-topology.h"
#include "spawn.h"
#include "strv.h"

void net_target_done(NetTarget *t) {
        net_plan_done(&t->plan);
        free(t->host);
        free(t->location);
        free(t->known_hosts);
        free(t->sshkey);
        strv_free(t->modules);
        strv_free(t->modprobe);
        *t = (NetTarget) {};
}

static bool host_pattern_matches(const char *patterns, const char *host, const char *address) {
        _cleanup_free_ char *copy = strdup(patterns);
        char *save = NULL;

        if (!copy)
                return false;
        for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
                /* "[host]:22" is how OpenSSH writes the default port too */
                size_t n = strlen(p);
                if (p[0] == '[' && n > 5 && strcmp(p + n - 4, "]:22") == 0) {
                        p[n - 4] = '\0';
                        p++;
                }
                if (strcmp(p, host) == 0 || (address && strcmp(p, address) == 0))
                        return true;
        }
        return false;
}

int known_hosts_for(const char *path, const char *host, const char *address, char **ret) {
        _cleanup_free_ char *text = NULL;
        char *buf = NULL, *save = NULL;
        size_t size = 0;
        unsigned found = 0;
        int r;

        assert_return(path && host && ret, -EINVAL);
        r = read_text_file(path, &text);
        if (r < 0)
                return r;
        FILE *out = open_memstream(&buf, &size);
        if (!out)
                return -ENOMEM;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char hosts[1024], type[128], key[8192];
                line += strspn(line, " \t");
                if (*line == '#' || *line == '@' || sscanf(line, "%1023s %127s %8191s", hosts, type, key) != 3)
                        continue;
                if (!host_pattern_matches(hosts, host, address))
                        continue;
                /* Dropbear looks the server up by the name it was given,
                 * which in the capture image is the address. */
                fprintf(out, "%s %s %s\n", address ? address : host, type, key);
                found++;
        }
        if (fclose(out) != 0) {
                free(buf);
                return -ENOMEM;
        }
        if (found == 0) {
                free(buf);
                return -ENOENT;
        }
        *ret = buf;
        return 0;
}

#define CONF_ERROR(c, directive, ...)                                                                   \
        log_error("%s:%u: error: " directive, kdump_config_source(c), kdump_config_line(c, "target_kind"), \
                  __VA_ARGS__)

/* Not an error of the configuration: at boot the network comes when it
 * comes (DHCP, a late link), and kdumpd waits for it. */
static int net_target_unreachable(const KdumpConfig *c, char **ret_why, const char *fmt, ...) {
        _cleanup_free_ char *why = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&why, fmt, ap);
        va_end(ap);
        if (r < 0)
                return log_oom();
        log_warning("%s:%u: %s.", kdump_config_source(c), kdump_config_line(c, "target_kind"), why);
        if (ret_why)
                *ret_why = TAKE_PTR(why);
        return -ENETDOWN;
}

/* Every capture kernel is named "(none)": without an identity of its
 * own, machines dumping to one NFSv4 server at once would present the
 * same client and revoke each other's state. The machine ID tells them
 * apart. */
static int nfs_client_identity(char ***lines) {
        _cleanup_free_ char *id = NULL;

        if (read_one_line_file("/etc/machine-id", &id) < 0 || strlen(id) < 8 || strspn(id, "0123456789abcdef") != strlen(id))
                return 0; /* no usable ID: the kernel's default */
        return strv_extendf(lines, "options nfs nfs4_unique_id=kdump-%s", id);
}

/* What an nfs target needs besides the route: the export on the server's
 * address, the NFS modules, the client's identity. */
static int nfs_prepare(const KdumpConfig *c, NetTarget *t) {
        const char *location = kdump_config_target_location(c);
        const char *export = location[0] == '[' ? strchr(location, ']') + 2 : strchr(location, ':') + 1;
        bool v6 = net_address_family(t->plan.server) == AF_INET6;

        if (asprintf(&t->location, v6 ? "[%s]:%s" : "%s:%s", t->plan.server, export) < 0)
                return log_oom();
        /* The kernel cannot load the version modules itself in the
         * capture image (no modprobe there): name them all. */
        const char *nfs[] = { "nfs", "nfsv4", strcmp(kdump_config_target_kind(c), "nfs4") == 0 ? NULL : "nfsv3" };
        for (size_t i = 0; i < ELEMENTSOF(nfs); i++)
                if (nfs[i] && strv_extend(&t->modules, nfs[i]) < 0)
                        return log_oom();
        if (nfs_client_identity(&t->modprobe) < 0)
                return log_oom();
        return 0;
}

/* What an ssh target needs besides the route: the user on the server's
 * address, the server's recorded host keys, the client's key. */
static int ssh_prepare(const KdumpConfig *c, NetTarget *t) {
        const char *location = kdump_config_target_location(c);
        int r;

        if (asprintf(&t->location, "%.*s@%s", (int) (strchr(location, '@') - location), location, t->plan.server) < 0)
                return log_oom();
        r = known_hosts_for(KDUMP_SSH_KNOWN_HOSTS, t->host, t->plan.server, &t->known_hosts);
        if (r == -ENOENT) {
                CONF_ERROR(c, "no host key of ssh server \"%s\" is recorded in %s; run \"kdumpctl propagate\"", t->host,
                           KDUMP_SSH_KNOWN_HOSTS);
                return -EINVAL;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", KDUMP_SSH_KNOWN_HOSTS);
        t->sshkey = strdup(kdump_config_sshkey(c));
        return t->sshkey ? 0 : log_oom();
}

/* The capture's DHCP client is busybox's udhcpc: it must be there, with
 * that applet. */
static int dhcp_client_check(const KdumpConfig *c, const char *kind, const char *host) {
        char *argv[] = { (char *) "busybox", (char *) "udhcpc", (char *) "--help", NULL };
        int r = spawn_and_wait_quiet(argv, NULL);

        /* "--help" prints the usage and exits 1; no such applet: 127 */
        if (r < 0 || r == 127) {
                CONF_ERROR(c, "%s server \"%s\" is reached from an address that DHCP gave; the capture asks DHCP again "
                              "with busybox's udhcpc, and %s; install busybox",
                           kind, host, r < 0 ? "busybox is not installed" : "this busybox has no udhcpc");
                return -EINVAL;
        }
        return 0;
}

/* The drivers of every NIC on the route, and what the links over them need. */
static int net_modules(const NetPlan *p, char ***mods) {
        int r;

        for (size_t i = 0; i < p->n_links || (i == 0 && p->n_links == 0); i++) {
                const char *nic = p->n_links == 0 ? p->interface : p->links[i].name;
                _cleanup_strv_free_ char **l = NULL;
                if (p->n_links > 0 && p->links[i].kind != NET_LINK_NIC)
                        continue;
                r = net_interface_modules(nic, &l);
                if (r < 0)
                        return log_error_errno(r, "Failed to find the drivers of \"%s\": %m", nic);
                for (size_t k = 0; l[k]; k++)
                        if (!strv_contains(*mods, l[k]) && strv_extend(mods, l[k]) < 0)
                                return log_oom();
        }
        return net_topology_modules(p, mods) < 0 ? log_oom() : 0;
}

int net_target_prepare(const KdumpConfig *c, const char *host, const NetCaptureOptions *opts, NetTarget *ret,
                       char **ret_why) {
        _cleanup_(net_target_done) NetTarget t = {};
        _cleanup_free_ char *unsupported = NULL;
        DumpTargetType type = kdump_config_target_type(c);
        const char *location = kdump_config_target_location(c), *kind = kdump_config_target_kind(c);
        int r;

        assert_return(c && ret && (type == DUMP_TARGET_NFS || type == DUMP_TARGET_SSH), -EINVAL);
        if (!host) {
                CONF_ERROR(c, "%s \"%s\" names no host", kind, location);
                return -EINVAL;
        }
        t.host = strdup(host);
        if (!t.host)
                return log_oom();
        r = net_plan_for_server(t.host, &t.plan, &unsupported);
        switch (r) {
        case 0:
                break;
        case -EADDRNOTAVAIL:
                return net_target_unreachable(c, ret_why, "%s server \"%s\" has no address yet (DNS does not answer "
                                              "for it)", kind, t.host);
        case -ENETUNREACH:
                return net_target_unreachable(c, ret_why, "%s server \"%s\": no route to it from this machine yet",
                                              kind, t.host);
        case -ELOOP:
                CONF_ERROR(c, "%s server \"%s\" is this machine; a dump must leave it", kind, t.host);
                return -EINVAL;
        case -EOPNOTSUPP:
                CONF_ERROR(c, "%s server \"%s\" is reached through %s; supported: a NIC, a bond of NICs, a VLAN on a "
                              "NIC, a bridge over one NIC (mkdumprd(8))",
                           kind, t.host, unsupported ? unsupported : "a link it cannot set up");
                return -EINVAL;
        default:
                return log_error_errno(r, "Failed to find the route to \"%s\": %m", t.host);
        }

        if (t.plan.dhcp) {
                r = dhcp_client_check(c, kind, t.host);
                if (r < 0)
                        return r;
                t.plan.dhcp_timeout = opts && opts->dhcp_timeout ? opts->dhcp_timeout
                                                                 : KDUMPD_SETTINGS_CAPTURE_DHCP_TIMEOUT_DEFAULT;
                t.plan.dhcp_fallback = opts && opts->dhcp_fallback;
        }
        r = net_modules(&t.plan, &t.modules);
        if (r < 0)
                return r;
        /* bonding makes a "bond0" of its own when it loads: the capture's
         * bond would have to take another name. */
        if (strv_contains(t.modules, "bonding") && strv_extend(&t.modprobe, "options bonding max_bonds=0") < 0)
                return log_oom();
        r = type == DUMP_TARGET_NFS ? nfs_prepare(c, &t) : ssh_prepare(c, &t);
        if (r < 0)
                return r;
        log_info("Dump server %s (%s) via %s (%s%s) from %s/%u%s%s%s.", t.host, t.plan.server, t.plan.interface,
                 t.plan.n_links > 0 ? net_link_kind_to_string(t.plan.links[t.plan.n_links - 1].kind) : "NIC ",
                 t.plan.n_links > 0 ? "" : t.plan.mac, t.plan.address, t.plan.prefixlen,
                 t.plan.gateway ? ", gateway " : "", strempty(t.plan.gateway), t.plan.dhcp ? ", by DHCP" : "");
        *ret = t;
        t = (NetTarget) {};
        return 0;
}

static int write_in(const char *dir, const char *name, const char *text) {
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return -ENOMEM;
        return write_file_atomic(path, text, strlen(text), 0600);
}

int net_target_write(const NetTarget *t, const KdumpConfig *c, const char *dir) {
        _cleanup_free_ char *plan = NULL, *key = NULL;
        int r;

        r = net_plan_to_string(&t->plan, &plan);
        if (r < 0)
                return log_error_errno(r, "Failed to write the network plan: %m");
        r = write_in(dir, "net", plan);
        if (r < 0)
                return log_error_errno(r, "Failed to write \"%s/net\": %m", dir);
        if (!t->sshkey)
                return 0;

        r = write_in(dir, "known_hosts", t->known_hosts);
        if (r < 0)
                return log_error_errno(r, "Failed to write \"%s/known_hosts\": %m", dir);
        if (asprintf(&key, "%s/id_dropbear", dir) < 0)
                return log_oom();
        /* dbclient reads only its own key format; OpenSSH's is converted
         * here, where it is readable, and the image carries the copy. */
        char *argv[] = { (char *) "dropbearconvert", (char *) "openssh", (char *) "dropbear", t->sshkey, key, NULL };
        mode_t old = umask(0077);
        r = spawn_and_wait_quiet(argv, NULL);
        umask(old);
        if (r != 0)
                return log_error_errno(r < 0 ? r : -EINVAL,
                                       "%s: error: dropbearconvert cannot convert sshkey \"%s\" (exit status %d); it must be "
                                       "an OpenSSH private key without a passphrase",
                                       kdump_config_source(c), t->sshkey, r);
        return 0;
}
