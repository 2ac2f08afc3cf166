"""The sans-I/O message layer: pure functions of bytes and values, no socket.

    from famsock_netlink.messages import codec
    from famsock_netlink.declarations import spec

    link = codec(spec("rt-link"))
    data = link.encode("getlink", "dump")                # request bytes (seq 0: a connection sets it)
    for message in link.messages(reply_bytes):           # every message of a datagram, decoded
        print(message.operation, message.fixed, message.attributes)

Lower down: :func:`split` (a datagram's messages, bounded), :func:`walk` (a run of attributes,
bounded), :func:`pack_header`, :func:`pack_attribute`, and :func:`render` (a message as JSON).
Every reading function raises :class:`~famsock_netlink.MalformedMessageError` (a ``ValueError``)
for bytes netlink does not allow, naming where.
"""

from __future__ import annotations

from ._attributes import NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK, pack_attribute, walk
from ._conversation import RawMessage
from ._header import Header, align, pack_header, split
from ._messages import MAX_DEPTH, FamilyCodec, Message, codec
from ._render import render

__all__ = ["MAX_DEPTH", "NLA_F_NESTED", "NLA_F_NET_BYTEORDER", "NLA_TYPE_MASK", "FamilyCodec", "Header",
           "Message", "RawMessage", "align", "codec", "pack_attribute", "pack_header", "render", "split",
           "walk"]
