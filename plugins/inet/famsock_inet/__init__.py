"""famsock-inet: the AF_INET family for famsock (IPv4, ``(host, port)``).

Installed, it registers itself under the ``famsock.families`` entry-point group; applications
use it through ``famsock`` (``import famsock as socket``) and never import it directly, except
for its value classes: :class:`InetAddress`, and the struct values of IP_PKTINFO control
messages (:class:`InetPacketInfo`) and of IP_ADD_MEMBERSHIP/IP_DROP_MEMBERSHIP
(:class:`InetMembership`). Those two are Linux's structs, registered on Linux only.
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
    SocketOption,
    deferred,
    hookimpl,
)

from ._address import InetAddress, from_native, from_text, parse, to_text

__all__ = ["FAMILY", "InetAddress", "InetMembership", "InetPacketInfo", "famsock_families"]

famsock_contract = 2

# The constants AF_INET contributes to ``famsock``: the platform's IPv4 and TCP/UDP ones. Here,
# not in a module of their own: a process's first bind() pays ~0.3 ms for each module it imports.
_PREFIXES = ("IPPROTO_", "IPPORT_", "INADDR_", "IP_", "TCP_", "UDPLITE_", "SOL_IP", "SOL_TCP", "SOL_UDP")
CONSTANTS: dict[str, int] = {name: value for name, value in vars(_socket).items()
                             if type(value) is int and name.startswith(_PREFIXES)}
if sys.platform == "linux":
    # <linux/in.h>'s value (tests/vectors/ip_structs.c checks it): interpreters before 3.12 lack
    # the name, and famsock decodes the control messages it names
    CONSTANTS.setdefault("IP_PKTINFO", 8)
IP_PKTINFO: int | None = CONSTANTS.get("IP_PKTINFO")

# The sockaddr_in codec loads at its first use: the native path (the interpreter's own calls,
# the default) never needs it, and every module a first bind() imports costs it ~0.3 ms.
_CODEC = "famsock_inet._codec"

FAMILY: Family[InetAddress] = Family(
    name="inet",
    number=_socket.AF_INET,
    constant="AF_INET",
    address_type=InetAddress,
    socket_types=frozenset({_socket.SOCK_STREAM, _socket.SOCK_DGRAM, _socket.SOCK_RAW}),
    parse=parse,
    encode=deferred(_CODEC, "encode"),
    decode=deferred(_CODEC, "decode"),
    to_text=to_text,
    from_text=from_text,
    constants=CONSTANTS,
    native=Native(from_native=from_native),
    summary="IPv4: (host, port)",
)

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a first bind() imports no typing
if TYPE_CHECKING:
    from typing import Any

    from ._structs import InetMembership as InetMembership, InetPacketInfo as InetPacketInfo


@hookimpl
def famsock_families() -> Sequence[Family[InetAddress]]:
    return [FAMILY]


@hookimpl
def famsock_loopbacks() -> Sequence[Loopback]:
    return [Loopback(_socket.AF_INET, _socket.SOCK_STREAM, lambda: ("127.0.0.1", 0)),
            Loopback(_socket.AF_INET, _socket.SOCK_DGRAM, lambda: ("127.0.0.1", 0))]


@hookimpl
def famsock_inet_texts() -> Sequence[InetText]:
    return [InetText(_socket.AF_INET, deferred(_CODEC, "pton"), deferred(_CODEC, "ntop"))]


@hookimpl
def famsock_control_messages() -> Sequence[ControlMessage[Any]]:
    # family None: an AF_INET6 socket receives IPv4 datagrams' IP_PKTINFO items too
    if sys.platform != "linux" or IP_PKTINFO is None:
        return []
    return [ControlMessage(_socket.IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO", deferred(_STRUCTS, "decode_pktinfo"),
                           deferred(_STRUCTS, "encode_pktinfo"))]


@hookimpl
def famsock_socket_options() -> Sequence[SocketOption[Any]]:
    if sys.platform != "linux":
        return []
    return [SocketOption(_socket.IPPROTO_IP, option, name, deferred(_STRUCTS, "encode_membership"))
            for name, option in (("IP_ADD_MEMBERSHIP", _socket.IP_ADD_MEMBERSHIP),
                                 ("IP_DROP_MEMBERSHIP", _socket.IP_DROP_MEMBERSHIP))]


# The structs (a module and two namedtuple classes) load at their first use, not at a process's
# first bind(): the registrations hold deferred functions, and the classes come from __getattr__.
_STRUCTS = "famsock_inet._structs"


def __getattr__(name: str) -> Any:
    if name in ("InetMembership", "InetPacketInfo"):
        return getattr(__import__(_STRUCTS, fromlist=[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
