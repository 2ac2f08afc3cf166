"""Ancillary items (``recvmsg``/``sendmsg`` control data) read and written by plugins' codecs.

The stdlib hands ancillary data over as ``(level, type, bytes)`` items; a plugin that registers
a :class:`~famsock.contract.ControlMessage` for an item knows its struct. These two functions are
pure: ``recvmsg()`` itself returns the stdlib's items, and the caller asks for values::

    data, ancdata, flags, address = sock.recvmsg(1024, socket.CMSG_SPACE(64))
    for level, kind, value in famsock.decode_ancillary(ancdata, sock.family):
        ...

An item no plugin knows keeps its bytes, and so does one whose codec refuses them (an item
``MSG_CTRUNC`` cut short): one bad item never hides the others, SCM_RIGHTS fds among them.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from typing import Any

from ._registry import registry

__all__ = ["decode_ancillary", "encode_ancillary"]


def decode_ancillary(ancdata: Iterable[tuple[int, int, bytes]], family: int | None = None
                     ) -> list[tuple[int, int, Any]]:
    """``(level, type, value)`` for each item, ``value`` decoded where a plugin knows the item
    (on sockets of ``family``), else the item's bytes."""
    items = []
    for level, kind, data in ancdata:
        codec = registry.control_message(level, kind, None if family is None else int(family))
        value: Any = data
        if codec is not None:
            # cut short, or not what the plugin knows: the bytes, as the stdlib gives them
            with suppress(ValueError):
                value = codec.decode(bytes(data))
        items.append((level, kind, value))
    return items


def encode_ancillary(items: Iterable[tuple[int, int, Any]], family: int | None = None
                     ) -> list[tuple[int, int, bytes]]:
    """The ``(level, type, bytes)`` items ``sendmsg()`` takes: values encoded by the plugin that
    knows their item, bytes-like values as they are."""
    encoded = []
    for level, kind, value in items:
        if isinstance(value, (bytes, bytearray, memoryview)):
            encoded.append((level, kind, bytes(value)))
            continue
        codec = registry.control_message(level, kind, None if family is None else int(family))
        if codec is None or codec.encode is None:
            raise TypeError(f"no famsock plugin encodes ancillary items ({level}, {kind}): give their "
                            f"bytes, not {type(value).__name__}")
        encoded.append((level, kind, codec.encode(value)))
    return encoded
