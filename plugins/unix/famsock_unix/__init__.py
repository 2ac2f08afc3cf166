"""famsock-unix: the AF_UNIX family for famsock (filesystem paths, Linux abstract names).

Installed, it registers itself under the ``famsock.families`` entry-point group; applications
use it through ``famsock`` (``import famsock as socket``) and never import it directly, except
for the address classes and :class:`UnixCredentials`. Linux only: the struct layouts, the
abstract namespace and autobind are Linux's, so on other systems it registers nothing and famsock
leaves AF_UNIX to the stdlib.

Hooks (famsock.contract, version 2): the family (typed addresses that are the stdlib's own
``str``/``bytes`` values), a loopback per socket type (fresh abstract names), the SCM_RIGHTS and
SCM_CREDENTIALS control messages, and the SO_PEERCRED socket option.
"""

from __future__ import annotations

import _socket
import itertools
import os
import sys
from collections.abc import Sequence

from famsock.contract import ControlMessage, Family, Loopback, Native, SocketOption, deferred, hookimpl

from ._address import (
    UNNAMED,
    AnyUnixAddress,
    UnixAbstractAddress,
    UnixAddress,
    UnixPathAddress,
    UnixUnnamedAddress,
    bound_file,
    from_text,
    parse,
    to_text,
)
from ._codec import decode, encode, from_native
from ._constants import CONSTANTS

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a first bind() imports no typing
if TYPE_CHECKING:
    from typing import Any

    from ._ancillary import UnixCredentials as UnixCredentials

UCRED_SIZE = 12  # sizeof(struct ucred): famsock_unix._ancillary's, which tests/test_ancillary.py checks

__all__ = [
    "FAMILY",
    "UNNAMED",
    "AnyUnixAddress",
    "UnixAbstractAddress",
    "UnixAddress",
    "UnixCredentials",
    "UnixPathAddress",
    "UnixUnnamedAddress",
    "famsock_control_messages",
    "famsock_families",
    "famsock_loopbacks",
    "famsock_socket_options",
    "fresh_abstract_address",
]

famsock_contract = 2

_LINUX = sys.platform == "linux"
_serial = itertools.count(1)


def fresh_abstract_address() -> UnixAbstractAddress:
    """A new abstract name, unique on this machine: nothing on disk to clean up afterwards.

    The pid and a counter make it readable in ``ss -x``; the random part keeps processes in other
    pid namespaces (sharing this network namespace) from colliding.
    """
    return UnixAbstractAddress.from_name(f"famsock-{os.getpid()}-{next(_serial)}-{os.urandom(4).hex()}")


FAMILY: Family[UnixAddress] = Family(
    name="unix",
    number=_socket.AF_UNIX,
    constant="AF_UNIX",
    address_type=UnixAddress,
    socket_types=frozenset({_socket.SOCK_STREAM, _socket.SOCK_DGRAM, _socket.SOCK_SEQPACKET}),
    parse=parse,
    encode=encode,
    decode=decode,
    to_text=to_text,
    from_text=from_text,
    constants=CONSTANTS,
    native=Native(from_native=from_native),  # no to_native: the C methods take the str/bytes itself
    summary="Unix domain: paths (str/bytes/os.PathLike), abstract names (b'\\0name'), unnamed ('')",
    bound_file=bound_file,
)


@hookimpl
def famsock_families() -> Sequence[Family[UnixAddress]]:
    return [FAMILY] if _LINUX else []


@hookimpl
def famsock_loopbacks() -> Sequence[Loopback]:
    if not _LINUX:
        return []
    return [Loopback(_socket.AF_UNIX, kind, fresh_abstract_address)
            for kind in (_socket.SOCK_STREAM, _socket.SOCK_DGRAM, _socket.SOCK_SEQPACKET)]


@hookimpl
def famsock_control_messages() -> Sequence[ControlMessage[Any]]:
    if not _LINUX:
        return []
    return [
        ControlMessage(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, "SCM_RIGHTS",
                       deferred(_ANCILLARY, "decode_rights"), deferred(_ANCILLARY, "encode_rights"),
                       family=_socket.AF_UNIX),
        ControlMessage(_socket.SOL_SOCKET, _socket.SCM_CREDENTIALS, "SCM_CREDENTIALS",
                       deferred(_ANCILLARY, "decode_credentials"), deferred(_ANCILLARY, "encode_credentials"),
                       family=_socket.AF_UNIX),
    ]


@hookimpl
def famsock_socket_options() -> Sequence[SocketOption[Any]]:
    if not _LINUX:
        return []
    # Read only: the kernel refuses to set it (ENOPROTOOPT), and says so through set_option too.
    return [SocketOption(_socket.SOL_SOCKET, _socket.SO_PEERCRED, "SO_PEERCRED",
                         deferred(_ANCILLARY, "encode_credentials"),
                         deferred(_ANCILLARY, "decode_credentials"), UCRED_SIZE)]


# The control messages' codecs (a module and a namedtuple class) load at their first use, not at
# a process's first bind(): the registrations hold deferred functions, and the class comes from
# __getattr__.
_ANCILLARY = "famsock_unix._ancillary"


def __getattr__(name: str) -> Any:
    if name == "UnixCredentials":
        return __import__(_ANCILLARY, fromlist=[name]).UnixCredentials
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
