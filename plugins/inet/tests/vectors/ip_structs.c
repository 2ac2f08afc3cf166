/* Test vectors for AF_INET's struct-valued items, built by the C library from <netinet/in.h>:
 * struct in_pktinfo (IP_PKTINFO control messages) and struct ip_mreqn (IP_ADD_MEMBERSHIP and
 * IP_DROP_MEMBERSHIP), with the constants the tests use (Python 3.11 has no IP_PKTINFO nor
 * IP_MULTICAST_ALL). Prints JSON: each struct's size, field offsets and sizes, whether its
 * ifindex is signed, and one case per line with the struct's bytes.
 * Regenerate: gcc -o /tmp/v ip_structs.c && /tmp/v > ip_structs.json  */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { int ifindex; const char *spec_dst, *addr; } pktinfo_cases[] = {
    {1, "127.0.0.1", "127.0.0.1"},
    {0, "0.0.0.0", "0.0.0.0"},
    {0, "127.0.0.2", "0.0.0.0"},
    {1, "0.0.0.0", "239.1.2.3"},
    {0x01020304, "10.1.2.3", "192.0.2.1"},
    {INT_MAX, "255.255.255.255", "224.0.0.1"},
};

static const struct { const char *multiaddr, *address; int ifindex; } mreqn_cases[] = {
    {"239.1.2.3", "0.0.0.0", 1},
    {"224.0.0.251", "0.0.0.0", 0},
    {"239.255.255.250", "127.0.0.1", 0},
    {"224.0.0.1", "10.0.0.1", 0x01020304},
    {"255.255.255.255", "255.255.255.255", INT_MAX},
};

static void hex(const void *data, size_t size) {
    for (size_t b = 0; b < size; b++) printf("%02x", ((const unsigned char *)data)[b]);
}

static void in_addr(const char *text, struct in_addr *out) {
    if (inet_pton(AF_INET, text, out) != 1) { fprintf(stderr, "bad address %s\n", text); exit(1); }
}

int main(void) {
    struct in_pktinfo pi;
    struct ip_mreqn mr;
    printf("{\n  \"IPPROTO_IP\": %d, \"IP_PKTINFO\": %d, \"IP_ADD_MEMBERSHIP\": %d, \"IP_DROP_MEMBERSHIP\": %d,\n"
           "  \"IP_MULTICAST_IF\": %d, \"IP_MULTICAST_ALL\": %d, \"IP_MULTICAST_LOOP\": %d,\n",
           IPPROTO_IP, IP_PKTINFO, IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, IP_MULTICAST_IF,
           IP_MULTICAST_ALL, IP_MULTICAST_LOOP);
    printf("  \"in_pktinfo\": {\"size\": %zu, \"ifindex_signed\": %s,\n", sizeof pi,
           (__typeof__(pi.ipi_ifindex))-1 < 0 ? "true" : "false");
    printf("    \"offsets\": {\"ipi_ifindex\": %zu, \"ipi_spec_dst\": %zu, \"ipi_addr\": %zu},\n",
           offsetof(struct in_pktinfo, ipi_ifindex), offsetof(struct in_pktinfo, ipi_spec_dst),
           offsetof(struct in_pktinfo, ipi_addr));
    printf("    \"sizes\": {\"ipi_ifindex\": %zu, \"ipi_spec_dst\": %zu, \"ipi_addr\": %zu},\n",
           sizeof pi.ipi_ifindex, sizeof pi.ipi_spec_dst, sizeof pi.ipi_addr);
    printf("    \"cases\": [\n");
    size_t n = sizeof pktinfo_cases / sizeof pktinfo_cases[0];
    for (size_t i = 0; i < n; i++) {
        memset(&pi, 0, sizeof pi);
        pi.ipi_ifindex = pktinfo_cases[i].ifindex;
        in_addr(pktinfo_cases[i].spec_dst, &pi.ipi_spec_dst);
        in_addr(pktinfo_cases[i].addr, &pi.ipi_addr);
        printf("      {\"ifindex\": %d, \"spec_dst\": \"%s\", \"addr\": \"%s\", \"hex\": \"",
               pktinfo_cases[i].ifindex, pktinfo_cases[i].spec_dst, pktinfo_cases[i].addr);
        hex(&pi, sizeof pi);
        printf("\"}%s\n", i + 1 < n ? "," : "");
    }
    printf("    ]},\n");
    printf("  \"ip_mreqn\": {\"size\": %zu, \"ifindex_signed\": %s,\n", sizeof mr,
           (__typeof__(mr.imr_ifindex))-1 < 0 ? "true" : "false");
    printf("    \"offsets\": {\"imr_multiaddr\": %zu, \"imr_address\": %zu, \"imr_ifindex\": %zu},\n",
           offsetof(struct ip_mreqn, imr_multiaddr), offsetof(struct ip_mreqn, imr_address),
           offsetof(struct ip_mreqn, imr_ifindex));
    printf("    \"sizes\": {\"imr_multiaddr\": %zu, \"imr_address\": %zu, \"imr_ifindex\": %zu},\n",
           sizeof mr.imr_multiaddr, sizeof mr.imr_address, sizeof mr.imr_ifindex);
    printf("    \"cases\": [\n");
    n = sizeof mreqn_cases / sizeof mreqn_cases[0];
    for (size_t i = 0; i < n; i++) {
        memset(&mr, 0, sizeof mr);
        in_addr(mreqn_cases[i].multiaddr, &mr.imr_multiaddr);
        in_addr(mreqn_cases[i].address, &mr.imr_address);
        mr.imr_ifindex = mreqn_cases[i].ifindex;
        printf("      {\"multiaddr\": \"%s\", \"address\": \"%s\", \"ifindex\": %d, \"hex\": \"",
               mreqn_cases[i].multiaddr, mreqn_cases[i].address, mreqn_cases[i].ifindex);
        hex(&mr, sizeof mr);
        printf("\"}%s\n", i + 1 < n ? "," : "");
    }
    printf("    ]}\n}\n");
    return 0;
}
