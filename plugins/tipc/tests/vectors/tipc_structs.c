/* Test vectors for TIPC's structs and constants, from <linux/tipc.h>.
 * Prints JSON: every constant famsock-tipc takes from the header; the layouts of struct tipc_subscr,
 * struct tipc_event and struct tipc_group_req; byte images of subscriptions and events in this
 * machine's byte order and swapped (a subscriber of the other order writes every __u32 swapped, and
 * the topology server answers so), of group requests, and of the TIPC_ERRINFO and TIPC_DESTNAME
 * control messages' data (arrays of __u32), with their CMSG_SPACE.
 * Regenerate: gcc -Wall -Werror -o /tmp/v tipc_structs.c && /tmp/v > tipc_structs.json  */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/tipc.h>

static void hex(const void *data, size_t n) {
    for (size_t i = 0; i < n; i++) printf("%02x", ((const unsigned char *)data)[i]);
}

static void swap_words(void *data, size_t n) {  /* every __u32 of a struct made only of them */
    uint32_t *word = data;
    for (size_t i = 0; i < n / 4; i++) word[i] = __builtin_bswap32(word[i]);
}

static void swap_subscr(struct tipc_subscr *s) {  /* the __u32 fields; the handle is bytes */
    swap_words(&s->seq, sizeof s->seq);
    s->timeout = __builtin_bswap32(s->timeout);
    s->filter = __builtin_bswap32(s->filter);
}

#define C(name) printf("    \"%s\": %lld,\n", #name, (long long)(name))
#define LAST(name) printf("    \"%s\": %lld\n", #name, (long long)(name))

