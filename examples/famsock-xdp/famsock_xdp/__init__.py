"""famsock-xdp: the AF_XDP family (XDP sockets, ``struct sockaddr_xdp``) for famsock.

A third-party plugin, published on its own: installed, it registers itself under the
``famsock.families`` entry point group, and ``famsock`` sockets of AF_XDP, which the interpreter
cannot handle at all (its ``bind()`` says "bad family"), bind through the raw syscall path with
typed addresses (:class:`XdpAddress`); their socket options are values
(:class:`UmemRegistration`, :class:`MmapOffsets`, :class:`XdpStatistics`, :class:`XdpOptions`);
:class:`Umem` and the ring classes map a socket's memory with ``mmap``.

Hooks (famsock.contract, version 2): the family, and the SOL_XDP socket options. No loopback:
nothing answers an AF_XDP socket on this machine without an XDP program.
"""

from __future__ import annotations

import _socket
import sys
from collections.abc import Sequence
from typing import Any

from famsock.contract import Family, SocketOption, hookimpl

from ._address import XdpAddress, from_text, parse, to_text
from ._codec import decode, encode
from ._constants import (
    AF_XDP,
    CONSTANTS,
    SOL_XDP,
    XDP_COPY,
    XDP_MMAP_OFFSETS,
    XDP_OPTIONS,
    XDP_RX_RING,
    XDP_SHARED_UMEM,
    XDP_STATISTICS,
    XDP_TX_RING,
    XDP_UMEM_COMPLETION_RING,
    XDP_UMEM_FILL_RING,
    XDP_UMEM_REG,
    XDP_USE_NEED_WAKEUP,
    XDP_ZEROCOPY,
)
from ._options import (
    MMAP_OFFSETS_SIZE,
    OPTIONS_SIZE,
    STATISTICS_SIZE,
    MmapOffsets,
    RingOffsets,
    UmemRegistration,
    XdpOptions,
    XdpStatistics,
    decode_mmap_offsets,
    decode_options,
    decode_statistics,
    encode_ring_size,
    encode_umem_registration,
)
from ._rings import CompletionRing, FillRing, Ring, TxRing, Umem

__all__ = [
    "AF_XDP",
    "FAMILY",
    "SOL_XDP",
    "XDP_COPY",
    "XDP_SHARED_UMEM",
    "XDP_USE_NEED_WAKEUP",
    "XDP_ZEROCOPY",
    "CompletionRing",
    "FillRing",
    "MmapOffsets",
    "Ring",
    "RingOffsets",
    "TxRing",
    "Umem",
    "UmemRegistration",
    "XdpAddress",
    "XdpOptions",
    "XdpStatistics",
    "famsock_families",
    "famsock_socket_options",
]
__version__ = "0.1.0"

famsock_contract = 2

_LINUX = sys.platform == "linux"

FAMILY: Family[XdpAddress] = Family(
    name="xdp",
    number=AF_XDP,
    constant="AF_XDP",
    address_type=XdpAddress,
    socket_types=frozenset({_socket.SOCK_RAW}),
    parse=parse,
    encode=encode,
    decode=decode,
    to_text=to_text,
    from_text=from_text,
    constants=CONSTANTS,
    native=None,  # the interpreter has no AF_XDP: the raw path only
    summary="XDP sockets: (ifindex, queue_id[, flags[, shared_umem_fd]])",
)


@hookimpl
def famsock_families() -> Sequence[Family[XdpAddress]]:
    return [FAMILY] if _LINUX else []


@hookimpl
def famsock_socket_options() -> Sequence[SocketOption[Any]]:
    if not _LINUX:
        return []
    rings = [SocketOption(SOL_XDP, option, name, encode=encode_ring_size)
             for name, option in (("XDP_RX_RING", XDP_RX_RING), ("XDP_TX_RING", XDP_TX_RING),
                                  ("XDP_UMEM_FILL_RING", XDP_UMEM_FILL_RING),
                                  ("XDP_UMEM_COMPLETION_RING", XDP_UMEM_COMPLETION_RING))]
    return [
        SocketOption(SOL_XDP, XDP_UMEM_REG, "XDP_UMEM_REG", encode=encode_umem_registration),
        *rings,
        SocketOption(SOL_XDP, XDP_MMAP_OFFSETS, "XDP_MMAP_OFFSETS", decode=decode_mmap_offsets,
                     size=MMAP_OFFSETS_SIZE),
        SocketOption(SOL_XDP, XDP_STATISTICS, "XDP_STATISTICS", decode=decode_statistics,
                     size=STATISTICS_SIZE),
        SocketOption(SOL_XDP, XDP_OPTIONS, "XDP_OPTIONS", decode=decode_options, size=OPTIONS_SIZE),
    ]
