/* Layout of struct mmsghdr (recvmmsg()/sendmmsg(), <sys/socket.h> with _GNU_SOURCE), the field
 * sizes famsock's batch views read it through, and the constants the batch calls and their tests
 * use (the stdlib's socket module defines neither MSG_WAITFORONE nor SO_RCVBUFFORCE); for the
 * NETLINK batch tests, struct nlmsghdr and what asks the kernel for an ack (<linux/netlink.h>).
 * Regenerate: gcc -o /tmp/mm mmsghdr.c && /tmp/mm > mmsghdr.json  */
#define _GNU_SOURCE
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/netlink.h>

int main(void) {
    struct mmsghdr m;
    struct nlmsghdr n;
    printf("{\n  \"mmsghdr\": {\"size\": %zu, \"offsets\": {\"msg_name\": %zu, \"msg_namelen\": %zu, "
           "\"msg_iov\": %zu, \"msg_iovlen\": %zu, \"msg_control\": %zu, \"msg_controllen\": %zu, "
           "\"msg_flags\": %zu, \"msg_len\": %zu},\n",
           sizeof(struct mmsghdr), offsetof(struct mmsghdr, msg_hdr.msg_name),
           offsetof(struct mmsghdr, msg_hdr.msg_namelen), offsetof(struct mmsghdr, msg_hdr.msg_iov),
           offsetof(struct mmsghdr, msg_hdr.msg_iovlen), offsetof(struct mmsghdr, msg_hdr.msg_control),
           offsetof(struct mmsghdr, msg_hdr.msg_controllen), offsetof(struct mmsghdr, msg_hdr.msg_flags),
           offsetof(struct mmsghdr, msg_len));
    printf("    \"sizes\": {\"msg_name\": %zu, \"msg_namelen\": %zu, \"msg_iov\": %zu, \"msg_iovlen\": %zu, "
           "\"msg_control\": %zu, \"msg_controllen\": %zu, \"msg_flags\": %zu, \"msg_len\": %zu}},\n",
           sizeof m.msg_hdr.msg_name, sizeof m.msg_hdr.msg_namelen, sizeof m.msg_hdr.msg_iov,
           sizeof m.msg_hdr.msg_iovlen, sizeof m.msg_hdr.msg_control, sizeof m.msg_hdr.msg_controllen,
           sizeof m.msg_hdr.msg_flags, sizeof m.msg_len);
    printf("  \"iovec\": {\"size\": %zu, \"offsets\": {\"iov_base\": %zu, \"iov_len\": %zu}},\n",
           sizeof(struct iovec), offsetof(struct iovec, iov_base), offsetof(struct iovec, iov_len));
    printf("  \"sockaddr_storage\": %zu,\n", sizeof(struct sockaddr_storage));
    printf("  \"MSG_WAITFORONE\": %d,\n  \"UIO_MAXIOV\": %d,\n", MSG_WAITFORONE, UIO_MAXIOV);
    /* for the tests: a receive buffer past net.core.rmem_max (root) */
    printf("  \"SO_RCVBUFFORCE\": %d,\n", SO_RCVBUFFORCE);
    printf("  \"nlmsghdr\": {\"size\": %zu, \"offsets\": {\"nlmsg_len\": %zu, \"nlmsg_type\": %zu, "
           "\"nlmsg_flags\": %zu, \"nlmsg_seq\": %zu, \"nlmsg_pid\": %zu}, \"sizes\": {\"nlmsg_len\": %zu, "
           "\"nlmsg_type\": %zu, \"nlmsg_flags\": %zu, \"nlmsg_seq\": %zu, \"nlmsg_pid\": %zu}},\n",
           sizeof(struct nlmsghdr), offsetof(struct nlmsghdr, nlmsg_len),
           offsetof(struct nlmsghdr, nlmsg_type), offsetof(struct nlmsghdr, nlmsg_flags),
           offsetof(struct nlmsghdr, nlmsg_seq), offsetof(struct nlmsghdr, nlmsg_pid),
           sizeof n.nlmsg_len, sizeof n.nlmsg_type, sizeof n.nlmsg_flags, sizeof n.nlmsg_seq,
           sizeof n.nlmsg_pid);
    printf("  \"NLMSG_NOOP\": %d,\n  \"NLMSG_ERROR\": %d,\n  \"NLM_F_REQUEST\": %d,\n  \"NLM_F_ACK\": %d,\n"
           "  \"NETLINK_ROUTE\": %d,\n  \"ack_size\": %zu\n}\n",
           NLMSG_NOOP, NLMSG_ERROR, NLM_F_REQUEST, NLM_F_ACK, NETLINK_ROUTE,
           (size_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)));
    return 0;
}
