"""``struct nlattr`` (rtnetlink's ``rtattr``): walk a run of attributes and pack one (pure).

Layout (4 bytes, host order): nla_len 0:2 (header included), nla_type 2:2, whose top bits are
flags: ``NLA_F_NESTED`` (0x8000: the payload is attributes) and ``NLA_F_NET_BYTEORDER`` (0x4000:
the payload is big-endian). The payload follows, padded to 4 bytes (``NLA_ALIGN``); the padding
of the last attribute of a message or nest may be missing.

The walk is bounded as the message split is: a length below 4 or past the end of the enclosing
message or nest is a :class:`MalformedMessageError`, and each step moves forward by 4 bytes at least.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from ._errors import MalformedMessageError

__all__ = ["ATTRIBUTE", "ATTRIBUTE_SIZE", "NLA_F_NESTED", "NLA_F_NET_BYTEORDER", "NLA_TYPE_MASK",
           "pack_attribute", "walk"]

ATTRIBUTE = struct.Struct("=HH")
ATTRIBUTE_SIZE = 4
NLA_F_NESTED = 0x8000
NLA_F_NET_BYTEORDER = 0x4000
NLA_TYPE_MASK = 0x3FFF
_MAX_PAYLOAD = 0xFFFF - ATTRIBUTE_SIZE
_PADDING = (b"", b"\0\0\0", b"\0\0", b"\0")
_unpack = ATTRIBUTE.unpack_from
_pack = ATTRIBUTE.pack


def walk(data: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """Each attribute in ``data[start:end]`` as ``(nla_type with its flags, payload start,
    payload end)``. ``MalformedMessageError`` for a length that lies."""
    offset = start
    while offset < end:
        if end - offset < ATTRIBUTE_SIZE:
            raise MalformedMessageError(f"netlink attribute at byte {offset} is truncated: {end - offset} "
                                        f"bytes left, an attribute header is {ATTRIBUTE_SIZE}")
        length, kind = _unpack(data, offset)
        if length < ATTRIBUTE_SIZE or length > end - offset:
            raise MalformedMessageError(f"netlink attribute type {kind & NLA_TYPE_MASK} at byte {offset} "
                                        f"claims nla_len {length}; {end - offset} bytes are left where it is")
        yield kind, offset + ATTRIBUTE_SIZE, offset + length
        offset += (length + 3) & ~3


def pack_attribute(kind: int, payload: bytes) -> bytes:
    """One attribute: header, payload, padding to 4 bytes. ``kind`` may carry the flags."""
    size = len(payload)
    if size > _MAX_PAYLOAD:
        raise ValueError(f"a netlink attribute holds at most {_MAX_PAYLOAD} bytes (nla_len is 16 bits), type "
                         f"{kind & NLA_TYPE_MASK} got {size}")
    if not 0 <= kind <= 0xFFFF:
        raise OverflowError(f"netlink attribute type must be 0-65535 (flags included), got {kind}")
    return _pack(size + ATTRIBUTE_SIZE, kind) + payload + _PADDING[size & 3]
