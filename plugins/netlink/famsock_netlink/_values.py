"""Attribute payloads <-> Python values, by the declared type (YNL's names): pure functions.

Every decoder is ``decode(data, start, end) -> value`` over a payload that a walk has bounded,
and checks its size (``MalformedMessageError`` otherwise); every encoder is ``encode(value) -> bytes``
and checks the value with the stdlib's exception types (``TypeError`` for a wrong type,
``OverflowError`` for an integer out of the type's range, ``ValueError`` for a bad value).

Types: ``u8``-``u64``, ``s8``-``s64`` (host order, or ``byte-order: big-endian``); ``uint``/``sint``
(4 or 8 bytes, as the kernel's ``nla_put_uint``); ``flag`` (present: ``True``); ``string``
(NUL-terminated UTF-8; bytes that are not UTF-8 kept with ``surrogateescape``, so nothing is
lost); ``binary`` (``bytes``; with ``display-hint`` ``mac``, ``ipv4``, ``ipv6``, ``ipv4-or-v6``,
``hex`` or ``uuid``: text; with ``sub-type`` ``u8``-``s64``: a list of integers);
``bitfield32`` (``(value, selector)``).
"""

from __future__ import annotations

import _socket
import struct
import sys
from collections.abc import Callable
from operator import index
from typing import Any, Literal

from ._errors import MalformedMessageError

__all__ = ["INTEGER_TYPES", "Decoder", "Encoder", "codec_for", "integer_range"]

Decoder = Callable[[bytes, int, int], Any]
Encoder = Callable[[Any], bytes]

#: Fixed-size integer types: struct format letter (host order) and size.
INTEGER_TYPES: dict[str, str] = {"u8": "B", "u16": "H", "u32": "I", "u64": "Q",
                                 "s8": "b", "s16": "h", "s32": "i", "s64": "q"}
_AF_INET, _AF_INET6 = _socket.AF_INET, _socket.AF_INET6


def integer_range(kind: str) -> tuple[int, int]:
    """The values an integer type holds (``uint``/``sint``: 64 bits)."""
    bits = {"8": 8, "16": 16, "32": 32, "64": 64}.get(kind[1:], 64)
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if kind[0] == "s" else (0, (1 << bits) - 1)


def codec_for(kind: str, byte_order: str | None = None, display_hint: str | None = None,
              sub_type: str | None = None) -> tuple[Decoder, Encoder]:
    """The decoder and encoder of one scalar type; ``ValueError`` for a type this layer lacks."""
    big = byte_order == "big-endian"
    if kind in INTEGER_TYPES:
        return _fixed_integer(kind, big)
    if kind in ("uint", "sint"):
        return _variable_integer(kind, big)
    if kind == "flag":
        return _flag_decode, _flag_encode
    if kind == "string":
        return _string_decode, _string_encode
    if kind == "binary":
        if sub_type in INTEGER_TYPES:
            return _array(sub_type, big)
        return _BINARY_HINTS.get(display_hint or "", (_binary_decode, _binary_encode))
    if kind == "bitfield32":
        return _bitfield32_decode, _bitfield32_encode
    raise ValueError(f"no scalar codec for netlink attribute type {kind!r}")


# -- integers -------------------------------------------------------------------------------------


def _fixed_integer(kind: str, big: bool) -> tuple[Decoder, Encoder]:
    layout = struct.Struct((">" if big else "=") + INTEGER_TYPES[kind])
    size = layout.size
    unpack_from, pack = layout.unpack_from, layout.pack
    low, high = integer_range(kind)

    def decode(data: bytes, start: int, end: int) -> int:
        if end - start != size:
            raise MalformedMessageError(f"a {kind} is {size} bytes, got {end - start}")
        value: int = unpack_from(data, start)[0]
        return value

    def encode(value: Any) -> bytes:
        return pack(_integer(value, kind, low, high))

    return decode, encode


def _variable_integer(kind: str, big: bool) -> tuple[Decoder, Encoder]:
    order: Literal["big", "little"] = "big" if big else sys.byteorder
    signed = kind == "sint"
    low, high = integer_range(kind)
    small_low, small_high = integer_range(kind[0] + "32")

    def decode(data: bytes, start: int, end: int) -> int:
        if end - start not in (4, 8):
            raise MalformedMessageError(f"a {kind} is 4 or 8 bytes, got {end - start}")
        return int.from_bytes(data[start:end], order, signed=signed)

    def encode(value: Any) -> bytes:
        number = _integer(value, kind, low, high)
        size = 4 if small_low <= number <= small_high else 8
        return number.to_bytes(size, order, signed=signed)

    return decode, encode


def _integer(value: Any, kind: str, low: int, high: int) -> int:
    if type(value) is not int:
        try:
            value = index(value)
        except TypeError:
            raise TypeError(f"a {kind} attribute needs an integer, not {type(value).__name__}: "
                            f"{value!r:.80}") from None
    if not low <= value <= high:
        raise OverflowError(f"a {kind} attribute must be {low}-{high}, got {value}")
    return int(value)


