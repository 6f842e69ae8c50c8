/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How the capture kernel reaches a network dump target: recorded by mkdumprd
 * from the running system (interface, its address, the route, the server's
 * address as DNS answered at build time) and read back by the capture
 * program, which has no DHCP client, no resolver and no udev. */
#pragma once

#include <stdio.h>

#include "kdump-config.h"

typedef struct NetPlan {
        char *interface;      /* the name on the running system, for messages */
        char *mac;            /* "52:54:00:12:34:56": names differ without udev */
        char *address;        /* our address, "10.0.0.2" or "fd00::2" */
        unsigned prefixlen;   /* 24 */
        char *gateway;        /* NULL: the server is on the link */
        char *server;         /* the target's address, "10.0.0.1" or "fd00::1" */
} NetPlan;

void net_plan_done(NetPlan *p);

/* Writes the plan as "key value" lines. */
int net_plan_format(const NetPlan *p, FILE *out);

/* Parses what net_plan_format() wrote. -EBADMSG when a line is not
 * understood or a required key (mac, address, server) is missing. */
int net_plan_parse(const char *text, NetPlan *ret);

/* True when the address text is IPv6 (has a colon). */
int net_address_family(const char *address);

/* The host part of an nfs ("host:/export", "[fd00::1]:/export") or ssh
 * ("user@host") location, brackets removed. -EINVAL when there is none. */
int net_target_host(DumpTargetType type, const char *location, char **ret);
