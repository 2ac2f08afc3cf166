"""famsock-packet: the AF_PACKET family (link-layer frames, ``(ifname, proto, ...)``) for famsock.

A third-party plugin, published on its own: installed, it registers itself under the
``famsock.families`` entry point group, and ``famsock`` gives AF_PACKET sockets typed addresses
(:class:`PacketAddress`, the stdlib's five-tuple) on both syscall paths, refuses what the stdlib
silently truncates, and reads ``PACKET_STATISTICS`` as a value (:class:`PacketStatistics`).

Hooks (famsock.contract, version 2): the family, a loopback on ``lo`` (``famsock echo`` and the
conformance kit; opening AF_PACKET sockets needs CAP_NET_RAW), and the ``PACKET_STATISTICS``
socket option.
"""

from __future__ import annotations

import _socket
import sys
from collections.abc import Sequence
from typing import Any

from famsock.contract import Family, Loopback, Native, SocketOption, hookimpl

from ._address import PacketAddress, from_text, interface_index, interface_name, parse, to_text
from ._codec import decode, encode, from_native, to_native
from ._constants import AF_PACKET, CONSTANTS, PACKET_STATISTICS, SOL_PACKET
from ._options import TPACKET_STATS_SIZE, PacketStatistics, decode_statistics

__all__ = [
    "AF_PACKET",
    "FAMILY",
    "LOOPBACK_PROTO",
    "PacketAddress",
    "PacketStatistics",
    "famsock_families",
    "famsock_loopbacks",
    "famsock_socket_options",
    "interface_index",
    "interface_name",
]
__version__ = "0.1.0"

famsock_contract = 2

_LINUX = sys.platform == "linux"
#: The protocol the loopback binds: ETH_P_802_EX1, IEEE 802's "local experimental" Ethertype,
#: which nothing on a machine sends by itself.
LOOPBACK_PROTO = CONSTANTS["ETH_P_802_EX1"]

FAMILY: Family[PacketAddress] = Family(
    name="packet",
    number=AF_PACKET,
    constant="AF_PACKET",
    address_type=PacketAddress,
    socket_types=frozenset({_socket.SOCK_DGRAM, _socket.SOCK_RAW}),
    parse=parse,
    encode=encode,
    decode=decode,
    to_text=to_text,
    from_text=from_text,
    constants=CONSTANTS,
    # CPython handles AF_PACKET on Linux for every socket type and protocol
    native=Native(from_native=from_native, to_native=to_native)
    if getattr(_socket, "AF_PACKET", None) == AF_PACKET else None,
    summary="link layer: (ifname, proto[, pkttype[, hatype[, addr]]])",
)


@hookimpl
def famsock_families() -> Sequence[Family[PacketAddress]]:
    return [FAMILY] if _LINUX else []


@hookimpl
def famsock_loopbacks() -> Sequence[Loopback]:
    # Datagram sockets on lo: the kernel writes and strips the link-layer header. A frame sent on
    # lo comes back to every packet socket bound there, its sender's included.
    return [Loopback(AF_PACKET, _socket.SOCK_DGRAM, lambda: ("lo", LOOPBACK_PROTO))] if _LINUX else []


@hookimpl
def famsock_socket_options() -> Sequence[SocketOption[Any]]:
    if not _LINUX:
        return []
    return [SocketOption(SOL_PACKET, PACKET_STATISTICS, "PACKET_STATISTICS", decode=decode_statistics,
                         size=TPACKET_STATS_SIZE)]
