"""famsock-netlink: the AF_NETLINK family for famsock, and a netlink messaging layer.

Installed, it registers itself under the ``famsock.families`` entry-point group:

- the family: ``(pid, groups)`` addresses as :class:`NetlinkAddress` (the stdlib's tuple, both
  fields checked to be 0..2**32-1 where the stdlib wraps them), text form ``netlink:pid=123``,
  on both syscall paths; every ``NETLINK_*`` protocol and ``SOL_NETLINK`` option as ``famsock``
  constants;
- the ``NETLINK_LIST_MEMBERSHIPS`` socket option's and the ``NETLINK_PKTINFO`` control message's
  codecs;
- the ``famsock netlink`` command (``links``, ``addrs``, ``family``, ``monitor``).

And it is a library to talk to the kernel over netlink (all typed, no dependency but famsock):

- sans-I/O codec (:mod:`famsock_netlink.messages`): headers, attributes, and families declared
  as data (:mod:`famsock_netlink.declarations`, the shape of the kernel's YNL specs): rtnetlink
  links and addresses and the generic netlink controller ship with it;
- :class:`Connection` (blocking) and :class:`AsyncConnection` (asyncio): requests and ACKs with
  the kernel's extended ack, streamed dumps, several requests in flight, events of multicast groups;
- :mod:`famsock_netlink.rtnetlink`, :mod:`famsock_netlink.genetlink`: links, addresses, and
  generic families resolved by name; :mod:`famsock_netlink.security`: is it from the kernel?
"""

from __future__ import annotations

import _socket
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

from ._address import NetlinkAddress, from_text, parse, to_text
from ._sockaddr import decode, encode, from_native
from .constants import (
    FAMSOCK_CONSTANTS,
    NETLINK_LIST_MEMBERSHIPS,
    NETLINK_PKTINFO,
    NETLINK_USERSOCK,
    SOL_NETLINK,
)

# famsock imports this module at a process's first address call of ANY family (a first bind() of
# an INET socket): it loads only what the family, its constants and its registrations need. The
# rest of the public API (the messaging layer, asyncio, dataclasses, the CLI) comes from
# __getattr__ at first use; type checkers see it through these imports.
TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs milliseconds
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from . import (
        declarations as declarations,
        genetlink as genetlink,
        messages as messages,
        rtnetlink as rtnetlink,
        security as security,
        testing as testing,
    )
    from ._async import AsyncConnection
    from ._connection import Connection
    from ._conversation import Conversation, Pending, RawMessage
    from ._errors import (
        DumpInterruptedError,
        ExtendedAck,
        MalformedMessageError,
        NetlinkError,
        OverrunError,
        UnexpectedReplyError,
    )
    from ._groups import join_group, joined_groups, leave_group
    from ._messages import Message
    from ._targets import GenericFamily

__all__ = [
    "FAMILY",
    "AsyncConnection",
    "Connection",
    "Conversation",
    "DumpInterruptedError",
    "ExtendedAck",
    "GenericFamily",
    "MalformedMessageError",
    "Message",
    "NetlinkAddress",
    "NetlinkError",
    "OverrunError",
    "Pending",
    "RawMessage",
    "UnexpectedReplyError",
    "famsock_commands",
    "famsock_control_messages",
    "famsock_families",
    "famsock_loopbacks",
    "famsock_socket_options",
    "join_group",
    "joined_groups",
    "leave_group",
]

famsock_contract = 2

_LINUX = sys.platform == "linux"
AF_NETLINK = 16

FAMILY: Family[NetlinkAddress] = Family(
    name="netlink",
    number=AF_NETLINK,
    constant="AF_NETLINK",
    address_type=NetlinkAddress,
    socket_types=frozenset({_socket.SOCK_RAW, _socket.SOCK_DGRAM}),
    parse=parse,
    encode=encode,
    decode=decode,
    to_text=to_text,
    from_text=from_text,
    constants=FAMSOCK_CONSTANTS,
    native=Native(from_native=from_native),  # the typed address is the (pid, groups) tuple itself
    summary="Netlink: (pid, groups), both 0..2**32-1; messaging layer in famsock_netlink",
)


#: Public names served at first use: name -> the module that defines it.
_LAZY = {
    "AsyncConnection": "._async", "Connection": "._connection", "Conversation": "._conversation",
    "Pending": "._conversation", "RawMessage": "._conversation", "Message": "._messages",
    "GenericFamily": "._targets", "DumpInterruptedError": "._errors", "ExtendedAck": "._errors",
    "MalformedMessageError": "._errors", "NetlinkError": "._errors", "OverrunError": "._errors",
    "UnexpectedReplyError": "._errors", "join_group": "._groups", "joined_groups": "._groups",
    "leave_group": "._groups",
    # not in __all__, but this module had them once: the registrations' codecs themselves
    "LIST_MEMBERSHIPS_SIZE": "._groups", "decode_memberships": "._groups", "decode_pktinfo": "._groups",
    "encode_pktinfo": "._groups",
}
_SUBMODULES = frozenset({"declarations", "genetlink", "messages", "rtnetlink", "security", "testing"})

# No module __dir__ to list them: a module with one is registered through pluggy (which finds hooks
# with dir()), so famsock would import pluggy, typing and inspect at a first bind().


def __getattr__(name: str) -> Any:
    import importlib  # noqa: PLC0415 - loaded by the interpreter's start: a name lookup

    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # the next lookup is a plain global's
    return value


@hookimpl
def famsock_families() -> Sequence[Family[NetlinkAddress]]:
    return [FAMILY] if _LINUX else []


@hookimpl
def famsock_loopbacks() -> Sequence[Loopback]:
    # NETLINK_USERSOCK carries datagrams between user sockets, unread by the kernel: a loopback
    # (bind to (0, 0): the kernel assigns the port)
    if not _LINUX:
        return []
    return [Loopback(AF_NETLINK, kind, _any_port, proto=NETLINK_USERSOCK)
            for kind in (_socket.SOCK_RAW, _socket.SOCK_DGRAM)]


def _any_port() -> tuple[int, int]:
    return (0, 0)


@hookimpl
def famsock_socket_options() -> Sequence[SocketOption[Any]]:
    if not _LINUX:
        return []
    return [SocketOption(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, "NETLINK_LIST_MEMBERSHIPS",
                         decode=deferred(_GROUPS, "decode_memberships"), size=_LIST_MEMBERSHIPS_SIZE)]


@hookimpl
def famsock_control_messages() -> Sequence[ControlMessage[Any]]:
    if not _LINUX:
        return []
    return [ControlMessage(SOL_NETLINK, NETLINK_PKTINFO, "NETLINK_PKTINFO",
                           deferred(_GROUPS, "decode_pktinfo"), deferred(_GROUPS, "encode_pktinfo"),
                           family=AF_NETLINK)]


# The registrations' codecs load _groups at their first use (a get_option() or a recvmsg() of a
# netlink socket), not at a process's first bind().

_GROUPS = "famsock_netlink._groups"
_LIST_MEMBERSHIPS_SIZE = 128  # _groups.LIST_MEMBERSHIPS_SIZE: tests/test_import_cost.py checks they agree


def _configure(parser: Any) -> None:
    from ._cli import configure  # noqa: PLC0415 - the CLI's modules only when the CLI runs

    configure(parser)


def _run(arguments: Any) -> int:
    from ._cli import run  # noqa: PLC0415

    return run(arguments)


@hookimpl
def famsock_commands() -> Sequence[Command]:
    if not _LINUX:
        return []
    return [Command("netlink", "netlink: links, addresses, generic families, events", _configure, _run)]
