"""``struct sockaddr_ll`` bytes, and the stdlib's values, <-> ``PacketAddress``.

Layout (20 bytes, <linux/if_packet.h>): sll_family 0:2 (host order), sll_protocol 2:2 (network
order), sll_ifindex 4:4 (signed, host order), sll_hatype 8:2, sll_pkttype 10:1, sll_halen 11:1,
sll_addr 12:8. ``encode`` writes the whole struct, as the stdlib does. The kernel reports
``12 + sll_halen`` bytes from getsockname(2), at least 20 from recvfrom(2), and more than 20
where a hardware address is longer than 8 bytes (InfiniBand's 20): ``decode`` reads all of these.

``decode`` and ``from_native`` look an interface up (number to name, name to number), as the
stdlib's C code does for every result; the rest is arithmetic.
"""

from __future__ import annotations

import errno
import struct
from typing import Any, NoReturn

from famsock.contract import SocketSpec

from ._address import PacketAddress, interface_index, interface_name, make
from ._constants import AF_PACKET

__all__ = ["SOCKADDR_LL_SIZE", "decode", "encode", "from_native", "to_native"]

_HEAD = struct.Struct("=H2siHBB")  # up to sll_addr; the protocol's two bytes kept in network order
_HEAD_SIZE = _HEAD.size  # 12: offsetof(struct sockaddr_ll, sll_addr)
SOCKADDR_LL_SIZE = _HEAD_SIZE + 8


def encode(address: PacketAddress, spec: SocketSpec | None = None) -> bytes:
    ifindex = address.ifindex
    if not ifindex or not address[0]:
        _no_interface(address)
    _, proto, pkttype, hatype, addr = address
    head = _HEAD.pack(AF_PACKET, proto.to_bytes(2, "big"), ifindex, hatype, pkttype, len(addr))
    return head + addr.ljust(SOCKADDR_LL_SIZE - _HEAD_SIZE, b"\0")


def decode(data: bytes, spec: SocketSpec | None = None) -> PacketAddress:
    if len(data) < _HEAD_SIZE:
        raise ValueError(f"a sockaddr_ll is at least {_HEAD_SIZE} bytes, got {len(data)}: "
                         f"{bytes(data).hex()}")
    family, proto, ifindex, hatype, pkttype, halen = _HEAD.unpack_from(data)
    if family != AF_PACKET:
        raise ValueError(f"not an AF_PACKET sockaddr: sa_family is {family}")
    end = _HEAD_SIZE + halen
    if len(data) != end and not (end <= SOCKADDR_LL_SIZE == len(data)):
        raise ValueError(f"a sockaddr_ll with sll_halen {halen} is {end} bytes (or {SOCKADDR_LL_SIZE} with "
                         f"its address padded), got {len(data)}: {bytes(data).hex()}")
    if ifindex < 0:
        raise ValueError(f"AF_PACKET sll_ifindex must not be negative, got {ifindex}")
    addr = bytes(data[_HEAD_SIZE:end])
    return make(interface_name(ifindex), int.from_bytes(proto, "big"), pkttype, hatype, addr, ifindex)


def from_native(value: Any, spec: SocketSpec | None = None) -> PacketAddress:
    """The stdlib's ``(ifname, proto, pkttype, hatype, addr)``; the interface is looked up to
    number it (0 if it is gone, or for ``''``)."""
    if type(value) is not tuple or len(value) != 5 or [type(field) for field in value] != [
            str, int, int, int, bytes]:
        raise ValueError(f"not an AF_PACKET address from the stdlib: {value!r}")
    try:
        ifindex = interface_index(value[0]) if value[0] else 0
    except OSError:
        ifindex = 0
    return make(*value, ifindex)


def to_native(address: PacketAddress, spec: SocketSpec | None = None) -> PacketAddress:
    """The address itself, which the C methods take (they look the name up again, on the socket);
    one with no interface is refused, as ``encode`` refuses it."""
    if not address.ifindex or not address[0]:
        _no_interface(address)
    return address


def _no_interface(address: PacketAddress) -> NoReturn:
    what = f"interface number {address.ifindex} has no name here" if address.ifindex else "no interface"
    raise OSError(errno.ENODEV, f"AF_PACKET address {tuple(address)!r} names {what}: it is what the kernel "
                                "reports for an unbound socket or a vanished interface, and is not sent")
