"""famsock-tipc: the AF_TIPC family for famsock (TIPC service names, service ranges, sockets).

Installed, it registers itself under the ``famsock.families`` entry-point group; applications
use it through ``famsock`` (``import famsock as socket``), and import it for its value classes
(the typed addresses, the structs of its control messages and group option) and for the
topology service's watchers. Linux only: on other systems it registers nothing.

Hooks (famsock.contract, version 2): the family (typed addresses that are the stdlib's own
5-tuples; the native path for SOCK_STREAM and SOCK_SEQPACKET, where it is lossless), loopbacks
for the datagram types (fresh service names), the TIPC_ERRINFO, TIPC_RETDATA and TIPC_DESTNAME
control messages, the TIPC_GROUP_JOIN socket option, and the ``famsock tipc`` command.
"""

from __future__ import annotations

import _socket
import os
import sys

from famsock.contract import (
    Command,
    ControlMessage,
    Family,
    Loopback,
    Native,
    SocketOption,
    deferred,
    hookimpl,
)

from ._address import (
    AnyTipcAddress,
    TipcAddress,
    TipcServiceAddress,
    TipcServiceRange,
    TipcSocketAddress,
    from_text,
    parse,
    to_text,
)
from ._codec import AF_TIPC, applies, check_use, decode, encode, from_native, to_native
from ._constants import CONSTANTS

# famsock imports every installed plugin at a process's first address call (a first bind() of an
# INET socket too), and calls every hook: this module and its hooks load only what the family
# needs (_address, _codec, _constants). The structs (_structs), the topology watchers (_topology,
# whose asyncio costs ~60 ms) and the command (_cli: argparse, json) load at their first use:
# names through __getattr__ below, registrations through the small functions at the end.
TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~4 ms
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any

    from ._structs import (
        TipcDestination as TipcDestination,
        TipcErrorInfo as TipcErrorInfo,
        TipcEvent as TipcEvent,
        TipcEventKind as TipcEventKind,
        TipcGroupRequest as TipcGroupRequest,
        TipcSubscription as TipcSubscription,
        decode_destname as decode_destname,
        decode_errinfo as decode_errinfo,
        decode_event as decode_event,
        decode_retdata as decode_retdata,
        decode_subscription as decode_subscription,
        encode_group_request as encode_group_request,
        encode_subscription as encode_subscription,
    )
    from ._topology import (
        TOPOLOGY_SERVICE as TOPOLOGY_SERVICE,
        AsyncTipcTopologyWatcher as AsyncTipcTopologyWatcher,
        TipcTopologyWatcher as TipcTopologyWatcher,
    )

__all__ = [
    "FAMILY",
    "TOPOLOGY_SERVICE",
    "AnyTipcAddress",
    "AsyncTipcTopologyWatcher",
    "TipcAddress",
    "TipcDestination",
    "TipcErrorInfo",
    "TipcEvent",
    "TipcEventKind",
    "TipcGroupRequest",
    "TipcServiceAddress",
    "TipcServiceRange",
    "TipcSocketAddress",
    "TipcSubscription",
    "TipcTopologyWatcher",
    "decode_event",
    "decode_subscription",
    "encode_subscription",
    "fresh_service",
]

famsock_contract = 2

_LINUX = sys.platform == "linux"
SOL_TIPC = CONSTANTS["SOL_TIPC"]
#: The service type famsock's loopbacks bind (64 and up are the users'), "FSKT".
LOOPBACK_TYPE = 0x46534B54
_SOCKET_TYPES = (_socket.SOCK_RDM, _socket.SOCK_STREAM, _socket.SOCK_SEQPACKET, _socket.SOCK_DGRAM)
_DATAGRAM_TYPES = (_socket.SOCK_RDM, _socket.SOCK_DGRAM)


def fresh_service() -> TipcServiceAddress:
    """A service address of famsock's loopback type and a random instance, node scope: to bind a
    server to, on this node only."""
    return TipcServiceAddress(LOOPBACK_TYPE, int.from_bytes(os.urandom(4), "little"),
                              scope=CONSTANTS["TIPC_NODE_SCOPE"])


