"""``struct sockaddr_un`` bytes, and the stdlib's values, <-> ``UnixAddress``: pure functions.

Layout (110 bytes, <sys/un.h>): sun_family (host order) 0:2, sun_path[108] 2:108. The length
says the kind; famsock encodes what Linux programs pass and reads what the kernel returns:

- path: ``2 + n + 1``, the terminating NUL included. The kernel stores a bound path as
  ``strlen() + 1`` bytes, so it reports 111 for a 108-byte path a C program bound without a NUL
  (more than ``sizeof(struct sockaddr_un)``); the BSD ``SUN_LEN()`` length ``2 + n`` is read too.
  As the kernel and the stdlib do, a path ends at its first NUL. Such a 108-byte path decodes,
  but ``encode`` refuses it, as the interpreter does on the native path: it has no room for its NUL.
- abstract: ``2 + n``, ``n`` counting the leading NUL; every byte up to the length is the name.
- unnamed: ``2`` (the kernel's answer for an unbound socket; ``bind()`` of it autobinds).

The native path needs no ``to_native``: a typed address is the ``str`` or ``bytes`` the
interpreter's C methods take, already checked (no NUL inside a path, within sun_path).
"""

from __future__ import annotations

import _socket
import sys

from famsock.contract import SocketSpec

from ._address import (
    MAX_PATH,
    SUN_PATH_SIZE,
    AnyUnixAddress,
    UnixAbstractAddress,
    UnixAddress,
    UnixPathAddress,
    from_stdlib_path,
    from_sun_path,
    path_too_long,
)

__all__ = ["SOCKADDR_UN_SIZE", "decode", "encode", "from_native"]

AF_UNIX = _socket.AF_UNIX
SOCKADDR_UN_SIZE = 2 + SUN_PATH_SIZE
_FAMILY = AF_UNIX.to_bytes(2, sys.byteorder)
_LONGEST = SOCKADDR_UN_SIZE + 1  # a 108-byte path as the kernel reports it, with its NUL


def encode(address: UnixAddress, spec: SocketSpec | None = None) -> bytes:
    kind = type(address)
    if kind is UnixAbstractAddress:
        return _FAMILY + address  # type: ignore[operator]  # bytes + a bytes subclass: bytes
    if kind is UnixPathAddress or isinstance(address, UnixPathAddress):
        sun_path = address.sun_path
        if len(sun_path) > MAX_PATH:  # a 108-byte path the kernel reported: no room for its NUL
            path_too_long(sun_path, address)
        return _FAMILY + sun_path + b"\0"
    return _FAMILY + address.sun_path  # unnamed (length 2: autobind), or a subclass's abstract


def decode(data: bytes, spec: SocketSpec | None = None) -> AnyUnixAddress:
    if not 2 <= len(data) <= _LONGEST:
        raise ValueError(f"a sockaddr_un is 2 to {SOCKADDR_UN_SIZE} bytes ({_LONGEST} for a 108-byte "
                         f"path with its NUL), got {len(data)}: {data.hex()}")
    family = int.from_bytes(data[:2], sys.byteorder)
    if family != AF_UNIX:
        raise ValueError(f"not an AF_UNIX sockaddr: sa_family is {family}")
    sun_path = data[2:]
    if sun_path[:1] == b"\0":
        if len(sun_path) > SUN_PATH_SIZE:
            raise ValueError(f"an abstract AF_UNIX name is at most {SUN_PATH_SIZE} bytes, got "
                             f"{len(sun_path)}: {data.hex()}")
        return from_sun_path(sun_path)
    end = sun_path.find(0)
    path = sun_path if end < 0 else sun_path[:end]
    if len(path) > SUN_PATH_SIZE:
        raise ValueError(f"an AF_UNIX path is at most {SUN_PATH_SIZE} bytes, got {len(path)} with no "
                         f"terminating NUL: {data.hex()}")
    return from_sun_path(path)


def from_native(value: str | bytes, spec: SocketSpec | None = None) -> AnyUnixAddress:
    """The stdlib's result: ``str`` (a path, or ``''``) or ``bytes`` (an abstract name)."""
    if type(value) is str:
        return from_stdlib_path(value)  # the stdlib decoded it with os.fsdecode
    if type(value) is bytes:
        return from_sun_path(value)
    raise ValueError(f"not an AF_UNIX address from the stdlib: {value!r}")
