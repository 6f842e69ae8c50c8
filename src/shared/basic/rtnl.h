/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small rtnetlink client, libc and the kernel's uapi headers only: one
 * request in a fixed buffer, attributes appended and nested, the reply read
 * back into a table of attributes. mkdumprd asks the running kernel about
 * routes and links with it; the capture program builds its links with it
 * (rtnetlink(7), netlink(7)). */
#pragma once

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTNL_MESSAGE_MAX 8192
#define RTNL_NEST_MAX 8

typedef struct RtnlMessage {
        union {
                struct nlmsghdr hdr;
                uint8_t buf[RTNL_MESSAGE_MAX];
        };
        size_t nest[RTNL_NEST_MAX]; /* offsets of the open nests */
        unsigned n_nest;
        int error;                  /* the first append that did not fit: -ENOBUFS */
} RtnlMessage;

/* A NETLINK_ROUTE socket, close-on-exec; -errno. */
int rtnl_open(void);

/* Starts a request of type (RTM_*) with flags (NLM_F_REQUEST is added) and
 * its fixed header (struct ifinfomsg, rtmsg, …) of fixed_len bytes. */
void rtnl_message_init(RtnlMessage *m, uint16_t type, uint16_t flags, const void *fixed, size_t fixed_len);

/* Appending never fails here: a message that overflows remembers it, and
 * rtnl_call() then returns -ENOBUFS without sending anything. */
void rtnl_append(RtnlMessage *m, uint16_t type, const void *data, size_t len);
void rtnl_append_u8(RtnlMessage *m, uint16_t type, uint8_t v);
void rtnl_append_u16(RtnlMessage *m, uint16_t type, uint16_t v);
void rtnl_append_u32(RtnlMessage *m, uint16_t type, uint32_t v);
void rtnl_append_string(RtnlMessage *m, uint16_t type, const char *s);
void rtnl_nest_begin(RtnlMessage *m, uint16_t type);
void rtnl_nest_end(RtnlMessage *m);

/* The payload after the fixed header: where a message's attributes start. */
const struct rtattr *rtnl_attrs(const struct nlmsghdr *h, size_t fixed_len, size_t *ret_len);

/* Fills tb[0..max] with the last attribute of each type in the list
 * (types above max are skipped); the rest NULL. */
void rtnl_attrs_parse(const struct rtattr *first, size_t len, const struct rtattr **tb, unsigned max);
/* The same for a nested attribute's payload. */
void rtnl_attrs_parse_nested(const struct rtattr *nest, const struct rtattr **tb, unsigned max);

const void *rtnl_attr_data(const struct rtattr *a);
size_t rtnl_attr_len(const struct rtattr *a);
/* A fixed-size integer attribute; false when it is missing or too short. */
bool rtnl_attr_u8(const struct rtattr *a, uint8_t *ret);
bool rtnl_attr_u16(const struct rtattr *a, uint16_t *ret);
bool rtnl_attr_u32(const struct rtattr *a, uint32_t *ret);
/* A string attribute, NUL-terminated within its length, or NULL. */
const char *rtnl_attr_string(const struct rtattr *a);

typedef int (*rtnl_reply_handler_t)(const struct nlmsghdr *h, void *userdata);

/* Sends m and reads the answer: every reply message goes to handler (may
 * be NULL), until the ACK, the end of a dump or an error. Returns the
 * kernel's error (-errno) or the handler's first negative return, else 0. */
int rtnl_call(int fd, RtnlMessage *m, rtnl_reply_handler_t handler, void *userdata);