def _configure(parser: argparse.ArgumentParser) -> None:
    from ._cli import configure  # noqa: PLC0415 - argparse and json: when the CLI runs, not at bind()

    configure(parser)


def _run(arguments: argparse.Namespace) -> int:
    from ._cli import run  # noqa: PLC0415

    return run(arguments)


#: ``famsock tipc``: watch the topology service, publish a service name (famsock_tipc._cli).
COMMAND = Command(name="tipc", help="TIPC: watch the topology service, publish a service name",
                  configure=_configure, run=_run)

FAMILY: Family[TipcAddress] = Family(
    name="tipc",
    number=AF_TIPC,
    constant="AF_TIPC",
    address_type=TipcAddress,
    socket_types=frozenset(_SOCKET_TYPES),
    parse=parse,
    encode=encode,
    decode=decode,
    to_text=to_text,
    from_text=from_text,
    constants=CONSTANTS,
    native=Native(from_native=from_native, to_native=to_native, applies=applies),
    check_use=check_use,
    summary="TIPC: (addr_type, v1, v2, v3[, scope]): service ranges, service addresses, sockets",
)


@hookimpl
def famsock_families() -> Sequence[Family[TipcAddress]]:
    return [FAMILY] if _LINUX else []


@hookimpl
def famsock_loopbacks() -> Sequence[Loopback]:
    # Datagram types only: famsock's echo client closes a connection without shutdown(), which a
    # TIPC peer reads as ECONNRESET, not EOF (TIPC's shutdown() takes SHUT_RDWR only).
    return [Loopback(AF_TIPC, kind, fresh_service) for kind in _DATAGRAM_TYPES] if _LINUX else []


@hookimpl
def famsock_control_messages() -> Sequence[ControlMessage[Any]]:
    if not _LINUX:
        return []
    return [ControlMessage(SOL_TIPC, CONSTANTS[name], name, decoder, family=AF_TIPC)
            for name, decoder in (("TIPC_ERRINFO", deferred(_STRUCTS, "decode_errinfo")),
                                  ("TIPC_RETDATA", bytes),  # as _structs.decode_retdata: no struct
                                  ("TIPC_DESTNAME", deferred(_STRUCTS, "decode_destname")))]


@hookimpl
def famsock_socket_options() -> Sequence[SocketOption[Any]]:
    if not _LINUX:
        return []
    # set only: getsockopt(TIPC_GROUP_JOIN) returns the group's type alone, an int
    return [SocketOption(SOL_TIPC, CONSTANTS["TIPC_GROUP_JOIN"], "TIPC_GROUP_JOIN",
                         deferred(_STRUCTS, "encode_group_request"))]


@hookimpl
def famsock_commands() -> Sequence[Command]:
    return [COMMAND] if _LINUX else []


# -- what loads at first use ---------------------------------------------------------------------

_STRUCTS = "famsock_tipc._structs"  # the registrations' codecs, imported at their first call


_FROM_STRUCTS = frozenset({
    "TipcDestination", "TipcErrorInfo", "TipcEvent", "TipcEventKind", "TipcGroupRequest", "TipcSubscription",
    "decode_destname", "decode_errinfo", "decode_event", "decode_retdata", "decode_subscription",
    "encode_group_request", "encode_subscription"})
_FROM_TOPOLOGY = frozenset({"TOPOLOGY_SERVICE", "AsyncTipcTopologyWatcher", "TipcTopologyWatcher"})

if not TYPE_CHECKING:  # to a type checker the names are the imports above, and a typo an error

    def __getattr__(name: str) -> Any:
        """The names of _structs and _topology (PEP 562): imported at the first ask, then kept."""
        if name in _FROM_STRUCTS:
            from . import _structs as module  # noqa: PLC0415
        elif name in _FROM_TOPOLOGY:
            from . import _topology as module  # noqa: PLC0415
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(module, name)
        globals()[name] = value
        return value
