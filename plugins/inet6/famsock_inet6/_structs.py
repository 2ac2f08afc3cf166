"""IPv6's struct-valued items: IPV6_PKTINFO control messages and multicast membership options.

``struct in6_pktinfo`` (20 bytes, <netinet/in.h>): ipi6_addr 0:16, ipi6_ifindex (glibc:
unsigned int, host order) 16:4. ``struct ipv6_mreq`` (20 bytes): ipv6mr_multiaddr 0:16,
ipv6mr_interface (unsigned int, host order) 16:4. The tests check all of it against bytes the
C library produced (tests/vectors/ipv6_structs.c).

Values are plain named tuples: what ``decode`` returns is what the kernel wrote, and ``encode``
checks every field of what it is given (a named tuple or any tuple of the same fields), so
nothing relies on how a value was built. Addresses are literals as ``inet_ntop`` writes them,
without ``%scope``: the interface is the ``ifindex`` field.
"""

from __future__ import annotations

import _socket
import struct

from famsock.contract import interface_index, shorten, struct_fields

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a first bind() imports no typing
if TYPE_CHECKING:
    from typing import Any, NamedTuple
else:
    from famsock._markers import NamedTuple

__all__ = ["Inet6Membership", "Inet6PacketInfo", "decode_pktinfo", "encode_membership", "encode_pktinfo"]

AF_INET6 = _socket.AF_INET6
_ADDRESS_AND_INDEX = struct.Struct("=16sI")  # both structs: an address, then an interface index
_ntop = _socket.inet_ntop
_new = tuple.__new__


class Inet6PacketInfo(NamedTuple):
    """``struct in6_pktinfo``: an IPV6_PKTINFO item.

    Received (after ``IPV6_RECVPKTINFO``): ``addr`` is the datagram's destination (a multicast
    group...), ``ifindex`` the interface it came in on. Sent (``sendmsg``): a non-zero ``addr``
    is the source address, a non-zero ``ifindex`` the outgoing interface.
    """

    addr: str = "::"
    ifindex: int = 0


class Inet6Membership(NamedTuple):
    """``struct ipv6_mreq``: the value of IPV6_JOIN_GROUP and IPV6_LEAVE_GROUP.

    ``multiaddr`` is the group, ``ifindex`` (``ipv6mr_interface``) the interface; 0: the one
    the kernel routes the group to.
    """

    multiaddr: str
    ifindex: int = 0


def decode_pktinfo(data: bytes) -> Inet6PacketInfo:
    """An IPV6_PKTINFO item's data, as the kernel wrote it."""
    if len(data) != _ADDRESS_AND_INDEX.size:
        raise ValueError(f"an IPV6_PKTINFO item holds a struct in6_pktinfo of {_ADDRESS_AND_INDEX.size} "
                         f"bytes, got {len(data)}: {data.hex()}")
    addr, ifindex = _ADDRESS_AND_INDEX.unpack(data)
    return _new(Inet6PacketInfo, (_ntop(AF_INET6, addr), ifindex))


def encode_pktinfo(value: Any) -> bytes:
    """An IPV6_PKTINFO item's data for ``sendmsg``, from an :class:`Inet6PacketInfo` (or a tuple
    of its fields)."""
    addr, ifindex = struct_fields("in6_pktinfo", value, Inet6PacketInfo._fields)
    return _ADDRESS_AND_INDEX.pack(_packed("in6_pktinfo", "addr", addr),
                                   interface_index("in6_pktinfo", ifindex))


def encode_membership(value: Any) -> bytes:
    """IPV6_JOIN_GROUP's or IPV6_LEAVE_GROUP's value, from an :class:`Inet6Membership` (or a
    tuple of its fields)."""
    multiaddr, ifindex = struct_fields("ipv6_mreq", value, Inet6Membership._fields)
    return _ADDRESS_AND_INDEX.pack(_packed("ipv6_mreq", "multiaddr", multiaddr),
                                   interface_index("ipv6_mreq", ifindex))


def _packed(what: str, field: str, value: Any) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{what} {field} must be an IPv6 address as str, not {type(value).__name__}: "
                        f"{shorten(value)}")
    try:
        return _socket.inet_pton(AF_INET6, value)
    except (OSError, ValueError):  # ValueError: a NUL, or text that is not even ASCII
        raise ValueError(f"{what} {field} must be an IPv6 address without %scope (the interface is "
                         f"ifindex), got {shorten(value)}") from None
