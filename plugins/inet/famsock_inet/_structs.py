"""IPv4's struct-valued items: IP_PKTINFO control messages and multicast membership options.

``struct in_pktinfo`` (12 bytes, <netinet/in.h>): ipi_ifindex (int, host order) 0:4,
ipi_spec_dst 4:4, ipi_addr 8:4. ``struct ip_mreqn`` (12 bytes): imr_multiaddr 0:4, imr_address
4:4, imr_ifindex (int, host order) 8:4. Addresses in network order. The tests check all of it
against bytes the C library produced (tests/vectors/ip_structs.c).

Values are plain named tuples: what ``decode`` returns is what the kernel wrote, and ``encode``
checks every field of what it is given (a named tuple or any tuple of the same fields), so
nothing relies on how a value was built.
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

__all__ = ["InetMembership", "InetPacketInfo", "decode_pktinfo", "encode_membership", "encode_pktinfo"]

AF_INET = _socket.AF_INET
_PKTINFO = struct.Struct("=i4s4s")
_MREQN = struct.Struct("=4s4si")
_ntop = _socket.inet_ntop
_new = tuple.__new__


class InetPacketInfo(NamedTuple):
    """``struct in_pktinfo``: an IP_PKTINFO item.

    Received: ``ifindex`` is the interface the datagram came in on, ``spec_dst`` the local
    address it was taken for, ``addr`` the destination in its header (a multicast group...).
    Sent (``sendmsg``): a non-zero ``ifindex`` picks the outgoing interface, a non-zero
    ``spec_dst`` the source address; ``addr`` is ignored.
    """

    ifindex: int = 0
    spec_dst: str = "0.0.0.0"
    addr: str = "0.0.0.0"


class InetMembership(NamedTuple):
    """``struct ip_mreqn``: the value of IP_ADD_MEMBERSHIP and IP_DROP_MEMBERSHIP.

    ``multiaddr`` is the group; the interface is ``ifindex`` when not 0, else the one that has
    ``address``, else (both 0) the one the kernel routes the group to.
    """

    multiaddr: str
    address: str = "0.0.0.0"
    ifindex: int = 0


def decode_pktinfo(data: bytes) -> InetPacketInfo:
    """An IP_PKTINFO item's data, as the kernel wrote it."""
    if len(data) != _PKTINFO.size:
        raise ValueError(f"an IP_PKTINFO item holds a struct in_pktinfo of {_PKTINFO.size} bytes, got "
                         f"{len(data)}: {data.hex()}")
    ifindex, spec_dst, addr = _PKTINFO.unpack(data)
    return _new(InetPacketInfo, (ifindex, _ntop(AF_INET, spec_dst), _ntop(AF_INET, addr)))


def encode_pktinfo(value: Any) -> bytes:
    """An IP_PKTINFO item's data for ``sendmsg``, from an :class:`InetPacketInfo` (or a tuple of
    its fields)."""
    ifindex, spec_dst, addr = struct_fields("in_pktinfo", value, InetPacketInfo._fields)
    return _PKTINFO.pack(interface_index("in_pktinfo", ifindex), _packed("in_pktinfo", "spec_dst", spec_dst),
                         _packed("in_pktinfo", "addr", addr))


def encode_membership(value: Any) -> bytes:
    """IP_ADD_MEMBERSHIP's or IP_DROP_MEMBERSHIP's value, from an :class:`InetMembership` (or a
    tuple of its fields)."""
    multiaddr, address, ifindex = struct_fields("ip_mreqn", value, InetMembership._fields)
    return _MREQN.pack(_packed("ip_mreqn", "multiaddr", multiaddr), _packed("ip_mreqn", "address", address),
                       interface_index("ip_mreqn", ifindex))


def _packed(what: str, field: str, value: Any) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{what} {field} must be an IPv4 address as str, not {type(value).__name__}: "
                        f"{shorten(value)}")
    try:
        return _socket.inet_pton(AF_INET, value)
    except (OSError, ValueError):  # ValueError: a NUL, or text that is not even ASCII
        raise ValueError(f"{what} {field} must be an IPv4 address (dotted quad), got "
                         f"{shorten(value)}") from None
