"""``struct sockaddr_in6`` bytes <-> ``Inet6Address``: pure functions.

Layout (28 bytes, <netinet/in.h>): sin6_family (host order) 0:2, sin6_port (big-endian) 2:2,
sin6_flowinfo (big-endian, as <linux/in6.h> says) 4:4, sin6_addr 8:16, sin6_scope_id (host
order) 24:4. The tests check all of it against bytes the C library produced.
"""

from __future__ import annotations

import _socket
import struct
import sys

from famsock.contract import SocketSpec

from ._address import FLOWINFO_MAX, Inet6Address

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a first bind() imports no typing
if TYPE_CHECKING:
    from typing import NoReturn

__all__ = ["SOCKADDR_IN6_SIZE", "decode", "encode", "from_native", "ntop", "pton"]

AF_INET6 = _socket.AF_INET6
SOCKADDR_IN6_SIZE = 28
_FAMILY = AF_INET6.to_bytes(2, sys.byteorder)
_NETWORK_ORDER = struct.Struct("!HI16s")  # sin6_port, sin6_flowinfo, sin6_addr
_SCOPE_ID = struct.Struct("=I")  # native order, standard size
_new = tuple.__new__
_pton = _socket.inet_pton
_ntop = _socket.inet_ntop


def encode(address: Inet6Address, spec: SocketSpec | None = None) -> bytes:
    """The sockaddr_in6 to send. An address may hold all 32 bits of ``sin6_flowinfo`` (as the
    kernel reports them), but only a 20-bit flow label is sent: ``OverflowError`` beyond it, as
    the interpreter's C methods raise on the native path."""
    host, port, flowinfo, scope_id = address
    if flowinfo > FLOWINFO_MAX:
        _unsendable(flowinfo)
    return _FAMILY + _NETWORK_ORDER.pack(port, flowinfo, _pton(AF_INET6, host)) + _SCOPE_ID.pack(scope_id)


def _unsendable(flowinfo: int) -> NoReturn:
    raise OverflowError(f"AF_INET6 flowinfo must be 0-{FLOWINFO_MAX} (0xfffff: a 20-bit flow label) to be "
                        f"sent, as in the stdlib; got {flowinfo:#x} (the kernel reports the traffic class "
                        "above the label): send address._replace(flowinfo=address.flowinfo & 0xfffff)")


def decode(data: bytes, spec: SocketSpec | None = None) -> Inet6Address:
    """The address the bytes hold. The flowinfo is kept whole (as the stdlib reports it), even
    beyond the 20 bits ``parse`` takes."""
    if len(data) != SOCKADDR_IN6_SIZE:
        raise ValueError(f"a sockaddr_in6 is {SOCKADDR_IN6_SIZE} bytes, got {len(data)}: {data.hex()}")
    family = int.from_bytes(data[:2], sys.byteorder)
    if family != AF_INET6:
        raise ValueError(f"not an AF_INET6 sockaddr: sa_family is {family}")
    port, flowinfo, packed = _NETWORK_ORDER.unpack_from(data, 2)
    (scope_id,) = _SCOPE_ID.unpack_from(data, 24)
    return _new(Inet6Address, (_ntop(AF_INET6, packed), port, flowinfo, scope_id))


def from_native(value: tuple[str, int, int, int], spec: SocketSpec | None = None) -> Inet6Address:
    """The stdlib's ``(host, port, flowinfo, scope_id)`` result: already canonical, so only its
    shape is checked. Anything else is refused (``ValueError``): the interpreter decodes by the
    sockaddr's family, so a socket the kernel moved to AF_INET (IPV6_ADDRFORM) gives a pair,
    which famsock then reads by the family the kernel reports."""
    if type(value) is not tuple or len(value) != 4:
        raise ValueError(f"not an AF_INET6 address from the stdlib (host, port, flowinfo, scope_id): "
                         f"{value!r}")
    return _new(Inet6Address, value)


def pton(text: str) -> bytes:
    """``famsock.inet_pton(AF_INET6, text)``: the platform's reading, with a clearer message."""
    try:
        return _socket.inet_pton(AF_INET6, text)
    except OSError:
        raise OSError(f"illegal IP address string passed to inet_pton: {text!r} is not an AF_INET6 "
                      "address") from None


def ntop(packed: object) -> str:
    """``famsock.inet_ntop(AF_INET6, packed)``: 16 bytes as text, as the platform writes them."""
    try:
        return _socket.inet_ntop(AF_INET6, packed)  # type: ignore[arg-type]
    except ValueError:
        size = memoryview(packed).nbytes  # type: ignore[arg-type]
        raise ValueError(f"invalid length of packed IP address string: AF_INET6 needs 16 bytes, "
                         f"got {size}") from None
