"""famsock-inet: the AF_INET family for famsock (IPv4, ``(host, port)``).

Installed, it registers itself under the ``famsock.families`` entry-point group; applications
use it through ``famsock`` (``import famsock as socket``) and never import it directly, except
for :class:`InetAddress`.
"""

from __future__ import annotations

import _socket
from collections.abc import Sequence

from famsock.contract import Family, Loopback, Native, hookimpl

from ._address import InetAddress, from_text, parse
from ._codec import decode, encode, from_native, ntop, pton
from ._constants import CONSTANTS

__all__ = ["FAMILY", "InetAddress", "famsock_families"]

famsock_contract = 1

FAMILY = Family(
    name="inet",
    number=_socket.AF_INET,
    constant="AF_INET",
    address_type=InetAddress,
    socket_types=frozenset({_socket.SOCK_STREAM, _socket.SOCK_DGRAM, _socket.SOCK_RAW}),
    parse=parse,
    encode=encode,
    decode=decode,
    from_text=from_text,
    constants=CONSTANTS,
    native=Native(from_native=from_native),
    loopbacks=(
        Loopback(_socket.SOCK_STREAM, lambda: ("127.0.0.1", 0)),
        Loopback(_socket.SOCK_DGRAM, lambda: ("127.0.0.1", 0)),
    ),
    pton=pton,
    ntop=ntop,
    summary="IPv4: (host, port)",
)


@hookimpl
def famsock_families() -> Sequence[Family]:
    return [FAMILY]
