/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network dump targets (nfs, ssh) as the capture image needs them: the
 * server's address as DNS answers now, the route to it, the modules for
 * the interface and for NFS, the ssh key in the client's format, and the
 * server's host keys recorded by "kdumpctl propagate". */
#pragma once

#include <stdbool.h>

#include "kdump-config.h"
#include "net-plan.h"

/* Written by kdumpctl propagate, read by mkdumprd: the host keys the
 * capture image trusts, in OpenSSH known_hosts form. */
#define KDUMP_SSH_KNOWN_HOSTS "/etc/kdump/ssh_known_hosts"

/* kdumpd.conf's say in what the capture does with a DHCP address. */
typedef struct NetCaptureOptions {
        unsigned dhcp_timeout;   /* seconds; 0: KDUMPD_SETTINGS_CAPTURE_DHCP_TIMEOUT_DEFAULT */
        bool dhcp_fallback;      /* no lease in time: the address of the build */
} NetCaptureOptions;

typedef struct NetTarget {
        NetPlan plan;
        char *host;           /* as kdump.conf names it: "dumps.example.com" */
        char *location;       /* with the address: "10.0.0.1:/export", "user@10.0.0.1" */
        char *known_hosts;    /* ssh: the server's recorded keys, named by its address */
        char *sshkey;         /* ssh: the client's key, which the image carries converted */
        char **modules;       /* the NICs' drivers, bonding, 8021q, bridge; NFS's */
        char **modprobe;      /* modprobe.d lines: nfs's client identity */
} NetTarget;

void net_target_done(NetTarget *t);

/* Reads the known_hosts lines for host (by name or address) from path and
 * returns them named by address. -ENOENT when there is none. */
int known_hosts_for(const char *path, const char *host, const char *address, char **ret);

/* Resolves and routes the server host (NULL: location names none) of the
 * target of c and collects what the image needs. Logs failures in the
 * "FILE:LINE: error:" form and returns -EINVAL.
 * -ENETDOWN: the server cannot be reached from this machine yet (DNS has
 * no address for it, or there is no route to it): the network may still
 * come up, as at boot. Then *ret_why (if given) says which, in a line
 * that names the server; it is logged as a warning. */
int net_target_prepare(const KdumpConfig *c, const char *host, const NetCaptureOptions *opts, NetTarget *ret,
                       char **ret_why);

/* Writes into dir what the dracut module installs: "net" (the plan),
 * and for ssh "known_hosts" and "id_dropbear" (the key converted with
 * dropbearconvert), all 0600. Logs failures. */
int net_target_write(const NetTarget *t, const KdumpConfig *c, const char *dir);
