"""``struct sockaddr_un`` bytes, and the stdlib's values, <-> ``UnixAddress``: pure functions.

Layout (110 bytes, <sys/un.h>): sun_family (host order) 0:2, sun_path[108] 2:108. The length
says the kind; famsock encodes what Linux programs pass and reads what the kernel returns:

- path: ``2 + n + 1``, the terminating NUL included. The kernel stores a bound path as
  ``strlen() + 1`` bytes, so it reports 111 for a 108-byte path a C program bound without a NUL
  (more than ``sizeof(struct sockaddr_un)``); the BSD ``SUN_LEN()`` length ``2 + n`` is read too.
  As the kernel and the stdlib do, a path ends at its first NUL. Such a 108-byte path decodes,
  but ``encode`` refuses it, as ``to_native`` and the stdlib do: it has no room for its NUL.
- abstract: ``2 + n``, ``n`` counting the leading NUL; every byte up to the length is the name.
- unnamed: ``2`` (the kernel's answer for an unbound socket; ``bind()`` of it autobinds).
"""

from __future__ import annotations

import _socket
import os
import sys

from famsock.contract import SocketSpec

from ._address import MAX_PATH, SUN_PATH_SIZE, UnixAddress, UnixPathAddress, from_sun_path, path_too_long

__all__ = ["SOCKADDR_UN_SIZE", "decode", "encode", "from_native", "to_native"]

AF_UNIX = _socket.AF_UNIX
SOCKADDR_UN_SIZE = 2 + SUN_PATH_SIZE
_FAMILY = AF_UNIX.to_bytes(2, sys.byteorder)
_LONGEST = SOCKADDR_UN_SIZE + 1  # a 108-byte path as the kernel reports it, with its NUL


def encode(address: UnixAddress) -> bytes:
    sun_path = address._sun_path
    if type(address) is UnixPathAddress:
        if len(sun_path) > MAX_PATH:  # a 108-byte path the kernel reported: no room for its NUL
            path_too_long(sun_path, address)
        return _FAMILY + sun_path + b"\0"
    return _FAMILY + sun_path  # abstract and unnamed


def decode(data: bytes, spec: SocketSpec | None = None) -> UnixAddress:
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


def from_native(value: str | bytes, spec: SocketSpec | None = None) -> UnixAddress:
    """The stdlib's result: ``str`` (a path, or ``''``) or ``bytes`` (an abstract name)."""
    if type(value) is str:
        return from_sun_path(os.fsencode(value))  # the stdlib decoded it with os.fsdecode
    if type(value) is bytes:
        return from_sun_path(value)
    raise ValueError(f"not an AF_UNIX address from the stdlib: {value!r}")


def to_native(address: UnixAddress) -> bytes:
    """The value the stdlib's C methods get: the bytes, so that nothing is encoded twice.

    A parsed address holds no NUL in a path and fits sun_path, so the C code cannot truncate it.
    A 108-byte path (only the kernel reports one) has no room for the NUL the interpreter needs:
    refused with the limit named, as ``encode`` refuses it on the raw path.
    """
    sun_path = address._sun_path
    if len(sun_path) > MAX_PATH and type(address) is UnixPathAddress:
        path_too_long(sun_path, address)
    return sun_path
