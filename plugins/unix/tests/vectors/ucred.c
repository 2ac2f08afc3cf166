/* Test vectors for AF_UNIX's ancillary data and SO_PEERCRED, from <sys/socket.h> (glibc, Linux).
 * Prints JSON: struct ucred's layout (size, offsets, field sizes, which fields are signed), the
 * constants, byte images of struct ucred values at the limits of its field types, and of the int
 * array an SCM_RIGHTS item carries; CMSG_LEN/CMSG_SPACE of both, for receive buffers.
 * Regenerate: gcc -Wall -Werror -o /tmp/v ucred.c && /tmp/v > ucred.json  */
#define _GNU_SOURCE
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define SIGNED(type) ((type)-1 < (type)0)

static void hex(const void *data, size_t n) {
    for (size_t i = 0; i < n; i++) printf("%02x", ((const unsigned char *)data)[i]);
}

int main(void) {
    static const struct { const char *id; struct ucred value; } creds[] = {
        {"typical", {.pid = 4242, .uid = 1000, .gid = 100}},
        {"root", {.pid = 1, .uid = 0, .gid = 0}},
        {"no-peer", {.pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1}},  /* what a socket with no peer reports */
        {"largest", {.pid = INT_MAX, .uid = UINT_MAX - 1, .gid = UINT_MAX - 1}},
        {"negative-pid", {.pid = INT_MIN, .uid = 0, .gid = 0}},
    };
    static const int fds[] = {0, 1, 2, 255, 65536, INT_MAX};
    size_t count = sizeof creds / sizeof creds[0];

    printf("{\n  \"struct\": \"ucred\", \"size\": %zu,\n", sizeof(struct ucred));
    printf("  \"offsets\": {\"pid\": %zu, \"uid\": %zu, \"gid\": %zu},\n", offsetof(struct ucred, pid),
           offsetof(struct ucred, uid), offsetof(struct ucred, gid));
    printf("  \"sizes\": {\"pid\": %zu, \"uid\": %zu, \"gid\": %zu, \"int\": %zu},\n", sizeof(pid_t),
           sizeof(uid_t), sizeof(gid_t), sizeof(int));
    printf("  \"signed\": {\"pid\": %s, \"uid\": %s, \"gid\": %s},\n", SIGNED(pid_t) ? "true" : "false",
           SIGNED(uid_t) ? "true" : "false", SIGNED(gid_t) ? "true" : "false");
    printf("  \"constants\": {\"SOL_SOCKET\": %d, \"SCM_RIGHTS\": %d, \"SCM_CREDENTIALS\": %d, "
           "\"SO_PEERCRED\": %d, \"SO_PASSCRED\": %d},\n", SOL_SOCKET, SCM_RIGHTS, SCM_CREDENTIALS,
           SO_PEERCRED, SO_PASSCRED);
    printf("  \"cmsg\": {\"ucred_len\": %zu, \"ucred_space\": %zu, \"int_len\": %zu, \"int_space\": %zu},\n",
           (size_t)CMSG_LEN(sizeof(struct ucred)), (size_t)CMSG_SPACE(sizeof(struct ucred)),
           (size_t)CMSG_LEN(sizeof(int)), (size_t)CMSG_SPACE(sizeof(int)));
    printf("  \"credentials\": [\n");
    for (size_t i = 0; i < count; i++) {
        const struct ucred *c = &creds[i].value;
        printf("    {\"id\": \"%s\", \"pid\": %lld, \"uid\": %llu, \"gid\": %llu, \"hex\": \"", creds[i].id,
               (long long)c->pid, (unsigned long long)c->uid, (unsigned long long)c->gid);
        hex(c, sizeof *c);
        printf("\"}%s\n", i + 1 < count ? "," : "");
    }
    printf("  ],\n  \"rights\": {\"fds\": [");
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) printf("%s%d", i ? ", " : "", fds[i]);
    printf("], \"hex\": \"");
    hex(fds, sizeof fds);
    printf("\"}\n}\n");
    return 0;
}
