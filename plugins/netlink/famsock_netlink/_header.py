"""``struct nlmsghdr``: pack one, and split a datagram into its messages, bounded (pure).

Layout (16 bytes, <linux/netlink.h>, host order): nlmsg_len 0:4 (header included), nlmsg_type
4:2, nlmsg_flags 6:2, nlmsg_seq 8:4, nlmsg_pid 12:4. Messages in one datagram each start at a
4-byte boundary (``NLMSG_ALIGN``).

Splitting never trusts a length: a length below the header's 16 bytes (0 would loop forever in
C's ``NLMSG_NEXT``), or past the end of the datagram, is a :class:`MalformedMessageError` that says
which message, where, and what it claimed. Each step moves forward by 16 bytes at least, so a
datagram of ``n`` bytes takes at most ``n / 16`` steps.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import NamedTuple

from ._errors import MalformedMessageError

__all__ = ["HEADER", "HEADER_SIZE", "Header", "align", "pack_header", "split"]

HEADER = struct.Struct("=IHHII")
HEADER_SIZE = HEADER.size
_unpack_header = HEADER.unpack_from


class Header(NamedTuple):
    """A message's ``nlmsghdr``."""

    length: int
    type: int
    flags: int
    seq: int
    pid: int


def align(length: int) -> int:
    """``NLMSG_ALIGN``/``NLA_ALIGN``: up to the next multiple of 4."""
    return (length + 3) & ~3


def pack_header(length: int, kind: int, flags: int, seq: int, pid: int) -> bytes:
    """The 16 header bytes; ``struct.error`` becomes ``OverflowError`` naming the field."""
    for name, value, limit in (("nlmsg_len", length, 0xFFFFFFFF), ("nlmsg_type", kind, 0xFFFF),
                               ("nlmsg_flags", flags, 0xFFFF), ("nlmsg_seq", seq, 0xFFFFFFFF),
                               ("nlmsg_pid", pid, 0xFFFFFFFF)):
        if not 0 <= value <= limit:
            raise OverflowError(f"netlink {name} must be 0-{limit}, got {value}")
    return HEADER.pack(length, kind, flags, seq, pid)


def split(data: bytes) -> Iterator[tuple[int, int, int, int, int, int]]:
    """Each message of a datagram as ``(length, type, flags, seq, pid, offset)``; its payload is
    ``data[offset + 16 : offset + length]``. ``MalformedMessageError`` for a length that lies."""
    size = len(data)
    offset = 0
    index = 0
    while offset < size:
        if size - offset < HEADER_SIZE:
            raise MalformedMessageError(f"netlink message {index} at byte {offset} is truncated: "
                                        f"{size - offset} bytes left, a header is {HEADER_SIZE}")
        length, kind, flags, seq, pid = _unpack_header(data, offset)
        if length < HEADER_SIZE:
            raise MalformedMessageError(f"netlink message {index} at byte {offset} claims nlmsg_len "
                                        f"{length}, less than its own {HEADER_SIZE}-byte header")
        if length > size - offset:
            raise MalformedMessageError(f"netlink message {index} at byte {offset} claims nlmsg_len "
                                        f"{length}, but only {size - offset} bytes are left in the datagram")
        yield length, kind, flags, seq, pid, offset
        offset += (length + 3) & ~3
        index += 1
