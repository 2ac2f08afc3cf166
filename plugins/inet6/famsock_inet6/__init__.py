"""famsock-inet6: the AF_INET6 family for famsock (IPv6, ``(host, port, flowinfo, scope_id)``).

Installed, it registers itself under the ``famsock.families`` entry-point group; applications
use it through ``famsock`` (``import famsock as socket``) and never import it directly, except
for its value classes: :class:`Inet6Address`, and the struct values of IPV6_PKTINFO control
messages (:class:`Inet6PacketInfo`) and of IPV6_JOIN_GROUP/IPV6_LEAVE_GROUP
(:class:`Inet6Membership`). Those two are registered on Linux only, whose structs they are.
"""

from __future__ import annotations

import _socket
import sys
from collections.abc import Sequence

from famsock.contract import (
    ControlMessage,
    Family,
    InetText,
    Loopback,
    Native,
    ServerSetup,
    SocketOption,
    deferred,
    hookimpl,
)

from ._address import Inet6Address, from_text, parse, to_text
from ._codec import decode, encode, from_native, ntop, pton
from ._constants import CONSTANTS

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a first bind() imports no typing
if TYPE_CHECKING:
    from socket import socket
    from typing import Any

    from ._structs import Inet6Membership as Inet6Membership, Inet6PacketInfo as Inet6PacketInfo

__all__ = ["FAMILY", "Inet6Address", "Inet6Membership", "Inet6PacketInfo", "famsock_families"]

famsock_contract = 2

FAMILY: Family[Inet6Address] = Family(
    name="inet6",
    number=_socket.AF_INET6,
    constant="AF_INET6",
    address_type=Inet6Address,
    socket_types=frozenset({_socket.SOCK_STREAM, _socket.SOCK_DGRAM, _socket.SOCK_RAW}),
    parse=parse,
    encode=encode,
    decode=decode,
    to_text=to_text,
    from_text=from_text,
    constants=CONSTANTS,
    # Lossless: parse() hands the C method a literal host without %scope (inet_pton, no lookup)
    # and flowinfo/scope_id already in range, which the C method copies as they are.
    native=Native(from_native=from_native),
    summary="IPv6: (host, port, flowinfo, scope_id)",
)


def _prepare_server(sock: socket, dualstack: bool) -> None:
    """``create_server()``'s IPv6 part: IPv6 only, unless asked to serve IPv4 too."""
    sock.setsockopt(_socket.IPPROTO_IPV6, _socket.IPV6_V6ONLY, 0 if dualstack else 1)


@hookimpl
def famsock_families() -> Sequence[Family[Inet6Address]]:
    return [FAMILY]


@hookimpl
def famsock_loopbacks() -> Sequence[Loopback]:
    return [Loopback(_socket.AF_INET6, _socket.SOCK_STREAM, lambda: ("::1", 0)),
            Loopback(_socket.AF_INET6, _socket.SOCK_DGRAM, lambda: ("::1", 0))]


@hookimpl
def famsock_inet_texts() -> Sequence[InetText]:
    return [InetText(_socket.AF_INET6, pton, ntop)]


@hookimpl
def famsock_server_setups() -> Sequence[ServerSetup]:
    return [ServerSetup(_socket.AF_INET6, _prepare_server, dualstack=True)]


@hookimpl
def famsock_control_messages() -> Sequence[ControlMessage[Any]]:
    if sys.platform != "linux":
        return []
    return [ControlMessage(_socket.IPPROTO_IPV6, _socket.IPV6_PKTINFO, "IPV6_PKTINFO",
                           deferred(_STRUCTS, "decode_pktinfo"), deferred(_STRUCTS, "encode_pktinfo"))]


@hookimpl
def famsock_socket_options() -> Sequence[SocketOption[Any]]:
    if sys.platform != "linux":
        return []
    return [SocketOption(_socket.IPPROTO_IPV6, option, name, deferred(_STRUCTS, "encode_membership"))
            for name, option in (("IPV6_JOIN_GROUP", _socket.IPV6_JOIN_GROUP),
                                 ("IPV6_LEAVE_GROUP", _socket.IPV6_LEAVE_GROUP))]


# The structs (a module and two namedtuple classes) load at their first use, not at a process's
# first bind(): the registrations hold deferred functions, and the classes come from __getattr__.
_STRUCTS = "famsock_inet6._structs"


def __getattr__(name: str) -> Any:
    if name in ("Inet6Membership", "Inet6PacketInfo"):
        return getattr(__import__(_STRUCTS, fromlist=[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
