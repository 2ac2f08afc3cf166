"""``struct sockaddr_in`` bytes <-> ``InetAddress``: pure functions.

Layout (16 bytes, <netinet/in.h>): sin_family (host order) 0:2, sin_port (big-endian) 2:2,
sin_addr 4:4, sin_zero 8:8.
"""

from __future__ import annotations

import _socket
import sys

from famsock.contract import SocketSpec

from ._address import InetAddress

__all__ = ["SOCKADDR_IN_SIZE", "decode", "encode", "ntop", "pton"]

AF_INET = _socket.AF_INET
SOCKADDR_IN_SIZE = 16
_FAMILY = AF_INET.to_bytes(2, sys.byteorder)
_ZERO = bytes(8)  # sin_zero
_new = tuple.__new__  # int.to_bytes, not struct: a process's first bind() need not import struct


def encode(address: InetAddress, spec: SocketSpec | None = None) -> bytes:
    host, port = address
    return _FAMILY + port.to_bytes(2, "big") + _socket.inet_pton(AF_INET, host) + _ZERO


def decode(data: bytes, spec: SocketSpec | None = None) -> InetAddress:
    if len(data) != SOCKADDR_IN_SIZE:
        raise ValueError(f"a sockaddr_in is {SOCKADDR_IN_SIZE} bytes, got {len(data)}: {data.hex()}")
    if data[:2] != _FAMILY:
        raise ValueError(f"not an AF_INET sockaddr: sa_family is {int.from_bytes(data[:2], sys.byteorder)}")
    return _new(InetAddress, (_socket.inet_ntop(AF_INET, data[4:8]), int.from_bytes(data[2:4], "big")))


def pton(text: str) -> bytes:
    """``famsock.inet_pton(AF_INET, text)``: the platform's reading, with a clearer message."""
    try:
        return _socket.inet_pton(AF_INET, text)
    except OSError:
        raise OSError(f"illegal IP address string passed to inet_pton: {text!r} is not an AF_INET "
                      "address") from None


def ntop(packed: object) -> str:
    """``famsock.inet_ntop(AF_INET, packed)``: 4 bytes as text, as the platform writes them."""
    try:
        return _socket.inet_ntop(AF_INET, packed)  # type: ignore[arg-type]
    except ValueError:
        size = memoryview(packed).nbytes  # type: ignore[arg-type]
        raise ValueError(f"invalid length of packed IP address string: AF_INET needs 4 bytes, "
                         f"got {size}") from None
