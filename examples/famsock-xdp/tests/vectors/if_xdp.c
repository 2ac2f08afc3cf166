/* Test vectors for AF_XDP: struct sockaddr_xdp and the socket options' structs from <linux/if_xdp.h>.
 * Prints JSON: each struct's size and field offsets, the constants, byte images of sockaddr_xdp and
 * xdp_umem_reg as a C program passes them to bind(2) and setsockopt(2), and of the structs the
 * kernel writes (xdp_mmap_offsets, xdp_statistics, xdp_desc) filled with distinct values.
 * Regenerate: gcc -o /tmp/xdpvec if_xdp.c && /tmp/xdpvec > if_xdp.json  */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_xdp.h>

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

static void hex(const void *data, size_t n) {
    for (size_t i = 0; i < n; i++) printf("%02x", ((const unsigned char *)data)[i]);
}

#define CONSTANT(name) printf("  \"" #name "\": %lld,\n", (long long)(name))
#define FIELD(type, field, last) printf("\"" #field "\": %zu%s", offsetof(type, field), last ? "" : ", ")

static const struct { const char *id; uint16_t flags; uint32_t ifindex, queue, fd; } addresses[] = {
    {"queue-0", 0, 2, 0, 0},
    {"copy-mode", XDP_COPY, 5, 0, 0},
    {"zerocopy-wakeup", XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP, 7, 3, 0},
    {"shared-umem", XDP_SHARED_UMEM, 2, 1, 9},
    {"max-fields", 0xffff, 0xffffffffu, 0xffffffffu, 0xffffffffu},
    {"byte-order", 0x0102, 0x03040506u, 0x0708090au, 0x0b0c0d0eu},
};

