"""famsock-inet6: the AF_INET6 family for famsock (IPv6, ``(host, port, flowinfo, scope_id)``).

Installed, it registers itself under the ``famsock.families`` entry-point group; applications
use it through ``famsock`` (``import famsock as socket``) and never import it directly, except
for :class:`Inet6Address`.
"""

from __future__ import annotations

import _socket
from collections.abc import Sequence

from famsock.contract import Family, Loopback, Native, hookimpl

from ._address import Inet6Address, from_text, parse
from ._codec import decode, encode, from_native, ntop, pton
from ._constants import CONSTANTS

__all__ = ["FAMILY", "Inet6Address", "famsock_families"]

famsock_contract = 1

FAMILY = Family(
    name="inet6",
    number=_socket.AF_INET6,
    constant="AF_INET6",
    address_type=Inet6Address,
    socket_types=frozenset({_socket.SOCK_STREAM, _socket.SOCK_DGRAM, _socket.SOCK_RAW}),
    parse=parse,
    encode=encode,
    decode=decode,
    from_text=from_text,
    constants=CONSTANTS,
    # Lossless: parse() hands the C method a literal host without %scope (inet_pton, no lookup)
    # and flowinfo/scope_id already in range, which the C method copies as they are.
    native=Native(from_native=from_native),
    loopbacks=(
        Loopback(_socket.SOCK_STREAM, lambda: ("::1", 0)),
        Loopback(_socket.SOCK_DGRAM, lambda: ("::1", 0)),
    ),
    pton=pton,
    ntop=ntop,
    summary="IPv6: (host, port, flowinfo, scope_id)",
)


@hookimpl
def famsock_families() -> Sequence[Family]:
    return [FAMILY]
