"""``sendmsg()``, ``recvmsg()`` and ``recvmsg_into()`` on ``struct sockaddr`` bytes, through libc.

Why apart from :mod:`famsock._raw_calls`: these build C structures. ``struct msghdr`` and
``struct iovec`` are ctypes structures with glibc's x86-64 layouts (as tests/vectors/msghdr.c
prints them from <sys/socket.h>; the tests check them against that output); the ``struct
cmsghdr`` items of the control buffer are laid out and read by the pure
:mod:`famsock._control_messages`, as glibc's ``CMSG_*`` macros and ``Modules/socketmodule.c`` do:
the same items, the same truncation, the same warning. Arguments are checked in the C methods'
order, the socket's mode applied as theirs (:mod:`famsock._blocking`).

Pointers that may point into ``bytes`` are ``c_char_p``: assigning ``bytes`` stores their address
and keeps them alive (``ctypes.cast`` costs 0.4 µs); assigning an int stores that address.
"""

from __future__ import annotations

import ctypes
import os
import warnings
from _socket import MSG_TRUNC
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from . import _control_messages as control_messages, _libc
from ._blocking import POLLIN, POLLOUT, call
from ._c_arguments import (
    BYTES_LIMIT,
    INT_MAX,
    INT_MIN,
    SOCKLEN_LIMIT,
    SSIZE_MAX,
    SSIZE_MIN,
    ancillary_item,
    bytes_like,
    c_int,
    fast_sequence,
    py_ssize_t,
    scatter_buffer,
)
from ._libc import ADDRESS_SIZE, DATA_SIZE, Scratch, recvmsg as _recvmsg, sendmsg as _sendmsg, take, zeroed

if TYPE_CHECKING:
    from collections.abc import Sequence
    from socket import socket as StdSocket

__all__ = ["recvmsg", "recvmsg_into", "sendmsg"]

_pool = _libc.pool  # assigned, not imported: see famsock._raw_calls
_char = ctypes.c_char
_addressof = ctypes.addressof
_Items = list[tuple[int, int, bytes]]  # ancillary data: (level, type, data)


class _Iovec(ctypes.Structure):
    _fields_ = (("iov_base", ctypes.c_char_p), ("iov_len", ctypes.c_size_t))


class _Msghdr(ctypes.Structure):
    _fields_ = (
        ("msg_name", ctypes.c_char_p),
        ("msg_namelen", ctypes.c_uint32),  # socklen_t
        ("msg_iov", ctypes.c_void_p),
        ("msg_iovlen", ctypes.c_size_t),
        ("msg_control", ctypes.c_void_p),
        ("msg_controllen", ctypes.c_size_t),
        ("msg_flags", ctypes.c_int),
    )


# -- sendmsg ------------------------------------------------------------------------------------

def _pointer(data: Any, keep: list[Any]) -> tuple[bytes | int | None, int]:
    """A ``c_char_p`` value for a bytes-like object's memory, and its size: ``bytes`` as they are,
    the address of writable memory (what exports it goes into ``keep``, which the caller holds
    until the syscall is over), a copy of other read-only memory, which ctypes cannot point at."""
    if type(data) is bytes:
        return data, len(data)
    view = bytes_like(data)
    if view.readonly:
        return view.tobytes(), view.nbytes
    return _writable_pointer(view, keep)


def _writable_pointer(view: memoryview, keep: list[Any]) -> tuple[int | None, int]:
    """The address and size of writable memory, its ctypes array kept in ``keep``."""
    if not view.nbytes:
        return None, 0
    target = (_char * view.nbytes).from_buffer(view)
    keep.append(target)
    return _addressof(target), view.nbytes


def _vector(parts: Sequence[tuple[bytes | int | None, int]], keep: list[Any]) -> tuple[int | None, int]:
    """An iovec array over ``(pointer, size)`` pairs: its address and length, for the msghdr."""
    if not parts:
        return None, 0
    array: Any = _Iovec * len(parts)  # Any: typeshed has no array constructor from tuples
    vector = _Iovec(*parts[0]) if len(parts) == 1 else array(*parts)
    keep.append(vector)
    return _addressof(vector), len(parts)


def _control_message(ancdata: Any, keep: list[Any]) -> tuple[int | None, int]:
    """The control buffer for ``sendmsg()``, items checked one by one as the stdlib does."""
    items = [ancillary_item(item) for item in fast_sequence(ancdata, "sendmsg() argument 2")]
    if not items:
        return None, 0
    control = control_messages.build(items, SOCKLEN_LIMIT)
    target = (_char * len(control)).from_buffer(control)
    keep.append(target)
    return _addressof(target), len(control)


def sendmsg(sock: StdSocket, buffers: Any, ancdata: Any, flags: Any, address: bytes | None) -> int:
    """Send ``buffers`` gathered into one message, with ancillary data, to ``address`` or the peer.

    Arguments are checked in the stdlib's order (buffers, then ancillary items); the address
    comes encoded, checked by the path.
    """
    if type(flags) is not int or not INT_MIN <= flags <= INT_MAX:
        flags = c_int(flags)
    keep: list[Any] = []
    try:
        msg = _Msghdr()
        if address is not None:
            msg.msg_name, msg.msg_namelen = address, len(address)
        msg.msg_iov, msg.msg_iovlen = _vector(
            [_pointer(part, keep) for part in fast_sequence(buffers, "sendmsg() argument 1")], keep)
        msg.msg_control, msg.msg_controllen = _control_message(ancdata, keep)
        message = ctypes.byref(msg)
        sent: int = call(sock, POLLOUT, lambda: _sendmsg(sock.fileno(), message, flags))
        return sent
    finally:
        keep.clear()  # release the exports now, even while a traceback holds this frame


