/* Test vectors for AF_INET6: struct sockaddr_in6 built by the C library from <netinet/in.h>.
 * Prints JSON: the struct's layout, the flow-label API of <linux/in6.h> (the loopback tests use
 * it to make the kernel check sin6_flowinfo), and one {input, host, port, flowinfo, scope_id, hex}
 * per case, where host is inet_ntop's text (what CPython reports) and hex the struct's bytes.
 * sin6_flowinfo is stored with htonl: <linux/in6.h> says "the flowinfo field of sockaddr_in6 is
 * in network byte order" (and in6_flowlabel_req.flr_label is a __be32); sin6_scope_id is stored
 * as is (host order), as are the family and the struct's other integers.
 * Regenerate: gcc -o /tmp/v sockaddr_in6.c && /tmp/v > sockaddr_in6.json  */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/in6.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const struct { const char *input; unsigned port; uint32_t flowinfo, scope_id; } cases[] = {
    {"::1", 80, 0, 0},
    {"::", 0, 0, 0},
    {"0:0:0:0:0:0:0:1", 8080, 0, 0},
    {"::2", 1, 0, 0},
    {"1::", 2, 0, 0},
    {"2001:db8:85a3::8a2e:370:7334", 443, 0, 0},
    {"2001:DB8:0:0:1:0:0:1", 1, 0xfffff, 0},
    {"2001:db8::", 256, 1, 1},
    {"2001:db8::1", 53, 0xabcde, 0},
    {"fe80::1", 443, 0, 1},
    {"fe80::abcd:ef01:2345:6789", 0x1234, 0x12345, 0x01020304},
    {"fe80::1:2:3:4", 65535, 0, 0xffffffff},
    {"ff02::1", 5353, 0, 2},
    {"ff01::fb", 5353, 0, 7},
    {"::ffff:127.0.0.1", 5000, 0, 0},
    {"::ffff:7f00:1", 5001, 0, 0},
    {"::ffff:255.255.255.255", 65535, 0, 0},
    {"::ffff:0.0.0.0", 0, 0, 0},
    {"::1.2.3.4", 9, 0, 0},
    {"::ffff:0:1.2.3.4", 10, 0, 0},
    {"64:ff9b::192.0.2.33", 11, 0, 0},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535, 0xfffff, 0xffffffff},
};

int main(void) {
    printf("{\n  \"struct\": \"sockaddr_in6\", \"size\": %zu, \"AF_INET6\": %d,\n",
           sizeof(struct sockaddr_in6), AF_INET6);
    printf("  \"offsets\": {\"sin6_family\": %zu, \"sin6_port\": %zu, \"sin6_flowinfo\": %zu, "
           "\"sin6_addr\": %zu, \"sin6_scope_id\": %zu},\n",
           offsetof(struct sockaddr_in6, sin6_family), offsetof(struct sockaddr_in6, sin6_port),
           offsetof(struct sockaddr_in6, sin6_flowinfo), offsetof(struct sockaddr_in6, sin6_addr),
           offsetof(struct sockaddr_in6, sin6_scope_id));
    struct sockaddr_in6 probe;
    printf("  \"sizes\": {\"sin6_family\": %zu, \"sin6_port\": %zu, \"sin6_flowinfo\": %zu, "
           "\"sin6_addr\": %zu, \"sin6_scope_id\": %zu},\n",
           sizeof probe.sin6_family, sizeof probe.sin6_port, sizeof probe.sin6_flowinfo,
           sizeof probe.sin6_addr, sizeof probe.sin6_scope_id);
    printf("  \"IPV6_FLOWINFO_FLOWLABEL\": %d,\n", IPV6_FLOWINFO_FLOWLABEL);
    printf("  \"flowlabel\": {\"IPV6_FLOWLABEL_MGR\": %d, \"IPV6_FLOWINFO_SEND\": %d, "
           "\"IPV6_FL_A_GET\": %d, \"IPV6_FL_F_CREATE\": %d, \"IPV6_FL_S_EXCL\": %d,\n",
           IPV6_FLOWLABEL_MGR, IPV6_FLOWINFO_SEND, IPV6_FL_A_GET, IPV6_FL_F_CREATE, IPV6_FL_S_EXCL);
    printf("    \"size\": %zu, \"flr_dst\": %zu, \"flr_label\": %zu, \"flr_action\": %zu, "
           "\"flr_share\": %zu, \"flr_flags\": %zu},\n",
           sizeof(struct in6_flowlabel_req), offsetof(struct in6_flowlabel_req, flr_dst),
           offsetof(struct in6_flowlabel_req, flr_label), offsetof(struct in6_flowlabel_req, flr_action),
           offsetof(struct in6_flowlabel_req, flr_share), offsetof(struct in6_flowlabel_req, flr_flags));
    printf("  \"cases\": [\n");
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        struct sockaddr_in6 sin6;
        char host[INET6_ADDRSTRLEN];
        memset(&sin6, 0, sizeof sin6);
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons((uint16_t)cases[i].port);
        sin6.sin6_flowinfo = htonl(cases[i].flowinfo);
        sin6.sin6_scope_id = cases[i].scope_id;
        if (inet_pton(AF_INET6, cases[i].input, &sin6.sin6_addr) != 1) return 1;
        if (!inet_ntop(AF_INET6, &sin6.sin6_addr, host, sizeof host)) return 1;
        printf("    {\"input\": \"%s\", \"host\": \"%s\", \"port\": %u, \"flowinfo\": %u, "
               "\"scope_id\": %u,\n     \"hex\": \"", cases[i].input, host, cases[i].port,
               (unsigned)cases[i].flowinfo, (unsigned)cases[i].scope_id);
        for (size_t b = 0; b < sizeof sin6; b++) printf("%02x", ((unsigned char *)&sin6)[b]);
        printf("\"}%s\n", i + 1 < n ? "," : "");
    }
    printf("  ]\n}\n");
    return 0;
}
