/* Test vectors for AF_PACKET: struct sockaddr_ll and struct tpacket_stats from <linux/if_packet.h>,
 * and the constants the plugin writes down (<linux/if_ether.h>, <linux/if_arp.h>).
 * Prints JSON: layouts, constants, and one case per address with the bytes a C program passes
 * to bind(2)/sendto(2) (the whole struct, memset to 0 first) and the length the kernel reports
 * for it from getsockname(2) (offsetof(sll_addr) + sll_halen).
 * Regenerate: gcc -o /tmp/packetvec sockaddr_ll.c && /tmp/packetvec > sockaddr_ll.json  */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

static const struct {
    const char *id; int ifindex; unsigned short proto; unsigned char pkttype; unsigned short hatype;
    unsigned char halen; unsigned char addr[8];
} cases[] = {
    {"lo-experimental", 1, 0x88b5, PACKET_HOST, 0, 0, {0}},
    {"lo-as-bound", 1, 0x88b5, PACKET_HOST, ARPHRD_LOOPBACK, 6, {0}},
    {"lo-all-outgoing", 1, ETH_P_ALL, PACKET_OUTGOING, ARPHRD_LOOPBACK, 6, {0}},
    {"lo-ipv4-broadcast", 1, ETH_P_IP, PACKET_BROADCAST, ARPHRD_ETHER, 6, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
    {"lo-ipv6-multicast", 1, ETH_P_IPV6, PACKET_MULTICAST, ARPHRD_ETHER, 6, {0x33, 0x33, 0, 0, 0, 1}},
    {"lo-max-fields", 1, 0xffff, 255, 0xffff, 8, {1, 2, 3, 4, 5, 6, 7, 8}},
    {"lo-two-byte-address", 1, ETH_P_ARP, PACKET_OTHERHOST, ARPHRD_ETHER, 2, {0xab, 0xcd}},
    {"unbound", 0, 0, 0, 0, 0, {0}},
    {"unknown-index", 999999, ETH_P_IP, PACKET_HOST, ARPHRD_ETHER, 6, {2, 0, 0, 0, 0, 1}},
};

#define CONSTANT(name) printf("  \"" #name "\": %lld,\n", (long long)(name))

static void hex(const void *data, size_t n) {
    for (size_t i = 0; i < n; i++) printf("%02x", ((const unsigned char *)data)[i]);
}

int main(void) {
    printf("{\n  \"struct\": \"sockaddr_ll\", \"size\": %zu,\n", sizeof(struct sockaddr_ll));
    printf("  \"offsets\": {\"sll_family\": %zu, \"sll_protocol\": %zu, \"sll_ifindex\": %zu, \"sll_hatype\": %zu, "
           "\"sll_pkttype\": %zu, \"sll_halen\": %zu, \"sll_addr\": %zu},\n",
           offsetof(struct sockaddr_ll, sll_family), offsetof(struct sockaddr_ll, sll_protocol),
           offsetof(struct sockaddr_ll, sll_ifindex), offsetof(struct sockaddr_ll, sll_hatype),
           offsetof(struct sockaddr_ll, sll_pkttype), offsetof(struct sockaddr_ll, sll_halen),
           offsetof(struct sockaddr_ll, sll_addr));
    printf("  \"ifindex_signed\": %s,\n", ((__typeof__(((struct sockaddr_ll *)0)->sll_ifindex))-1) < 0 ? "true" : "false");
    printf("  \"tpacket_stats\": {\"size\": %zu, \"tp_packets\": %zu, \"tp_drops\": %zu},\n",
           sizeof(struct tpacket_stats), offsetof(struct tpacket_stats, tp_packets),
           offsetof(struct tpacket_stats, tp_drops));
    CONSTANT(AF_PACKET);
    CONSTANT(SOL_PACKET);
    CONSTANT(ETH_P_ALL);
    CONSTANT(ETH_P_IP);
    CONSTANT(ETH_P_ARP);
    CONSTANT(ETH_P_IPV6);
    CONSTANT(ETH_P_8021Q);
    CONSTANT(ETH_P_802_EX1);
    CONSTANT(ETH_ALEN);
    CONSTANT(ETH_HLEN);
    CONSTANT(ARPHRD_ETHER);
    CONSTANT(ARPHRD_LOOPBACK);
    CONSTANT(ARPHRD_NONE);
    CONSTANT(PACKET_HOST);
    CONSTANT(PACKET_BROADCAST);
    CONSTANT(PACKET_MULTICAST);
    CONSTANT(PACKET_OTHERHOST);
    CONSTANT(PACKET_OUTGOING);
    CONSTANT(PACKET_LOOPBACK);
    CONSTANT(PACKET_USER);
    CONSTANT(PACKET_KERNEL);
    CONSTANT(PACKET_FASTROUTE);
    CONSTANT(PACKET_ADD_MEMBERSHIP);
    CONSTANT(PACKET_DROP_MEMBERSHIP);
    CONSTANT(PACKET_STATISTICS);
    CONSTANT(PACKET_AUXDATA);
    CONSTANT(PACKET_IGNORE_OUTGOING);
    CONSTANT(PACKET_MR_PROMISC);
    printf("  \"cases\": [\n");
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        struct sockaddr_ll sll;
        memset(&sll, 0, sizeof sll);
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(cases[i].proto);
        sll.sll_ifindex = cases[i].ifindex;
        sll.sll_hatype = cases[i].hatype;
        sll.sll_pkttype = cases[i].pkttype;
        sll.sll_halen = cases[i].halen;
        memcpy(sll.sll_addr, cases[i].addr, cases[i].halen);
        printf("    {\"id\": \"%s\", \"ifindex\": %d, \"proto\": %u, \"pkttype\": %u, \"hatype\": %u, \"addr\": \"",
               cases[i].id, cases[i].ifindex, cases[i].proto, cases[i].pkttype, cases[i].hatype);
        hex(cases[i].addr, cases[i].halen);
        printf("\", \"hex\": \"");
        hex(&sll, sizeof sll);
        printf("\", \"reported_length\": %zu}%s\n", offsetof(struct sockaddr_ll, sll_addr) + cases[i].halen,
               i + 1 < n ? "," : "");
    }
    printf("  ]\n}\n");
    return 0;
}
