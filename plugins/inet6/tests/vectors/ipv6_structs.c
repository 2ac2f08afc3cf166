/* Test vectors for AF_INET6's struct-valued items, built by the C library from <netinet/in.h>:
 * struct in6_pktinfo (IPV6_PKTINFO control messages; glibc declares it under _GNU_SOURCE) and
 * struct ipv6_mreq (IPV6_JOIN_GROUP and IPV6_LEAVE_GROUP), with the constants the tests use
 * (Python 3.11 has no IPV6_MULTICAST_ALL). Prints JSON: each struct's size, field offsets and
 * sizes, whether its interface index is signed, and one case per line with the struct's bytes
 * and the address as inet_ntop writes it.
 * Regenerate: gcc -o /tmp/v ipv6_structs.c && /tmp/v > ipv6_structs.json  */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *input; int ifindex; } pktinfo_cases[] = {
    {"::1", 1},
    {"::", 0},
    {"fd00::f5", 0},
    {"ff15::f00d", 1},
    {"FE80::0:1", 0x01020304},
    {"::ffff:127.0.0.1", 2},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", INT_MAX},
};

static const struct { const char *input; unsigned ifindex; } mreq_cases[] = {
    {"ff15::f00d", 1},
    {"ff02::1:3", 0},
    {"ff02::fb", 2},
    {"FF05:0::1:2", 0x01020304},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", INT_MAX},
};

static void hex(const void *data, size_t size) {
    for (size_t b = 0; b < size; b++) printf("%02x", ((const unsigned char *)data)[b]);
}

static void read_address(const char *text, struct in6_addr *out, char *canonical) {
    if (inet_pton(AF_INET6, text, out) != 1 || !inet_ntop(AF_INET6, out, canonical, INET6_ADDRSTRLEN)) {
        fprintf(stderr, "bad address %s\n", text);
        exit(1);
    }
}

int main(void) {
    struct in6_pktinfo pi;
    struct ipv6_mreq mr;
    char text[INET6_ADDRSTRLEN];
    printf("{\n  \"IPPROTO_IPV6\": %d, \"IPV6_PKTINFO\": %d, \"IPV6_RECVPKTINFO\": %d,\n"
           "  \"IPV6_JOIN_GROUP\": %d, \"IPV6_LEAVE_GROUP\": %d, \"IPV6_MULTICAST_IF\": %d,\n"
           "  \"IPV6_MULTICAST_ALL\": %d, \"IPV6_MULTICAST_LOOP\": %d,\n",
           IPPROTO_IPV6, IPV6_PKTINFO, IPV6_RECVPKTINFO, IPV6_JOIN_GROUP, IPV6_LEAVE_GROUP,
           IPV6_MULTICAST_IF, IPV6_MULTICAST_ALL, IPV6_MULTICAST_LOOP);
    printf("  \"in6_pktinfo\": {\"size\": %zu, \"ifindex_signed\": %s,\n", sizeof pi,
           (__typeof__(pi.ipi6_ifindex))-1 < 0 ? "true" : "false");
    printf("    \"offsets\": {\"ipi6_addr\": %zu, \"ipi6_ifindex\": %zu},\n",
           offsetof(struct in6_pktinfo, ipi6_addr), offsetof(struct in6_pktinfo, ipi6_ifindex));
    printf("    \"sizes\": {\"ipi6_addr\": %zu, \"ipi6_ifindex\": %zu},\n",
           sizeof pi.ipi6_addr, sizeof pi.ipi6_ifindex);
    printf("    \"cases\": [\n");
    size_t n = sizeof pktinfo_cases / sizeof pktinfo_cases[0];
    for (size_t i = 0; i < n; i++) {
        memset(&pi, 0, sizeof pi);
        read_address(pktinfo_cases[i].input, &pi.ipi6_addr, text);
        pi.ipi6_ifindex = pktinfo_cases[i].ifindex;
        printf("      {\"input\": \"%s\", \"addr\": \"%s\", \"ifindex\": %d, \"hex\": \"",
               pktinfo_cases[i].input, text, pktinfo_cases[i].ifindex);
        hex(&pi, sizeof pi);
        printf("\"}%s\n", i + 1 < n ? "," : "");
    }
    printf("    ]},\n");
    printf("  \"ipv6_mreq\": {\"size\": %zu, \"ifindex_signed\": %s,\n", sizeof mr,
           (__typeof__(mr.ipv6mr_interface))-1 < 0 ? "true" : "false");
    printf("    \"offsets\": {\"ipv6mr_multiaddr\": %zu, \"ipv6mr_interface\": %zu},\n",
           offsetof(struct ipv6_mreq, ipv6mr_multiaddr), offsetof(struct ipv6_mreq, ipv6mr_interface));
    printf("    \"sizes\": {\"ipv6mr_multiaddr\": %zu, \"ipv6mr_interface\": %zu},\n",
           sizeof mr.ipv6mr_multiaddr, sizeof mr.ipv6mr_interface);
    printf("    \"cases\": [\n");
    n = sizeof mreq_cases / sizeof mreq_cases[0];
    for (size_t i = 0; i < n; i++) {
        memset(&mr, 0, sizeof mr);
        read_address(mreq_cases[i].input, &mr.ipv6mr_multiaddr, text);
        mr.ipv6mr_interface = mreq_cases[i].ifindex;
        printf("      {\"input\": \"%s\", \"multiaddr\": \"%s\", \"ifindex\": %u, \"hex\": \"",
               mreq_cases[i].input, text, mreq_cases[i].ifindex);
        hex(&mr, sizeof mr);
        printf("\"}%s\n", i + 1 < n ? "," : "");
    }
    printf("    ]}\n}\n");
    return 0;
}
