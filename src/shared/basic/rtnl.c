/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "rtnl.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "macro.h"

int rtnl_open(void) {
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
        int one = 1;

        if (fd < 0)
                return negative_errno();
        /* The kernel's error messages: rtnl_call() needs no more than the
         * errno, but strict checking makes a dump filter what we ask for. */
        (void) setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                int r = negative_errno();
                close(fd);
                return r;
        }
        return fd;
}

void rtnl_message_init(RtnlMessage *m, uint16_t type, uint16_t flags, const void *fixed, size_t fixed_len) {
        memset(m, 0, sizeof(*m));
        m->hdr.nlmsg_type = type;
        m->hdr.nlmsg_flags = NLM_F_REQUEST | flags;
        m->hdr.nlmsg_len = NLMSG_LENGTH(fixed_len);
        if (fixed_len > sizeof(m->buf) - NLMSG_HDRLEN) {
                m->error = -ENOBUFS;
                return;
        }
        if (fixed)
                memcpy(m->buf + NLMSG_HDRLEN, fixed, fixed_len);
        m->hdr.nlmsg_len = NLMSG_ALIGN(m->hdr.nlmsg_len);
}

void rtnl_append(RtnlMessage *m, uint16_t type, const void *data, size_t len) {
        size_t at = NLMSG_ALIGN(m->hdr.nlmsg_len);

        if (m->error < 0)
                return;
        if (at + RTA_SPACE(len) > sizeof(m->buf) || RTA_LENGTH(len) > UINT16_MAX) {
                m->error = -ENOBUFS;
                return;
        }
        struct rtattr *a = (struct rtattr *) (m->buf + at);
        a->rta_type = type;
        a->rta_len = (unsigned short) RTA_LENGTH(len);
        if (len > 0)
                memcpy(RTA_DATA(a), data, len);
        memset((uint8_t *) RTA_DATA(a) + len, 0, RTA_SPACE(len) - RTA_LENGTH(len));
        m->hdr.nlmsg_len = (uint32_t) (at + RTA_SPACE(len));
}

void rtnl_append_u8(RtnlMessage *m, uint16_t type, uint8_t v) {
        rtnl_append(m, type, &v, sizeof(v));
}

void rtnl_append_u16(RtnlMessage *m, uint16_t type, uint16_t v) {
        rtnl_append(m, type, &v, sizeof(v));
}

void rtnl_append_u32(RtnlMessage *m, uint16_t type, uint32_t v) {
        rtnl_append(m, type, &v, sizeof(v));
}

void rtnl_append_string(RtnlMessage *m, uint16_t type, const char *s) {
        rtnl_append(m, type, s, strlen(s) + 1);
}

void rtnl_nest_begin(RtnlMessage *m, uint16_t type) {
        if (m->error < 0)
                return;
        if (m->n_nest >= RTNL_NEST_MAX) {
                m->error = -ENOBUFS;
                return;
        }
        m->nest[m->n_nest++] = NLMSG_ALIGN(m->hdr.nlmsg_len);
        rtnl_append(m, type | NLA_F_NESTED, NULL, 0);
}

void rtnl_nest_end(RtnlMessage *m) {
        if (m->error < 0 || m->n_nest == 0)
                return;
        struct rtattr *a = (struct rtattr *) (m->buf + m->nest[--m->n_nest]);
        size_t len = m->hdr.nlmsg_len - m->nest[m->n_nest];
        if (len > UINT16_MAX) {
                m->error = -ENOBUFS;
                return;
        }
        a->rta_len = (unsigned short) len;
}

const struct rtattr *rtnl_attrs(const struct nlmsghdr *h, size_t fixed_len, size_t *ret_len) {
        size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(fixed_len);

        if (h->nlmsg_len < off) {
                *ret_len = 0;
                return NULL;
        }
        *ret_len = h->nlmsg_len - off;
        return (const struct rtattr *) ((const uint8_t *) h + off);
}

void rtnl_attrs_parse(const struct rtattr *first, size_t len, const struct rtattr **tb, unsigned max) {
        int left = len > INT32_MAX ? 0 : (int) len;

        memset(tb, 0, sizeof(*tb) * (max + 1));
        for (const struct rtattr *a = first; a && RTA_OK(a, left); a = RTA_NEXT(a, left)) {
                unsigned type = a->rta_type & NLA_TYPE_MASK;
                if (type <= max)
                        tb[type] = a;
        }
}

void rtnl_attrs_parse_nested(const struct rtattr *nest, const struct rtattr **tb, unsigned max) {
        if (!nest || nest->rta_len < RTA_LENGTH(0)) {
                memset(tb, 0, sizeof(*tb) * (max + 1));
                return;
        }
        rtnl_attrs_parse(RTA_DATA(nest), RTA_PAYLOAD(nest), tb, max);
}

const void *rtnl_attr_data(const struct rtattr *a) {
        return RTA_DATA(a);
}

size_t rtnl_attr_len(const struct rtattr *a) {
        return RTA_PAYLOAD(a);
}

#define ATTR_INT(name, type)                                      \
        bool rtnl_attr_##name(const struct rtattr *a, type *ret) { \
                if (!a || RTA_PAYLOAD(a) < sizeof(type))          \
                        return false;                             \
                memcpy(ret, RTA_DATA(a), sizeof(type));           \
                return true;                                      \
        }
ATTR_INT(u8, uint8_t)
ATTR_INT(u16, uint16_t)
ATTR_INT(u32, uint32_t)

const char *rtnl_attr_string(const struct rtattr *a) {
        if (!a || RTA_PAYLOAD(a) == 0 || memchr(RTA_DATA(a), '\0', RTA_PAYLOAD(a)) == NULL)
                return NULL;
        return RTA_DATA(a);
}

int rtnl_call(int fd, RtnlMessage *m, rtnl_reply_handler_t handler, void *userdata) {
        static uint32_t seq;
        /* A dump's replies come in datagrams of up to a page or more each. */
        union {
                struct nlmsghdr hdr;
                uint8_t buf[32768];
        } in;
        /* NLM_F_DUMP's bits mean NLM_F_CREATE | NLM_F_EXCL on a NEW
         * request: only a GET (RTM_GET*: type % 4 == 2) dumps. */
        bool dump = (m->hdr.nlmsg_type & 3) == 2 && (m->hdr.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
        int r = 0;

        if (m->error < 0)
                return m->error;
        if (m->n_nest > 0)
                return -EINVAL;
        m->hdr.nlmsg_seq = ++seq;
        if (!dump)
                m->hdr.nlmsg_flags |= NLM_F_ACK;
        if (send(fd, m->buf, m->hdr.nlmsg_len, 0) < 0)
                return negative_errno();
        for (;;) {
                ssize_t n = recv(fd, in.buf, sizeof(in.buf), 0);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                int left = (int) n;
                for (const struct nlmsghdr *h = &in.hdr; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
                        if (h->nlmsg_seq != m->hdr.nlmsg_seq)
                                continue;
                        if (h->nlmsg_type == NLMSG_DONE)
                                return r;
                        if (h->nlmsg_type == NLMSG_ERROR) {
                                const struct nlmsgerr *e = NLMSG_DATA(h);
                                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
                                        return -EBADMSG;
                                /* 0: the ACK that ends a request */
                                return e->error < 0 ? e->error : r;
                        }
                        if (handler && r >= 0) {
                                int q = handler(h, userdata);
                                if (q < 0)
                                        r = q;
                        }
                }
        }
}