int main(void) {
    printf("{\n");
    printf("  \"sockaddr_xdp\": {\"size\": %zu, \"offsets\": {", sizeof(struct sockaddr_xdp));
    FIELD(struct sockaddr_xdp, sxdp_family, 0); FIELD(struct sockaddr_xdp, sxdp_flags, 0);
    FIELD(struct sockaddr_xdp, sxdp_ifindex, 0); FIELD(struct sockaddr_xdp, sxdp_queue_id, 0);
    FIELD(struct sockaddr_xdp, sxdp_shared_umem_fd, 1);
    printf("}},\n  \"xdp_umem_reg\": {\"size\": %zu, \"offsets\": {", sizeof(struct xdp_umem_reg));
    FIELD(struct xdp_umem_reg, addr, 0); FIELD(struct xdp_umem_reg, len, 0);
    FIELD(struct xdp_umem_reg, chunk_size, 0); FIELD(struct xdp_umem_reg, headroom, 0);
    FIELD(struct xdp_umem_reg, flags, 1);
    printf("}},\n  \"xdp_ring_offset\": {\"size\": %zu, \"offsets\": {", sizeof(struct xdp_ring_offset));
    FIELD(struct xdp_ring_offset, producer, 0); FIELD(struct xdp_ring_offset, consumer, 0);
    FIELD(struct xdp_ring_offset, desc, 0); FIELD(struct xdp_ring_offset, flags, 1);
    printf("}},\n  \"xdp_mmap_offsets\": {\"size\": %zu, \"offsets\": {", sizeof(struct xdp_mmap_offsets));
    FIELD(struct xdp_mmap_offsets, rx, 0); FIELD(struct xdp_mmap_offsets, tx, 0);
    FIELD(struct xdp_mmap_offsets, fr, 0); FIELD(struct xdp_mmap_offsets, cr, 1);
    printf("}},\n  \"xdp_statistics\": {\"size\": %zu, \"offsets\": {", sizeof(struct xdp_statistics));
    FIELD(struct xdp_statistics, rx_dropped, 0); FIELD(struct xdp_statistics, rx_invalid_descs, 0);
    FIELD(struct xdp_statistics, tx_invalid_descs, 0); FIELD(struct xdp_statistics, rx_ring_full, 0);
    FIELD(struct xdp_statistics, rx_fill_ring_empty_descs, 0);
    FIELD(struct xdp_statistics, tx_ring_empty_descs, 1);
    printf("}},\n  \"xdp_options\": {\"size\": %zu, \"offsets\": {", sizeof(struct xdp_options));
    FIELD(struct xdp_options, flags, 1);
    printf("}},\n  \"xdp_desc\": {\"size\": %zu, \"offsets\": {", sizeof(struct xdp_desc));
    FIELD(struct xdp_desc, addr, 0); FIELD(struct xdp_desc, len, 0); FIELD(struct xdp_desc, options, 1);
    printf("}},\n  \"umem_descriptor_size\": %zu,\n", sizeof(uint64_t));
    CONSTANT(AF_XDP);
    CONSTANT(SOL_XDP);
    CONSTANT(XDP_SHARED_UMEM);
    CONSTANT(XDP_COPY);
    CONSTANT(XDP_ZEROCOPY);
    CONSTANT(XDP_USE_NEED_WAKEUP);
    CONSTANT(XDP_UMEM_UNALIGNED_CHUNK_FLAG);
    CONSTANT(XDP_RING_NEED_WAKEUP);
    CONSTANT(XDP_MMAP_OFFSETS);
    CONSTANT(XDP_RX_RING);
    CONSTANT(XDP_TX_RING);
    CONSTANT(XDP_UMEM_REG);
    CONSTANT(XDP_UMEM_FILL_RING);
    CONSTANT(XDP_UMEM_COMPLETION_RING);
    CONSTANT(XDP_STATISTICS);
    CONSTANT(XDP_OPTIONS);
    CONSTANT(XDP_OPTIONS_ZEROCOPY);
    CONSTANT(XDP_PGOFF_RX_RING);
    CONSTANT(XDP_PGOFF_TX_RING);
    CONSTANT(XDP_UMEM_PGOFF_FILL_RING);
    CONSTANT(XDP_UMEM_PGOFF_COMPLETION_RING);

    printf("  \"addresses\": [\n");
    size_t n = sizeof addresses / sizeof addresses[0];
    for (size_t i = 0; i < n; i++) {
        struct sockaddr_xdp sxdp;
        memset(&sxdp, 0, sizeof sxdp);
        sxdp.sxdp_family = AF_XDP;
        sxdp.sxdp_flags = addresses[i].flags;
        sxdp.sxdp_ifindex = addresses[i].ifindex;
        sxdp.sxdp_queue_id = addresses[i].queue;
        sxdp.sxdp_shared_umem_fd = addresses[i].fd;
        printf("    {\"id\": \"%s\", \"ifindex\": %u, \"queue_id\": %u, \"flags\": %u, \"shared_umem_fd\": %u, \"hex\": \"",
               addresses[i].id, addresses[i].ifindex, addresses[i].queue, addresses[i].flags, addresses[i].fd);
        hex(&sxdp, sizeof sxdp);
        printf("\"}%s\n", i + 1 < n ? "," : "");
    }
    printf("  ],\n");

    struct xdp_umem_reg reg;
    memset(&reg, 0, sizeof reg);
    reg.addr = 0x00007f0102030000ull;
    reg.len = 16 * 4096;
    reg.chunk_size = 4096;
    reg.headroom = 256;
    reg.flags = XDP_UMEM_UNALIGNED_CHUNK_FLAG;
    printf("  \"umem_reg\": {\"addr\": %llu, \"len\": %llu, \"chunk_size\": %u, \"headroom\": %u, \"flags\": %u, \"hex\": \"",
           (unsigned long long)reg.addr, (unsigned long long)reg.len, reg.chunk_size, reg.headroom, reg.flags);
    hex(&reg, sizeof reg);
    printf("\"},\n");

    struct xdp_mmap_offsets offsets;
    uint64_t *field = (uint64_t *)&offsets;
    for (size_t i = 0; i < sizeof offsets / sizeof *field; i++) field[i] = 0x100 * (i + 1) + i;
    printf("  \"mmap_offsets\": {\"rx\": [%llu, %llu, %llu, %llu], \"tx\": [%llu, %llu, %llu, %llu], "
           "\"fr\": [%llu, %llu, %llu, %llu], \"cr\": [%llu, %llu, %llu, %llu], \"hex\": \"",
           (unsigned long long)offsets.rx.producer, (unsigned long long)offsets.rx.consumer,
           (unsigned long long)offsets.rx.desc, (unsigned long long)offsets.rx.flags,
           (unsigned long long)offsets.tx.producer, (unsigned long long)offsets.tx.consumer,
           (unsigned long long)offsets.tx.desc, (unsigned long long)offsets.tx.flags,
           (unsigned long long)offsets.fr.producer, (unsigned long long)offsets.fr.consumer,
           (unsigned long long)offsets.fr.desc, (unsigned long long)offsets.fr.flags,
           (unsigned long long)offsets.cr.producer, (unsigned long long)offsets.cr.consumer,
           (unsigned long long)offsets.cr.desc, (unsigned long long)offsets.cr.flags);
    hex(&offsets, sizeof offsets);
    printf("\"},\n");

    struct xdp_statistics stats = {1, 2, 3, 4, 0x0102030405060708ull, 6};
    printf("  \"statistics\": {\"values\": [%llu, %llu, %llu, %llu, %llu, %llu], \"hex\": \"",
           (unsigned long long)stats.rx_dropped, (unsigned long long)stats.rx_invalid_descs,
           (unsigned long long)stats.tx_invalid_descs, (unsigned long long)stats.rx_ring_full,
           (unsigned long long)stats.rx_fill_ring_empty_descs, (unsigned long long)stats.tx_ring_empty_descs);
    hex(&stats, sizeof stats);
    printf("\"},\n");

    struct xdp_desc desc = {0x1000, 60, 0};
    printf("  \"desc\": {\"addr\": %llu, \"len\": %u, \"options\": %u, \"hex\": \"", (unsigned long long)desc.addr,
           desc.len, desc.options);
    hex(&desc, sizeof desc);
    printf("\"}\n}\n");
    return 0;
}
