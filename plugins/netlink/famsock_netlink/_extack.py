"""``NLMSG_ERROR`` and ``NLMSG_DONE`` payloads, with the extended ack (pure).

``struct nlmsgerr`` (<linux/netlink.h>): ``int error`` (0 for an ACK, else ``-errno``), then the
request's ``nlmsghdr``; then the request's payload unless the kernel capped it (``NLM_F_CAPPED``,
set for every ACK and with ``NETLINK_CAP_ACK``); then, with ``NLM_F_ACK_TLVS``, attributes of
``enum nlmsgerr_attrs`` (the extended ack). ``NLMSG_DONE`` carries an ``int`` (0, or ``-errno``
when a dump failed part way) and may carry the same attributes.

:func:`locate` names the attribute an ``NLMSGERR_ATTR_OFFS`` points at, by walking the request
the conversation kept with its declaration.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from ._attributes import NLA_TYPE_MASK, walk
from ._errors import ExtendedAck, MalformedMessageError
from ._header import HEADER_SIZE

__all__ = ["done_errno", "locate", "read_error"]

NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
_INT = struct.Struct("=i")
_U32 = struct.Struct("=I")
_MSG, _OFFS, _COOKIE, _MISS_TYPE, _MISS_NEST = 1, 2, 3, 5, 6


def read_error(data: bytes, offset: int, length: int, flags: int) -> tuple[int, int, int, ExtendedAck]:
    """An ``NLMSG_ERROR`` message: ``(errno (positive; 0 for an ACK), the request's seq, its type,
    the extended ack)``."""
    end = offset + length
    start = offset + HEADER_SIZE
    if length < HEADER_SIZE + 4 + HEADER_SIZE:
        raise MalformedMessageError(f"an NLMSG_ERROR message is {HEADER_SIZE + 4 + HEADER_SIZE} bytes at "
                                    f"least, got {length}")
    (error,) = _INT.unpack_from(data, start)
    echoed_length, echoed_type, _flags, echoed_seq, _pid = struct.unpack_from("=IHHII", data, start + 4)
    tlvs = start + 4 + HEADER_SIZE
    if error and not flags & NLM_F_CAPPED:  # the request's payload follows its header
        if echoed_length < HEADER_SIZE or start + 4 + echoed_length > end:
            raise MalformedMessageError(f"an NLMSG_ERROR message echoes a request of {echoed_length} bytes; "
                                        f"{end - start - 4} bytes are there")
        tlvs = start + 4 + ((echoed_length + 3) & ~3)
    extack = _read_tlvs(data, min(tlvs, end), end) if flags & NLM_F_ACK_TLVS else ExtendedAck()
    return -error, echoed_seq, echoed_type, extack


def done_errno(data: bytes, offset: int, length: int, flags: int) -> tuple[int, ExtendedAck]:
    """An ``NLMSG_DONE`` message: ``(errno, extended ack)``; a DONE with no payload (some
    subsystems send one) is a success."""
    end = offset + length
    start = offset + HEADER_SIZE
    if length < HEADER_SIZE + 4:
        return 0, ExtendedAck()
    (error,) = _INT.unpack_from(data, start)
    extack = _read_tlvs(data, start + 4, end) if flags & NLM_F_ACK_TLVS else ExtendedAck()
    return -error, extack


def _read_tlvs(data: bytes, start: int, end: int) -> ExtendedAck:
    fields: dict[str, Any] = {}
    for flagged, payload, stop in walk(data, start, end):
        kind = flagged & NLA_TYPE_MASK
        raw = data[payload:stop]
        if kind == _MSG:
            fields["message"] = raw.split(b"\0", 1)[0].decode("utf-8", "replace")
        elif kind in (_OFFS, _MISS_TYPE, _MISS_NEST) and len(raw) == 4:
            name = {_OFFS: "offset", _MISS_TYPE: "missing_type", _MISS_NEST: "missing_nest"}[kind]
            fields[name] = _U32.unpack(raw)[0]
        elif kind == _COOKIE:
            fields["cookie"] = raw
    return ExtendedAck(**fields)


def locate(request: bytes, offset: int, body_start: int, set_name: str | None,
           names: Callable[[str | None, int], tuple[str, str | None]]) -> str | None:
    """The path (``"linkinfo.kind"``) of the attribute at ``offset`` in ``request``, whose
    attributes (of set ``set_name``) start at ``body_start``; ``names(set, number) -> (name, nested
    set or None)`` names them from the declaration. ``None`` when no attribute is there."""
    path: list[str] = []
    scope = set_name
    start, end = body_start, len(request)
    while True:
        for kind, payload, stop in walk(request, start, end):
            header = payload - 4
            if header <= offset < stop:
                name, nested = names(scope, kind & NLA_TYPE_MASK)
                path.append(name)
                if header == offset or nested is None:
                    return ".".join(path)
                scope, start, end = nested, payload, stop
                break
        else:
            return None