def _array(kind: str, big: bool) -> tuple[Decoder, Encoder]:
    letter = INTEGER_TYPES[kind]
    item = struct.calcsize(letter)
    low, high = integer_range(kind)
    prefix = ">" if big else "="

    def decode(data: bytes, start: int, end: int) -> list[int]:
        if (end - start) % item:
            raise MalformedMessageError(f"an array of {kind} is a multiple of {item} bytes, got "
                                        f"{end - start}")
        return list(struct.unpack_from(f"{prefix}{(end - start) // item}{letter}", data, start))

    def encode(value: Any) -> bytes:
        if isinstance(value, (str, bytes, bytearray)):
            raise TypeError(f"an array of {kind} needs a sequence of integers, not {type(value).__name__}")
        numbers = [_integer(number, kind, low, high) for number in value]
        return struct.pack(f"{prefix}{len(numbers)}{letter}", *numbers)

    return decode, encode


# -- flags, strings, bytes ------------------------------------------------------------------------


def _flag_decode(data: bytes, start: int, end: int) -> bool:
    if end != start:
        raise MalformedMessageError(f"a flag attribute has no payload, got {end - start} bytes")
    return True


def _flag_encode(value: Any) -> bytes:
    if value is not True:
        raise TypeError(f"a flag attribute is set with True (leave it out to clear it), got {value!r:.80}")
    return b""


def _string_decode(data: bytes, start: int, end: int) -> str:
    raw = data[start:end]
    cut = raw.find(0)
    return (raw if cut < 0 else raw[:cut]).decode("utf-8", "surrogateescape")


def _string_encode(value: Any) -> bytes:
    if isinstance(value, str):
        try:
            raw = value.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError as exc:
            raise ValueError(f"a string attribute must be encodable as UTF-8: {value!r:.80}: "
                             f"{exc.reason}") from None
    elif isinstance(value, (bytes, bytearray)):
        raw = bytes(value)
    else:
        raise TypeError(f"a string attribute needs str or bytes, not {type(value).__name__}: {value!r:.80}")
    if b"\0" in raw:
        raise ValueError("a string attribute cannot hold a NUL (the kernel would cut it there): "
                         f"{value!r:.80}")
    return raw + b"\0"


def _binary_decode(data: bytes, start: int, end: int) -> bytes:
    return data[start:end]


def _binary_encode(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"a binary attribute needs bytes, not {type(value).__name__}: {value!r:.80}")


def _bitfield32_decode(data: bytes, start: int, end: int) -> tuple[int, int]:
    if end - start != 8:
        raise MalformedMessageError(f"a bitfield32 is 8 bytes, got {end - start}")
    value, selector = struct.unpack_from("=II", data, start)
    return value, selector


def _bitfield32_encode(value: Any) -> bytes:
    if not isinstance(value, tuple) or len(value) != 2:
        raise TypeError(f"a bitfield32 attribute needs a (value, selector) tuple, got {value!r:.80}")
    return struct.pack("=II", *(_integer(part, "u32", 0, 0xFFFFFFFF) for part in value))


# -- display hints --------------------------------------------------------------------------------


def _mac_decode(data: bytes, start: int, end: int) -> str:
    return data[start:end].hex(":")


def _mac_encode(value: Any) -> bytes:
    if isinstance(value, str):
        try:
            return bytes.fromhex(value.replace(":", "").replace("-", ""))
        except ValueError:
            raise ValueError(f"not a hardware address (hex bytes separated by ':'): {value!r:.80}") from None
    return _binary_encode(value)


def _address_codec(family: int | None, size: int | None) -> tuple[Decoder, Encoder]:
    def decode(data: bytes, start: int, end: int) -> str:
        length = end - start
        if size is not None and length != size:
            raise MalformedMessageError(f"an {'IPv4' if size == 4 else 'IPv6'} address is {size} bytes, got "
                                        f"{length}")
        if length == 4:
            return _socket.inet_ntop(_AF_INET, data[start:end])
        if length == 16:
            return _socket.inet_ntop(_AF_INET6, data[start:end])
        raise MalformedMessageError(f"an IP address is 4 or 16 bytes, got {length}")

    def encode(value: Any) -> bytes:
        if not isinstance(value, str):
            return _binary_encode(value)
        families = (family,) if family is not None else (_AF_INET, _AF_INET6)
        for number in families:
            try:
                return _socket.inet_pton(number, value)
            except OSError:
                continue
        expected = {_AF_INET: "an IPv4", _AF_INET6: "an IPv6", None: "an IP"}[family]
        raise ValueError(f"not {expected} address: {value!r:.80}")

    return decode, encode


def _hex_decode(data: bytes, start: int, end: int) -> str:
    return data[start:end].hex()


def _hex_encode(value: Any) -> bytes:
    if isinstance(value, str):
        try:
            return bytes.fromhex(value)
        except ValueError:
            raise ValueError(f"not hex digits: {value!r:.80}") from None
    return _binary_encode(value)


def _uuid_decode(data: bytes, start: int, end: int) -> str:
    import uuid  # noqa: PLC0415 - rare: only families that declare UUIDs

    if end - start != 16:
        raise MalformedMessageError(f"a UUID is 16 bytes, got {end - start}")
    return str(uuid.UUID(bytes=data[start:end]))


def _uuid_encode(value: Any) -> bytes:
    import uuid  # noqa: PLC0415

    if isinstance(value, str):
        return uuid.UUID(value).bytes
    return _binary_encode(value)


_BINARY_HINTS: dict[str, tuple[Decoder, Encoder]] = {
    "mac": (_mac_decode, _mac_encode),
    "ipv4": _address_codec(_AF_INET, 4),
    "ipv6": _address_codec(_AF_INET6, 16),
    "ipv4-or-v6": _address_codec(None, None),
    "hex": (_hex_decode, _hex_encode),
    "uuid": (_uuid_decode, _uuid_encode),
}
