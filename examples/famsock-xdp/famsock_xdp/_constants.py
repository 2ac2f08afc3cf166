"""AF_XDP's numbers, from <linux/if_xdp.h> (tests/vectors/if_xdp.c prints them). The interpreter
has none of them: CPython knows nothing of AF_XDP."""

from __future__ import annotations

__all__ = ["AF_XDP", "CONSTANTS", "FLAG_NAMES", "SOL_XDP"]

AF_XDP = 44
SOL_XDP = 283

XDP_SHARED_UMEM = 1 << 0
XDP_COPY = 1 << 1
XDP_ZEROCOPY = 1 << 2
XDP_USE_NEED_WAKEUP = 1 << 3

XDP_MMAP_OFFSETS = 1
XDP_RX_RING = 2
XDP_TX_RING = 3
XDP_UMEM_REG = 4
XDP_UMEM_FILL_RING = 5
XDP_UMEM_COMPLETION_RING = 6
XDP_STATISTICS = 7
XDP_OPTIONS = 8

XDP_PGOFF_RX_RING = 0
XDP_PGOFF_TX_RING = 0x80000000
XDP_UMEM_PGOFF_FILL_RING = 0x100000000
XDP_UMEM_PGOFF_COMPLETION_RING = 0x180000000

#: What this family adds to ``famsock`` (``famsock.SOL_XDP``, ``famsock.XDP_COPY``...).
CONSTANTS: dict[str, int] = {
    "SOL_XDP": SOL_XDP,
    "XDP_SHARED_UMEM": XDP_SHARED_UMEM,
    "XDP_COPY": XDP_COPY,
    "XDP_ZEROCOPY": XDP_ZEROCOPY,
    "XDP_USE_NEED_WAKEUP": XDP_USE_NEED_WAKEUP,
    "XDP_UMEM_UNALIGNED_CHUNK_FLAG": 1 << 0,
    "XDP_RING_NEED_WAKEUP": 1 << 0,
    "XDP_MMAP_OFFSETS": XDP_MMAP_OFFSETS,
    "XDP_RX_RING": XDP_RX_RING,
    "XDP_TX_RING": XDP_TX_RING,
    "XDP_UMEM_REG": XDP_UMEM_REG,
    "XDP_UMEM_FILL_RING": XDP_UMEM_FILL_RING,
    "XDP_UMEM_COMPLETION_RING": XDP_UMEM_COMPLETION_RING,
    "XDP_STATISTICS": XDP_STATISTICS,
    "XDP_OPTIONS": XDP_OPTIONS,
    "XDP_OPTIONS_ZEROCOPY": 1 << 0,
    "XDP_PGOFF_RX_RING": XDP_PGOFF_RX_RING,
    "XDP_PGOFF_TX_RING": XDP_PGOFF_TX_RING,
    "XDP_UMEM_PGOFF_FILL_RING": XDP_UMEM_PGOFF_FILL_RING,
    "XDP_UMEM_PGOFF_COMPLETION_RING": XDP_UMEM_PGOFF_COMPLETION_RING,
}

#: ``sxdp_flags`` bits by their name in the text form (``xdp:5:0:copy+need_wakeup``).
FLAG_NAMES: dict[str, int] = {"shared_umem": XDP_SHARED_UMEM, "copy": XDP_COPY, "zerocopy": XDP_ZEROCOPY,
                              "need_wakeup": XDP_USE_NEED_WAKEUP}
