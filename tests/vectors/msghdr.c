/* Layouts and macros of sendmsg()/recvmsg() from the C library's <sys/socket.h> (glibc, x86-64).
 * Prints JSON: sizes and offsets of struct msghdr, struct iovec and struct cmsghdr; CMSG_ALIGN,
 * CMSG_LEN and CMSG_SPACE for small lengths; and walks of CMSG_FIRSTHDR/CMSG_NXTHDR over control
 * buffers with chosen cmsg_len values (the offsets each walk visits), so famsock's own walk over
 * received control data can be checked against the C library's.
 * Regenerate: gcc -o /tmp/m msghdr.c && /tmp/m > msghdr.json  */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* One walk: a control buffer of `controllen` bytes holding headers whose cmsg_len values are
 * `lens`, each placed where the previous one's CMSG_ALIGN(cmsg_len) ends (as the kernel does). */
static const struct { size_t controllen; int n; size_t lens[5]; } walks[] = {
    {0, 0, {0}}, {15, 1, {16}}, {16, 1, {16}}, {20, 1, {20}}, {24, 1, {20}},
    {40, 2, {20, 16}}, {39, 2, {20, 16}}, {48, 2, {20, 28}}, {52, 2, {28, 20}},
    {64, 1, {8}}, {32, 1, {0}}, {64, 2, {20, 8}}, {64, 1, {16}}, {64, 1, {1000}},
    {64, 4, {16, 16, 16, 16}}, {63, 4, {16, 16, 16, 16}}, {56, 2, {32, 24}}, {55, 2, {32, 24}},
};

int main(void) {
    union { struct cmsghdr align; unsigned char bytes[256]; } control;
    printf("{\n  \"msghdr\": {\"size\": %zu, \"offsets\": {\"msg_name\": %zu, \"msg_namelen\": %zu, "
           "\"msg_iov\": %zu, \"msg_iovlen\": %zu, \"msg_control\": %zu, \"msg_controllen\": %zu, "
           "\"msg_flags\": %zu}},\n", sizeof(struct msghdr), offsetof(struct msghdr, msg_name),
           offsetof(struct msghdr, msg_namelen), offsetof(struct msghdr, msg_iov),
           offsetof(struct msghdr, msg_iovlen), offsetof(struct msghdr, msg_control),
           offsetof(struct msghdr, msg_controllen), offsetof(struct msghdr, msg_flags));
    printf("  \"iovec\": {\"size\": %zu, \"offsets\": {\"iov_base\": %zu, \"iov_len\": %zu}},\n",
           sizeof(struct iovec), offsetof(struct iovec, iov_base), offsetof(struct iovec, iov_len));
    printf("  \"cmsghdr\": {\"size\": %zu, \"offsets\": {\"cmsg_len\": %zu, \"cmsg_level\": %zu, "
           "\"cmsg_type\": %zu}, \"cmsg_len_size\": %zu, \"data_offset\": %zu},\n",
           sizeof(struct cmsghdr), offsetof(struct cmsghdr, cmsg_len),
           offsetof(struct cmsghdr, cmsg_level), offsetof(struct cmsghdr, cmsg_type),
           sizeof(((struct cmsghdr *)0)->cmsg_len),
           (size_t)(CMSG_DATA(&control.align) - (unsigned char *)&control.align));
    printf("  \"macros\": [");
    for (size_t n = 0; n <= 40; n++)
        printf("%s\n    {\"n\": %zu, \"CMSG_ALIGN\": %zu, \"CMSG_LEN\": %zu, \"CMSG_SPACE\": %zu}",
               n ? "," : "", n, (size_t)CMSG_ALIGN(n), (size_t)CMSG_LEN(n), (size_t)CMSG_SPACE(n));
    printf("\n  ],\n  \"walks\": [");
    size_t count = sizeof walks / sizeof walks[0];
    for (size_t w = 0; w < count; w++) {
        struct msghdr msg;
        memset(&msg, 0, sizeof msg);
        memset(&control, 0, sizeof control);
        size_t offset = 0;
        for (int i = 0; i < walks[w].n && offset + sizeof(struct cmsghdr) <= sizeof control; i++) {
            ((struct cmsghdr *)(control.bytes + offset))->cmsg_len = walks[w].lens[i];
            offset += CMSG_ALIGN(walks[w].lens[i]);
        }
        msg.msg_control = control.bytes;
        msg.msg_controllen = walks[w].controllen;
        printf("%s\n    {\"controllen\": %zu, \"lens\": [", w ? "," : "", walks[w].controllen);
        for (int i = 0; i < walks[w].n; i++) printf("%s%zu", i ? ", " : "", walks[w].lens[i]);
        printf("], \"visited\": [");
        int first = 1;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
            printf("%s%zu", first ? "" : ", ", (size_t)((unsigned char *)c - control.bytes));
            first = 0;
        }
        printf("]}");
    }
    printf("\n  ]\n}\n");
    return 0;
}
