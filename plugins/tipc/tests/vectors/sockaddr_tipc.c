/* Test vectors for AF_TIPC addresses, from <linux/tipc.h>.
 * Prints JSON: struct sockaddr_tipc's size and field offsets, and byte images of addresses of every
 * kind at the limits of their fields (scope a signed char; a socket address stores ref before node),
 * and of the pair of sockaddrs the kernel reports for a group member's message.
 * Regenerate: gcc -Wall -Werror -o /tmp/v sockaddr_tipc.c && /tmp/v > sockaddr_tipc.json  */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/tipc.h>

static void hex(const void *data, size_t n) {
    for (size_t i = 0; i < n; i++) printf("%02x", ((const unsigned char *)data)[i]);
}

struct range { const char *id; unsigned type, lower, upper; signed char scope; };
struct service { const char *id; unsigned type, instance, domain; signed char scope; };
struct sock { const char *id; unsigned node, ref; signed char scope; };

static void emit(const char *id, const char *kind, const struct sockaddr_tipc *a, size_t n,
                 const char *fields, int last) {
    printf("    {\"id\": \"%s\", \"kind\": \"%s\", %s, \"hex\": \"", id, kind, fields);
    hex(a, n);
    printf("\"}%s\n", last ? "" : ",");
}

int main(void) {
    static const struct range ranges[] = {
        {"range", 1000, 0, 99, TIPC_CLUSTER_SCOPE},
        {"range-node-scope", 18888, 17, 17, TIPC_NODE_SCOPE},
        {"range-zone-scope", 64, 1, 2, TIPC_ZONE_SCOPE},
        {"range-scope-0", 4242, 0, 0, 0},
        {"range-widest", 0xFFFFFFFFu, 0, 0xFFFFFFFFu, TIPC_CLUSTER_SCOPE},
        {"range-inverted", 1000, 9, 3, TIPC_CLUSTER_SCOPE},
        {"range-withdraw", 1000, 0, 99, -TIPC_CLUSTER_SCOPE},
    };
    static const struct service services[] = {
        {"service", 18888, 17, 0, TIPC_CLUSTER_SCOPE},
        {"topology-service", TIPC_TOP_SRV, TIPC_TOP_SRV, 0, 0},
        {"service-domain", 1000, 5, 0x1001001u, TIPC_NODE_SCOPE},
        {"service-scope-min", 1000, 0xFFFFFFFFu, 0, -128},
        {"service-scope-max", 0, 0, 0, 127},
        {"service-withdraw", 1000, 5, 0, -TIPC_NODE_SCOPE},
    };
    static const struct sock socks[] = {
        {"socket", 0x1001001u, 12345, 0},
        {"socket-own-node", 0, 0xFFFFFFFFu, 0},
        {"socket-cluster-scope", 0xDEADBEEFu, 1, TIPC_CLUSTER_SCOPE},
    };
    size_t nr = sizeof ranges / sizeof ranges[0], ns = sizeof services / sizeof services[0];
    size_t nk = sizeof socks / sizeof socks[0];
    char fields[256];
    struct sockaddr_tipc a, pair[2];

    printf("{\n  \"AF_TIPC\": %d, \"size\": %zu,\n", AF_TIPC, sizeof(struct sockaddr_tipc));
    printf("  \"offsets\": {\"family\": %zu, \"addrtype\": %zu, \"scope\": %zu, \"addr\": %zu, "
           "\"id.ref\": %zu, \"id.node\": %zu, \"nameseq.type\": %zu, \"nameseq.lower\": %zu, "
           "\"nameseq.upper\": %zu, \"name.type\": %zu, \"name.instance\": %zu, \"name.domain\": %zu},\n",
           offsetof(struct sockaddr_tipc, family), offsetof(struct sockaddr_tipc, addrtype),
           offsetof(struct sockaddr_tipc, scope), offsetof(struct sockaddr_tipc, addr),
           offsetof(struct sockaddr_tipc, addr.id.ref), offsetof(struct sockaddr_tipc, addr.id.node),
           offsetof(struct sockaddr_tipc, addr.nameseq.type), offsetof(struct sockaddr_tipc, addr.nameseq.lower),
           offsetof(struct sockaddr_tipc, addr.nameseq.upper), offsetof(struct sockaddr_tipc, addr.name.name.type),
           offsetof(struct sockaddr_tipc, addr.name.name.instance), offsetof(struct sockaddr_tipc, addr.name.domain));
    printf("  \"cases\": [\n");
    for (size_t i = 0; i < nr; i++) {
        memset(&a, 0, sizeof a);
        a.family = AF_TIPC; a.addrtype = TIPC_SERVICE_RANGE; a.scope = ranges[i].scope;
        a.addr.nameseq.type = ranges[i].type; a.addr.nameseq.lower = ranges[i].lower;
        a.addr.nameseq.upper = ranges[i].upper;
        snprintf(fields, sizeof fields, "\"addrtype\": %d, \"type\": %u, \"lower\": %u, \"upper\": %u, \"scope\": %d",
                 a.addrtype, ranges[i].type, ranges[i].lower, ranges[i].upper, a.scope);
        emit(ranges[i].id, "service-range", &a, sizeof a, fields, 0);
    }
    for (size_t i = 0; i < ns; i++) {
        memset(&a, 0, sizeof a);
        a.family = AF_TIPC; a.addrtype = TIPC_SERVICE_ADDR; a.scope = services[i].scope;
        a.addr.name.name.type = services[i].type; a.addr.name.name.instance = services[i].instance;
        a.addr.name.domain = services[i].domain;
        snprintf(fields, sizeof fields, "\"addrtype\": %d, \"type\": %u, \"instance\": %u, \"domain\": %u, "
                 "\"scope\": %d", a.addrtype, services[i].type, services[i].instance, services[i].domain, a.scope);
        emit(services[i].id, "service", &a, sizeof a, fields, 0);
    }
    for (size_t i = 0; i < nk; i++) {
        memset(&a, 0, sizeof a);
        a.family = AF_TIPC; a.addrtype = TIPC_SOCKET_ADDR; a.scope = socks[i].scope;
        a.addr.id.node = socks[i].node; a.addr.id.ref = socks[i].ref;
        snprintf(fields, sizeof fields, "\"addrtype\": %d, \"node\": %u, \"ref\": %u, \"scope\": %d",
                 a.addrtype, socks[i].node, socks[i].ref, a.scope);
        emit(socks[i].id, "socket", &a, sizeof a, fields, 0);
    }
    /* what tipc_sk_set_orig_addr() writes for a group message: the sender, then its member name */
    memset(pair, 0, sizeof pair);
    pair[0].family = AF_TIPC; pair[0].addrtype = TIPC_SOCKET_ADDR;
    pair[0].addr.id.node = 0x1001002u; pair[0].addr.id.ref = 4009413004u;
    pair[1].family = AF_TIPC; pair[1].addrtype = TIPC_SERVICE_ADDR;
    pair[1].addr.name.name.type = 4000; pair[1].addr.name.name.instance = 2;
    emit("group-member", "socket", pair, sizeof pair, "\"addrtype\": 3, \"node\": 16781314, \"ref\": 4009413004, "
         "\"scope\": 0, \"member\": [4000, 2]", 1);
    printf("  ]\n}\n");
    return 0;
}
