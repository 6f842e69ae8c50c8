/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net-plan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "macro.h"

void net_plan_done(NetPlan *p) {
        free(p->interface);
        free(p->mac);
        free(p->address);
        free(p->gateway);
        free(p->server);
        *p = (NetPlan) {};
}

int net_address_family(const char *address) {
        return address && strchr(address, ':') ? AF_INET6 : AF_INET;
}

int net_plan_format(const NetPlan *p, FILE *out) {
        assert_return(p && p->mac && p->address && p->server && out, -EINVAL);
        fprintf(out, "interface %s\nmac %s\naddress %s/%u\n", p->interface ? p->interface : "-", p->mac, p->address,
                p->prefixlen);
        if (p->gateway)
                fprintf(out, "gateway %s\n", p->gateway);
        fprintf(out, "server %s\n", p->server);
        return ferror(out) ? -EIO : 0;
}

static bool valid_address(const char *s) {
        unsigned char buf[sizeof(struct in6_addr)];
        return inet_pton(net_address_family(s), s, buf) == 1;
}

static int set_once(char **field, const char *value) {
        if (*field)
                return -EBADMSG;
        *field = strdup(value);
        return *field ? 0 : -ENOMEM;
}

int net_plan_parse(const char *text, NetPlan *ret) {
        _cleanup_(net_plan_done) NetPlan p = {};
        _cleanup_free_ char *copy = strdup(text ? text : "");
        char *save = NULL;
        int r;

        assert_return(text && ret, -EINVAL);
        if (!copy)
                return -ENOMEM;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *value = strchr(line, ' ');
                if (line[0] == '#' || line[0] == '\0')
                        continue;
                if (!value)
                        return -EBADMSG;
                *value++ = '\0';
                if (strcmp(line, "interface") == 0)
                        r = set_once(&p.interface, value);
                else if (strcmp(line, "mac") == 0)
                        r = set_once(&p.mac, value);
                else if (strcmp(line, "gateway") == 0)
                        r = valid_address(value) ? set_once(&p.gateway, value) : -EBADMSG;
                else if (strcmp(line, "server") == 0)
                        r = valid_address(value) ? set_once(&p.server, value) : -EBADMSG;
                else if (strcmp(line, "address") == 0) {
                        char *slash = strchr(value, '/'), *end = NULL;
                        if (!slash)
                                return -EBADMSG;
                        *slash = '\0';
                        unsigned long len = strtoul(slash + 1, &end, 10);
                        unsigned max = net_address_family(value) == AF_INET6 ? 128 : 32;
                        if (!valid_address(value) || end == slash + 1 || *end || len > max)
                                return -EBADMSG;
                        p.prefixlen = (unsigned) len;
                        r = set_once(&p.address, value);
                } else
                        return -EBADMSG;
                if (r < 0)
                        return r;
        }
        if (!p.mac || !p.address || !p.server)
                return -EBADMSG;
        if (net_address_family(p.address) != net_address_family(p.server) ||
            (p.gateway && net_address_family(p.gateway) != net_address_family(p.server)))
                return -EBADMSG;
        *ret = p;
        p = (NetPlan) {};
        return 0;
}

int net_target_host(DumpTargetType type, const char *location, char **ret) {
        const char *start = location, *end;

        assert_return(location && ret, -EINVAL);
        if (type == DUMP_TARGET_SSH) {
                start = strchr(location, '@');
                if (!start)
                        return -EINVAL;
                start++;
                end = start + strlen(start);
        } else {
                if (location[0] == '[') {
                        start = location + 1;
                        end = strchr(start, ']');
                        /* "[addr]:/export": the export must follow */
                        if (end && (end[1] != ':' || end[2] != '/'))
                                return -EINVAL;
                } else {
                        end = strchr(location, ':');
                        if (end && end[1] != '/')
                                return -EINVAL;
                }
        }
        if (!end || end == start)
                return -EINVAL;
        *ret = strndup(start, (size_t) (end - start));
        return *ret ? 0 : -ENOMEM;
}
