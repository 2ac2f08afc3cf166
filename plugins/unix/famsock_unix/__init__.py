"""famsock-unix: the AF_UNIX family for famsock (filesystem paths, Linux abstract names).

Installed, it registers itself under the ``famsock.families`` entry-point group; applications
use it through ``famsock`` (``import famsock as socket``) and never import it directly, except
for the address classes. Linux only: the struct layout, the abstract namespace and autobind
are Linux's, so on other systems it registers nothing and famsock leaves AF_UNIX to the stdlib.
"""

from __future__ import annotations

import _socket
import itertools
import os
import sys
from collections.abc import Sequence

from famsock.contract import Family, Loopback, Native, hookimpl

from ._address import (
    UNNAMED,
    UnixAbstractAddress,
    UnixAddress,
    UnixPathAddress,
    UnixUnnamedAddress,
    from_text,
    parse,
)
from ._codec import decode, encode, from_native, to_native
from ._constants import CONSTANTS

__all__ = [
    "FAMILY",
    "UNNAMED",
    "UnixAbstractAddress",
    "UnixAddress",
    "UnixPathAddress",
    "UnixUnnamedAddress",
    "famsock_families",
    "fresh_abstract_address",
]

famsock_contract = 1

_serial = itertools.count(1)


def fresh_abstract_address() -> UnixAbstractAddress:
    """A new abstract name, unique on this machine: nothing on disk to clean up afterwards.

    The pid and a counter make it readable in ``ss -x``; the random part keeps processes in other
    pid namespaces (sharing this network namespace) from colliding.
    """
    return UnixAbstractAddress(f"famsock-{os.getpid()}-{next(_serial)}-{os.urandom(4).hex()}")


FAMILY = Family(
    name="unix",
    number=_socket.AF_UNIX,
    constant="AF_UNIX",
    address_type=UnixAddress,
    socket_types=frozenset({_socket.SOCK_STREAM, _socket.SOCK_DGRAM, _socket.SOCK_SEQPACKET}),
    parse=parse,
    encode=encode,
    decode=decode,
    from_text=from_text,
    constants=CONSTANTS,
    native=Native(from_native=from_native, to_native=to_native),
    loopbacks=(
        Loopback(_socket.SOCK_STREAM, fresh_abstract_address),
        Loopback(_socket.SOCK_DGRAM, fresh_abstract_address),
        Loopback(_socket.SOCK_SEQPACKET, fresh_abstract_address),
    ),
    summary="Unix domain: paths (str/bytes/os.PathLike), abstract names (b'\\0name'), unnamed ('')",
)


@hookimpl
def famsock_families() -> Sequence[Family]:
    return [FAMILY] if sys.platform == "linux" else []
