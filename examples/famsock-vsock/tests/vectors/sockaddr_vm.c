/* Test vectors for AF_VSOCK: struct sockaddr_vm from <linux/vm_sockets.h>, and its constants.
 * Prints JSON: the struct's size and field offsets, the constants, and one case per address
 * (cid, port, flags) with the struct's bytes as a C program passes them to bind(2).
 * Regenerate: gcc -o /tmp/vsockvec sockaddr_vm.c && /tmp/vsockvec > sockaddr_vm.json  */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <linux/vm_sockets.h>

static const struct { const char *id; unsigned cid, port; unsigned char flags; } cases[] = {
    {"any", VMADDR_CID_ANY, VMADDR_PORT_ANY, 0},
    {"any-cid-port-1234", VMADDR_CID_ANY, 1234, 0},
    {"hypervisor", VMADDR_CID_HYPERVISOR, 0, 0},
    {"local", VMADDR_CID_LOCAL, 9999, 0},
    {"host", VMADDR_CID_HOST, 22, 0},
    {"guest-3", 3, 1024, 0},
    {"big-cid", 0xfffffffeu, 0xfffffffeu, 0},
    {"byte-order", 0x01020304u, 0x0a0b0c0du, 0},
    {"to-host", VMADDR_CID_HOST, 5000, VMADDR_FLAG_TO_HOST},
    {"unknown-flag", 7, 7, 0x80},
};

#define CONSTANT(name) printf("  \"" #name "\": %lld,\n", (long long)(name))

int main(void) {
    printf("{\n  \"struct\": \"sockaddr_vm\", \"size\": %zu,\n", sizeof(struct sockaddr_vm));
    printf("  \"offsets\": {\"svm_family\": %zu, \"svm_reserved1\": %zu, \"svm_port\": %zu, \"svm_cid\": %zu, "
           "\"svm_flags\": %zu, \"svm_zero\": %zu},\n",
           offsetof(struct sockaddr_vm, svm_family), offsetof(struct sockaddr_vm, svm_reserved1),
           offsetof(struct sockaddr_vm, svm_port), offsetof(struct sockaddr_vm, svm_cid),
           offsetof(struct sockaddr_vm, svm_flags), offsetof(struct sockaddr_vm, svm_zero));
    CONSTANT(AF_VSOCK);
    CONSTANT(VMADDR_CID_ANY);
    CONSTANT(VMADDR_PORT_ANY);
    CONSTANT(VMADDR_CID_HYPERVISOR);
    CONSTANT(VMADDR_CID_LOCAL);
    CONSTANT(VMADDR_CID_HOST);
    CONSTANT(VMADDR_FLAG_TO_HOST);
    CONSTANT(VM_SOCKETS_INVALID_VERSION);
    CONSTANT(SO_VM_SOCKETS_BUFFER_SIZE);
    CONSTANT(SO_VM_SOCKETS_BUFFER_MIN_SIZE);
    CONSTANT(SO_VM_SOCKETS_BUFFER_MAX_SIZE);
    CONSTANT(SO_VM_SOCKETS_PEER_HOST_VM_ID);
    CONSTANT(SO_VM_SOCKETS_TRUSTED);
    CONSTANT(SO_VM_SOCKETS_CONNECT_TIMEOUT);
    CONSTANT(SO_VM_SOCKETS_NONBLOCK_TXRX);
    CONSTANT(IOCTL_VM_SOCKETS_GET_LOCAL_CID);
    CONSTANT(SOL_VSOCK);
    printf("  \"cases\": [\n");
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        struct sockaddr_vm svm;
        memset(&svm, 0, sizeof svm);
        svm.svm_family = AF_VSOCK;
        svm.svm_cid = cases[i].cid;
        svm.svm_port = cases[i].port;
        svm.svm_flags = cases[i].flags;
        printf("    {\"id\": \"%s\", \"cid\": %u, \"port\": %u, \"flags\": %u, \"hex\": \"", cases[i].id,
               cases[i].cid, cases[i].port, cases[i].flags);
        for (size_t b = 0; b < sizeof svm; b++) printf("%02x", ((unsigned char *)&svm)[b]);
        printf("\"}%s\n", i + 1 < n ? "," : "");
    }
    printf("  ]\n}\n");
    return 0;
}
