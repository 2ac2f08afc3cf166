"""Control messages (``struct cmsghdr`` items) as bytes: pure layout, no I/O.

The layout and the walk are glibc's on x86-64 Linux (``CMSG_ALIGN``, ``CMSG_LEN``,
``CMSG_SPACE``, ``CMSG_FIRSTHDR``, the inline ``CMSG_NXTHDR`` of <bits/socket.h>), and the
reading is CPython's (``Modules/socketmodule.c``): tests/vectors/msghdr.c prints the reference
values these functions are checked against.
"""

from __future__ import annotations

import struct
from _socket import SCM_RIGHTS, SOL_SOCKET
from collections.abc import Iterator

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["CMSGHDR", "build", "cmsg_align", "cmsg_len", "cmsg_space", "next_header", "read",
           "rights", "walk"]

CMSGHDR = struct.Struct("@Nii")  # struct cmsghdr: size_t cmsg_len; int cmsg_level, cmsg_type
_ALIGNMENT = struct.calcsize("@N")  # items start on size_t boundaries
_LEN_END = struct.calcsize("@N")  # the stdlib reads no header shorter than its cmsg_len field
_FD = struct.calcsize("@i")


def cmsg_align(length: int) -> int:
    """``CMSG_ALIGN``: control messages start on ``size_t`` boundaries."""
    return (length + _ALIGNMENT - 1) & ~(_ALIGNMENT - 1)


HEADER = cmsg_align(CMSGHDR.size)  # CMSG_LEN(0): where CMSG_DATA() starts


def cmsg_len(length: int) -> int:
    """``CMSG_LEN``: the ``cmsg_len`` of an item with ``length`` bytes of data."""
    return HEADER + length


def cmsg_space(length: int) -> int:
    """``CMSG_SPACE``: the room an item with ``length`` bytes of data takes, padding included."""
    return HEADER + cmsg_align(length)


def next_header(offset: int, length: int, control_length: int) -> int | None:
    """glibc's ``CMSG_NXTHDR``: the offset of the header after the one at ``offset`` whose
    ``cmsg_len`` is ``length``, or None when no whole header fits after it in ``control_length``
    bytes. The next header's own ``cmsg_len`` is not looked at."""
    if length < CMSGHDR.size:
        return None
    remaining = control_length - offset
    needed = CMSGHDR.size + (-length & (_ALIGNMENT - 1))
    if remaining < needed or remaining - needed < length:
        return None
    return offset + cmsg_align(length)


def walk(control: memoryview, control_length: int) -> Iterator[tuple[int, int, int]]:
    """The control messages as the stdlib reads them: ``(offset, data size, status)`` per header.

    Headers come from ``CMSG_FIRSTHDR``/``CMSG_NXTHDR``; status is ``get_cmsg_data_len()``'s:
    0 for a whole item, 1 for an item whose data the buffer cuts short (its size is what is
    there), -1 for a header too short or past the end. The walk ends after a non-zero status.
    """
    offset = 0 if control_length >= CMSGHDR.size else None  # CMSG_FIRSTHDR
    while offset is not None:
        if offset + max(HEADER, _LEN_END) > control_length:
            yield offset, 0, -1
            return
        length = CMSGHDR.unpack_from(control, offset)[0]
        if length < HEADER:
            yield offset, 0, -1
            return
        space = control_length - offset - HEADER
        if space < length - HEADER:
            yield offset, space, 1
            return
        yield offset, length - HEADER, 0
        offset = next_header(offset, length, control_length)


def read(control: memoryview, control_length: int) -> tuple[list[tuple[int, int, bytes]], bool]:
    """The ``(level, type, data)`` items, as the stdlib returns them, and whether the buffer was
    damaged (an item cut short is returned with the data that is there and ends the list; a
    malformed header ends it with no item): the stdlib warns about both."""
    items: list[tuple[int, int, bytes]] = []
    for offset, size, status in walk(control, control_length):
        if status < 0:
            return items, True
        _, level, kind = CMSGHDR.unpack_from(control, offset)
        start = offset + HEADER
        items.append((level, kind, control[start:start + size].tobytes()))
        if status:
            return items, True
    return items, False


def rights(control: memoryview, control_length: int) -> list[int]:
    """The descriptors SCM_RIGHTS items brought (whole ints only)."""
    fds: list[int] = []
    for offset, size, status in walk(control, control_length):
        if status < 0:
            break
        _, level, kind = CMSGHDR.unpack_from(control, offset)
        if level == SOL_SOCKET and kind == SCM_RIGHTS:
            start = offset + HEADER
            fds.extend(control[start:start + size - size % _FD].cast("i"))
    return fds


def build(items: Sequence[tuple[int, int, memoryview]], limit: int) -> bytearray:
    """A control buffer for ``sendmsg()``: each item's header and data, ``CMSG_SPACE`` apart,
    padding zeroed. ``OSError`` past ``limit`` bytes, with the stdlib's messages."""
    total = 0
    for _, _, data in items:
        if data.nbytes > limit - cmsg_space(1):
            raise OSError("ancillary data item too large")
        total += cmsg_space(data.nbytes)
        if total > limit:
            raise OSError("too much ancillary data")
    control = bytearray(total)
    offset = 0
    for level, kind, data in items:
        CMSGHDR.pack_into(control, offset, cmsg_len(data.nbytes), level, kind)
        control[offset + HEADER:offset + HEADER + data.nbytes] = data
        offset += cmsg_space(data.nbytes)
    return control