int main(void) {
    static const struct tipc_subscr subs[] = {
        {{1000, 0, 99}, TIPC_WAIT_FOREVER, TIPC_SUB_PORTS, "handle01"},
        {{18888, 17, 17}, 400, TIPC_SUB_SERVICE, {'f', 's', 0, 0, 0, 0, 0, 1}},
        {{TIPC_NODE_STATE, 0, 0xFFFFFFFFu}, 0, TIPC_SUB_PORTS | TIPC_SUB_CANCEL, ""},
    };
    static const char *sub_ids[] = {"ports-forever", "service-400ms", "node-state-cancel"};
    static const struct tipc_group_req groups[] = {
        {4000, 1, TIPC_CLUSTER_SCOPE, TIPC_GROUP_LOOPBACK | TIPC_GROUP_MEMBER_EVTS},
        {0xFFFFFFFFu, 0xFFFFFFFFu, TIPC_NODE_SCOPE, 0},
    };
    static const uint32_t errinfo[2] = {TIPC_ERR_NO_PORT, 4};
    static const uint32_t destname[3] = {1000, 3, 9};
    struct tipc_subscr s;
    struct tipc_event e;
    size_t nsubs = sizeof subs / sizeof subs[0];

    printf("{\n  \"constants\": {\n");
    C(AF_TIPC); C(SOL_TIPC);
    C(TIPC_SERVICE_RANGE); C(TIPC_SERVICE_ADDR); C(TIPC_SOCKET_ADDR); C(TIPC_ADDR_MCAST);
    C(TIPC_ADDR_NAMESEQ); C(TIPC_ADDR_NAME); C(TIPC_ADDR_ID);
    C(TIPC_NODE_STATE); C(TIPC_TOP_SRV); C(TIPC_LINK_STATE); C(TIPC_RESERVED_TYPES); C(TIPC_CFG_SRV);
    C(TIPC_ZONE_SCOPE); C(TIPC_CLUSTER_SCOPE); C(TIPC_NODE_SCOPE); C(TIPC_MAX_USER_MSG_SIZE);
    C(TIPC_LOW_IMPORTANCE); C(TIPC_MEDIUM_IMPORTANCE); C(TIPC_HIGH_IMPORTANCE); C(TIPC_CRITICAL_IMPORTANCE);
    C(TIPC_OK); C(TIPC_ERR_NO_NAME); C(TIPC_ERR_NO_PORT); C(TIPC_ERR_NO_NODE); C(TIPC_ERR_OVERLOAD);
    C(TIPC_CONN_SHUTDOWN);
    C(TIPC_SUB_PORTS); C(TIPC_SUB_SERVICE); C(TIPC_SUB_CANCEL); C(TIPC_WAIT_FOREVER);
    C(TIPC_PUBLISHED); C(TIPC_WITHDRAWN); C(TIPC_SUBSCR_TIMEOUT);
    C(TIPC_ERRINFO); C(TIPC_RETDATA); C(TIPC_DESTNAME);
    C(TIPC_IMPORTANCE); C(TIPC_SRC_DROPPABLE); C(TIPC_DEST_DROPPABLE); C(TIPC_CONN_TIMEOUT);
    C(TIPC_NODE_RECVQ_DEPTH); C(TIPC_SOCK_RECVQ_DEPTH); C(TIPC_MCAST_BROADCAST); C(TIPC_MCAST_REPLICAST);
    C(TIPC_GROUP_JOIN); C(TIPC_GROUP_LEAVE); C(TIPC_SOCK_RECVQ_USED); C(TIPC_NODELAY);
    C(TIPC_GROUP_LOOPBACK); C(TIPC_GROUP_MEMBER_EVTS);
    C(TIPC_NODEID_LEN); C(TIPC_MAX_MEDIA_NAME); C(TIPC_MAX_IF_NAME); C(TIPC_MAX_BEARER_NAME);
    C(TIPC_MAX_LINK_NAME); C(SIOCGETLINKNAME); C(SIOCGETNODEID);
    C(TIPC_AEAD_ALG_NAME); C(TIPC_AEAD_KEYLEN_MIN); C(TIPC_AEAD_KEYLEN_MAX); C(TIPC_REKEYING_NOW);
    C(TIPC_NODE_BITS); C(TIPC_CLUSTER_BITS); C(TIPC_ZONE_BITS); C(TIPC_NODE_OFFSET); C(TIPC_CLUSTER_OFFSET);
    C(TIPC_ZONE_OFFSET); C(TIPC_NODE_SIZE); C(TIPC_CLUSTER_SIZE); C(TIPC_ZONE_SIZE); C(TIPC_NODE_MASK);
    C(TIPC_CLUSTER_MASK); C(TIPC_ZONE_MASK); LAST(TIPC_ZONE_CLUSTER_MASK);
    printf("  },\n");
    printf("  \"byteorder\": \"%s\",\n", __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "little" : "big");
    printf("  \"sizes\": {\"tipc_subscr\": %zu, \"tipc_event\": %zu, \"tipc_group_req\": %zu, "
           "\"errinfo_space\": %zu, \"destname_space\": %zu},\n", sizeof(struct tipc_subscr),
           sizeof(struct tipc_event), sizeof(struct tipc_group_req), (size_t)CMSG_SPACE(sizeof errinfo),
           (size_t)CMSG_SPACE(sizeof destname));
    printf("  \"offsets\": {\"subscr.seq\": %zu, \"subscr.timeout\": %zu, \"subscr.filter\": %zu, "
           "\"subscr.usr_handle\": %zu, \"event.event\": %zu, \"event.found_lower\": %zu, "
           "\"event.found_upper\": %zu, \"event.port.ref\": %zu, \"event.port.node\": %zu, \"event.s\": %zu},\n",
           offsetof(struct tipc_subscr, seq), offsetof(struct tipc_subscr, timeout),
           offsetof(struct tipc_subscr, filter), offsetof(struct tipc_subscr, usr_handle),
           offsetof(struct tipc_event, event), offsetof(struct tipc_event, found_lower),
           offsetof(struct tipc_event, found_upper), offsetof(struct tipc_event, port.ref),
           offsetof(struct tipc_event, port.node), offsetof(struct tipc_event, s));
    printf("  \"subscriptions\": [\n");
    for (size_t i = 0; i < nsubs; i++) {
        s = subs[i];
        printf("    {\"id\": \"%s\", \"type\": %u, \"lower\": %u, \"upper\": %u, \"timeout\": %u, "
               "\"filter\": %u, \"handle\": \"", sub_ids[i], s.seq.type, s.seq.lower, s.seq.upper, s.timeout,
               s.filter);
        hex(s.usr_handle, sizeof s.usr_handle);
        printf("\", \"native\": \"");
        hex(&s, sizeof s);
        swap_subscr(&s);
        printf("\", \"swapped\": \"");
        hex(&s, sizeof s);
        printf("\"}%s\n", i + 1 < nsubs ? "," : "");
    }
    printf("  ],\n  \"events\": [\n");
    for (size_t i = 0; i < 2; i++) {  /* a publication for the first subscription, a timeout for the second */
        memset(&e, 0, sizeof e);
        e.event = i ? TIPC_SUBSCR_TIMEOUT : TIPC_PUBLISHED;
        e.found_lower = i ? subs[1].seq.lower : 5;
        e.found_upper = i ? subs[1].seq.upper : 7;
        e.port.ref = i ? 0 : 3226570193u;
        e.port.node = i ? 0 : 0x1001001u;
        e.s = subs[i];
        printf("    {\"event\": %u, \"found_lower\": %u, \"found_upper\": %u, \"ref\": %u, \"node\": %u, "
               "\"subscription\": \"%s\", \"native\": \"", e.event, e.found_lower, e.found_upper, e.port.ref,
               e.port.node, sub_ids[i]);
        hex(&e, sizeof e);
        swap_words(&e, offsetof(struct tipc_event, s));
        swap_subscr(&e.s);
        printf("\", \"swapped\": \"");
        hex(&e, sizeof e);
        printf("\"}%s\n", i ? "" : ",");
    }
    printf("  ],\n  \"group_requests\": [\n");
    for (size_t i = 0; i < 2; i++) {
        printf("    {\"type\": %u, \"instance\": %u, \"scope\": %u, \"flags\": %u, \"hex\": \"", groups[i].type,
               groups[i].instance, groups[i].scope, groups[i].flags);
        hex(&groups[i], sizeof groups[i]);
        printf("\"}%s\n", i ? "" : ",");
    }
    printf("  ],\n  \"errinfo\": {\"error\": %u, \"length\": %u, \"hex\": \"", errinfo[0], errinfo[1]);
    hex(errinfo, sizeof errinfo);
    printf("\"},\n  \"destname\": {\"type\": %u, \"lower\": %u, \"upper\": %u, \"hex\": \"", destname[0],
           destname[1], destname[2]);
    hex(destname, sizeof destname);
    printf("\"}\n}\n");
    return 0;
}