# -- recvmsg, recvmsg_into ----------------------------------------------------------------------

def _ancillary(control: memoryview, control_length: int) -> _Items:
    """The ``(level, type, data)`` items of received control data, as the stdlib returns them.

    As ``Modules/socketmodule.c``: an item the buffer cuts short is returned with the data that
    is there, and ends the list; it and a malformed header warn (``RuntimeWarning``). Should
    anything fail here (a warning turned into an error), the descriptors that arrived with
    SCM_RIGHTS are closed, since nobody else will ever see them.
    """
    try:
        items, damaged = control_messages.read(control, control_length)
        if damaged:
            # stacklevel: past this, _received, recvmsg(), the path and the socket method,
            # to the caller's line, where the stdlib's C method puts it
            warnings.warn("received malformed or improperly-truncated ancillary data",
                          RuntimeWarning, stacklevel=6)
    except BaseException:
        _close_rights(control, control_length)
        raise
    return items


def _close_rights(control: memoryview, control_length: int) -> None:
    """Close every descriptor SCM_RIGHTS items brought, as the stdlib does when it cannot hand
    them to the caller."""
    for fd in control_messages.rights(control, control_length):
        with suppress(OSError):
            os.close(fd)


def _receive(sock: StdSocket, scratch: Scratch, vector: tuple[int | None, int], ancbufsize: int,
             flags: int) -> tuple[int, Any, int, int, bytes | None]:
    """recvmsg() into ``vector`` (an iovec array's address and length) and a zeroed control
    buffer of ``ancbufsize`` bytes, the sender's sockaddr into ``scratch``.

    Returns the byte count, the control buffer, the control length the kernel reported, the
    message flags and the sockaddr (None when the kernel wrote none, as the stdlib).
    """
    if not 0 <= ancbufsize <= SOCKLEN_LIMIT:
        raise ValueError("invalid ancillary data buffer length")
    control = zeroed(ancbufsize) if ancbufsize else None
    msg = _Msghdr()
    msg.msg_name = scratch.address_at
    msg.msg_iov, msg.msg_iovlen = vector
    msg.msg_control = None if control is None else _addressof(control)
    message = ctypes.byref(msg)

    def attempt() -> int:
        msg.msg_namelen = ADDRESS_SIZE
        msg.msg_controllen = ancbufsize
        got: int = _recvmsg(sock.fileno(), message, flags)
        return got

    received = call(sock, POLLIN, attempt)
    length = min(msg.msg_namelen, ADDRESS_SIZE)
    address = scratch.address_view[:length].tobytes() if length else None
    return received, control, min(msg.msg_controllen, ancbufsize), msg.msg_flags, address


def _received(control: Any, control_length: int) -> tuple[memoryview, _Items]:
    if control is None or not control_length:
        return memoryview(b""), []
    view = memoryview(control).cast("B")
    return view, _ancillary(view, control_length)


def recvmsg(sock: StdSocket, bufsize: Any, ancbufsize: Any, flags: Any
            ) -> tuple[bytes, _Items, int, bytes | None]:
    """One message: ``(data, ancillary items, message flags, sockaddr bytes or None)``: at most
    ``bufsize`` bytes, all of this message (with MSG_TRUNC the kernel counts them all)."""
    if not (type(bufsize) is int and type(ancbufsize) is int and type(flags) is int
            and SSIZE_MIN <= bufsize <= SSIZE_MAX and SSIZE_MIN <= ancbufsize <= SSIZE_MAX
            and INT_MIN <= flags <= INT_MAX):
        bufsize = py_ssize_t(bufsize)  # the stdlib's order: "n|ni"
        ancbufsize = py_ssize_t(ancbufsize)
        flags = c_int(flags)
    if bufsize < 0:
        raise ValueError("negative buffer size in recvmsg()")
    if bufsize > BYTES_LIMIT:
        raise OverflowError("byte string is too large")
    scratch = take()
    try:
        pooled = bufsize <= DATA_SIZE and not flags & MSG_TRUNC
        data = scratch.data if pooled else zeroed(bufsize)
        iovec = _Iovec(_addressof(data), bufsize)  # ancbufsize's own range is checked next
        received, control, length, msg_flags, address = _receive(
            sock, scratch, (_addressof(iovec), 1), ancbufsize, flags)
        view, ancdata = _received(control, length)
        try:
            message = memoryview(data).cast("B")[:min(received, bufsize)].tobytes()
        except BaseException:
            _close_rights(view, length)
            raise
        return message, ancdata, msg_flags, address
    finally:
        _pool.append(scratch)


def recvmsg_into(sock: StdSocket, buffers: Any, ancbufsize: Any, flags: Any
                 ) -> tuple[int, _Items, int, bytes | None]:
    """One message scattered into ``buffers`` in order: ``(nbytes, ancillary items, message
    flags, sockaddr bytes or None)``."""
    ancbufsize = py_ssize_t(ancbufsize)
    if type(flags) is not int or not INT_MIN <= flags <= INT_MAX:
        flags = c_int(flags)
    keep: list[Any] = []
    try:
        parts = [_writable_pointer(scatter_buffer(part), keep)
                 for part in fast_sequence(buffers, "recvmsg_into() argument 1")]
        vector = _vector(parts, keep)
        scratch = take()
        try:
            received, control, length, msg_flags, address = _receive(sock, scratch, vector, ancbufsize, flags)
            return received, _received(control, length)[1], msg_flags, address
        finally:
            _pool.append(scratch)
    finally:
        keep.clear()
