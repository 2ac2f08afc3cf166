/* Test vectors for AF_NETLINK: struct sockaddr_nl from <linux/netlink.h>, as a C program fills it.
 * Prints JSON: the struct's layout and one {pid, groups, hex} per case.
 * Regenerate: gcc -o /tmp/snl sockaddr_nl.c && /tmp/snl > sockaddr_nl.json  */
#include <linux/netlink.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const struct { unsigned pid, groups; } cases[] = {
    {0, 0}, {1, 0}, {0, 1}, {12345, 0x5}, {0xFFFFFFFFu, 0}, {0, 0xFFFFFFFFu},
    {0xFFFFFFFFu, 0xFFFFFFFFu}, {0x80000000u, 0x80000000u}, {4242, 0x100}, {0x12345678u, 0x9abcdef0u},
};

int main(void) {
    printf("{\n  \"struct\": \"sockaddr_nl\", \"size\": %zu, \"AF_NETLINK\": %d,\n",
           sizeof(struct sockaddr_nl), AF_NETLINK);
    printf("  \"offsets\": {\"nl_family\": %zu, \"nl_pad\": %zu, \"nl_pid\": %zu, \"nl_groups\": %zu},\n",
           offsetof(struct sockaddr_nl, nl_family), offsetof(struct sockaddr_nl, nl_pad),
           offsetof(struct sockaddr_nl, nl_pid), offsetof(struct sockaddr_nl, nl_groups));
    printf("  \"cases\": [\n");
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        struct sockaddr_nl snl;
        memset(&snl, 0, sizeof snl);
        snl.nl_family = AF_NETLINK;
        snl.nl_pid = cases[i].pid;
        snl.nl_groups = cases[i].groups;
        printf("    {\"pid\": %u, \"groups\": %u, \"hex\": \"", cases[i].pid, cases[i].groups);
        for (size_t b = 0; b < sizeof snl; b++) printf("%02x", ((unsigned char *)&snl)[b]);
        printf("\"}%s\n", i + 1 < n ? "," : "");
    }
    printf("  ]\n}\n");
    return 0;
}
