"""``struct sockaddr_xdp`` bytes <-> ``XdpAddress``: pure functions.

Layout (16 bytes, <linux/if_xdp.h>, host order): sxdp_family 0:2, sxdp_flags 2:2, sxdp_ifindex
4:4, sxdp_queue_id 8:4, sxdp_shared_umem_fd 12:4.
"""

from __future__ import annotations

import struct

from famsock.contract import SocketSpec

from ._address import XdpAddress, make
from ._constants import AF_XDP

__all__ = ["SOCKADDR_XDP_SIZE", "decode", "encode"]

_LAYOUT = struct.Struct("=HHIII")
SOCKADDR_XDP_SIZE = _LAYOUT.size


def encode(address: XdpAddress, spec: SocketSpec | None = None) -> bytes:
    ifindex, queue_id, flags, fd = address
    return _LAYOUT.pack(AF_XDP, flags, ifindex, queue_id, fd)


def decode(data: bytes, spec: SocketSpec | None = None) -> XdpAddress:
    if len(data) != SOCKADDR_XDP_SIZE:
        raise ValueError(f"a sockaddr_xdp is {SOCKADDR_XDP_SIZE} bytes, got {len(data)}: {bytes(data).hex()}")
    family, flags, ifindex, queue_id, fd = _LAYOUT.unpack(data)
    if family != AF_XDP:
        raise ValueError(f"not an AF_XDP sockaddr: sa_family is {family}")
    return make(ifindex, queue_id, flags, fd)
