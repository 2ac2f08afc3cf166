/* Layouts and example images of the structs the core's tests build by hand (glibc, Linux UAPI):
 * sockaddr_ll (AF_PACKET) and sockaddr_xdp (AF_XDP), which no famsock plugin reads, and the
 * struct linger and struct ucred values of the fake SocketOption and ControlMessage codecs.
 * Each struct: its size, each field's [offset, size], and one example filled in C, as hex.
 * Regenerate: gcc -o /tmp/k kernel_structs.c && /tmp/k > kernel_structs.json  */
#define _GNU_SOURCE  /* struct ucred */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define FIELD(type, name, last) \
    printf("\"%s\": [%zu, %zu]%s", #name, offsetof(type, name), sizeof(((type *)0)->name), last ? "" : ", ")

static void hex(const void *data, size_t size) {
    printf("\"");
    for (size_t i = 0; i < size; i++)
        printf("%02x", ((const unsigned char *)data)[i]);
    printf("\"");
}

int main(void) {
    struct sockaddr_ll ll;
    memset(&ll, 0, sizeof ll);
    ll.sll_family = AF_PACKET;
    ll.sll_protocol = htons(ETH_P_ALL);
    ll.sll_ifindex = 7;
    printf("{\n  \"sockaddr_ll\": {\"size\": %zu, \"fields\": {", sizeof ll);
    FIELD(struct sockaddr_ll, sll_family, 0); FIELD(struct sockaddr_ll, sll_protocol, 0);
    FIELD(struct sockaddr_ll, sll_ifindex, 0); FIELD(struct sockaddr_ll, sll_hatype, 0);
    FIELD(struct sockaddr_ll, sll_pkttype, 0); FIELD(struct sockaddr_ll, sll_halen, 0);
    FIELD(struct sockaddr_ll, sll_addr, 1);
    printf("},\n    \"example\": {\"sll_protocol_host_order\": %d, \"sll_ifindex\": 7, \"hex\": ", ETH_P_ALL);
    hex(&ll, sizeof ll);
    printf("}},\n");

    struct sockaddr_xdp xdp;
    memset(&xdp, 0, sizeof xdp);
    xdp.sxdp_family = AF_XDP;
    xdp.sxdp_ifindex = 7;
    xdp.sxdp_queue_id = 3;
    printf("  \"sockaddr_xdp\": {\"size\": %zu, \"fields\": {", sizeof xdp);
    FIELD(struct sockaddr_xdp, sxdp_family, 0); FIELD(struct sockaddr_xdp, sxdp_flags, 0);
    FIELD(struct sockaddr_xdp, sxdp_ifindex, 0); FIELD(struct sockaddr_xdp, sxdp_queue_id, 0);
    FIELD(struct sockaddr_xdp, sxdp_shared_umem_fd, 1);
    printf("},\n    \"example\": {\"sxdp_ifindex\": 7, \"sxdp_queue_id\": 3, \"hex\": ");
    hex(&xdp, sizeof xdp);
    printf("}},\n");

    struct linger linger = {.l_onoff = 1, .l_linger = 7};
    printf("  \"linger\": {\"size\": %zu, \"fields\": {", sizeof linger);
    FIELD(struct linger, l_onoff, 0); FIELD(struct linger, l_linger, 1);
    printf("},\n    \"example\": {\"l_onoff\": 1, \"l_linger\": 7, \"hex\": ");
    hex(&linger, sizeof linger);
    printf("}},\n");

    struct ucred ucred = {.pid = 1234, .uid = 56, .gid = 78};
    printf("  \"ucred\": {\"size\": %zu, \"fields\": {", sizeof ucred);
    FIELD(struct ucred, pid, 0); FIELD(struct ucred, uid, 0); FIELD(struct ucred, gid, 1);
    printf("},\n    \"example\": {\"pid\": 1234, \"uid\": 56, \"gid\": 78, \"hex\": ");
    hex(&ucred, sizeof ucred);
    printf("}},\n");

    printf("  \"constants\": {\"AF_PACKET\": %d, \"AF_XDP\": %d, \"ETH_P_ALL\": %d, \"SOL_SOCKET\": %d, "
           "\"SO_LINGER\": %d, \"SO_PASSCRED\": %d, \"SCM_CREDENTIALS\": %d}\n}\n",
           AF_PACKET, AF_XDP, ETH_P_ALL, SOL_SOCKET, SO_LINGER, SO_PASSCRED, SCM_CREDENTIALS);
    return 0;
}
