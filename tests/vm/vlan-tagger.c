/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The far end of the ssh-vlan scenario's VLAN: this machine's kernel has
 * no 802.1Q, so the tag is handled here, in userspace. QEMU's
 * "-netdev socket,udp=…" sends each Ethernet frame of the guest's NIC as
 * one UDP datagram; frames tagged with VID go onto the tap, untagged;
 * frames from the tap go back to the guest with the tag. Anything else
 * (untagged, another VLAN) is dropped: the server is on that VLAN only.
 * Runs inside the test's network namespace, on its loopback.
 *
 * usage: vlan-tagger TAP VID LISTEN-PORT QEMU-PORT */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
        struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
        struct sockaddr_in me = { .sin_family = AF_INET }, qemu = { .sin_family = AF_INET };
        unsigned long counts[4] = {};
        uint8_t buf[65536 + 4];
        int tap, sock;

        if (argc != 5) {
                fprintf(stderr, "usage: vlan-tagger TAP VID LISTEN-PORT QEMU-PORT\n");
                return 2;
        }
        uint16_t vid = (uint16_t) atoi(argv[2]);
        me.sin_port = htons((uint16_t) atoi(argv[3]));
        qemu.sin_port = htons((uint16_t) atoi(argv[4]));
        me.sin_addr.s_addr = qemu.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
        if (tap < 0 || ioctl(tap, TUNSETIFF, &ifr) < 0) {
                perror("vlan-tagger: tap");
                return 1;
        }
        sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0 || bind(sock, (struct sockaddr *) &me, sizeof(me)) < 0) {
                perror("vlan-tagger: socket");
                return 1;
        }
        fprintf(stderr, "vlan-tagger: VLAN %u between udp:%s and %s\n", vid, argv[3], argv[1]);
        for (;;) {
                struct pollfd p[2] = { { .fd = sock, .events = POLLIN }, { .fd = tap, .events = POLLIN } };
                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return 1;
                }
                if (p[0].revents & POLLIN) {
                        ssize_t n = recv(sock, buf, sizeof(buf), 0);
                        /* dst, src (12 bytes), 0x8100, TCI, then the frame's type */
                        if (n >= 18 && buf[12] == 0x81 && buf[13] == 0x00 && (((buf[14] << 8) | buf[15]) & 0xfff) == vid) {
                                memmove(buf + 12, buf + 16, (size_t) n - 16);
                                (void) !write(tap, buf, (size_t) n - 4);
                                counts[0]++;
                        } else if (n > 0 && counts[1]++ < 5)
                                fprintf(stderr, "vlan-tagger: dropped a frame from the guest that is not on VLAN %u\n", vid);
                }
                if (p[1].revents & POLLIN) {
                        ssize_t n = read(tap, buf, sizeof(buf) - 4);
                        if (n >= 14) {
                                memmove(buf + 16, buf + 12, (size_t) n - 12);
                                buf[12] = 0x81;
                                buf[13] = 0x00;
                                buf[14] = (uint8_t) (vid >> 8);
                                buf[15] = (uint8_t) vid;
                                (void) sendto(sock, buf, (size_t) n + 4, 0, (struct sockaddr *) &qemu, sizeof(qemu));
                                counts[2]++;
                        }
                }
        }
}
