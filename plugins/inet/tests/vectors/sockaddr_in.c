/* Test vectors for AF_INET: struct sockaddr_in built by the C library from <netinet/in.h>.
 * Prints JSON: the struct's layout and one {host, port, hex} per case.
 * Regenerate: gcc -o /tmp/v sockaddr_in.c && /tmp/v > sockaddr_in.json  */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const struct { const char *host; unsigned port; } cases[] = {
    {"127.0.0.1", 80}, {"0.0.0.0", 0}, {"255.255.255.255", 65535}, {"10.1.2.3", 8080},
    {"192.0.2.1", 1}, {"1.2.3.4", 256}, {"224.0.0.251", 5353}, {"169.254.0.1", 49152},
};

int main(void) {
    printf("{\n  \"struct\": \"sockaddr_in\", \"size\": %zu, \"AF_INET\": %d,\n", sizeof(struct sockaddr_in), AF_INET);
    printf("  \"offsets\": {\"sin_family\": %zu, \"sin_port\": %zu, \"sin_addr\": %zu, \"sin_zero\": %zu},\n",
           offsetof(struct sockaddr_in, sin_family), offsetof(struct sockaddr_in, sin_port),
           offsetof(struct sockaddr_in, sin_addr), offsetof(struct sockaddr_in, sin_zero));
    printf("  \"cases\": [\n");
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = htons((unsigned short)cases[i].port);
        inet_pton(AF_INET, cases[i].host, &sin.sin_addr);
        printf("    {\"host\": \"%s\", \"port\": %u, \"hex\": \"", cases[i].host, cases[i].port);
        for (size_t b = 0; b < sizeof sin; b++) printf("%02x", ((unsigned char *)&sin)[b]);
        printf("\"}%s\n", i + 1 < n ? "," : "");
    }
    printf("  ]\n}\n");
    return 0;
}
