"""``recvmmsg()`` and ``sendmmsg()`` through libc, in the socket's mode, and the layouts they read.

Why apart from :mod:`famsock._batch`: this is the only part that calls the C library. Both
syscall paths come here (the interpreter has no batch C method); they differ only in how the
addresses are encoded and decoded, which :mod:`famsock._batch` does.

Layouts: ``struct mmsghdr`` (a ``struct msghdr`` and ``msg_len``) and ``struct iovec`` are
described as ctypes structures for their offsets only, with glibc's x86-64 layouts as
tests/vectors/mmsghdr.c prints them (the tests check them against that output). The memory itself
is plain bytes read and written a column at a time through strided memoryviews: one C-level
operation per column and call, none per datagram.

Modes, as :mod:`famsock._blocking` applies them to the other raw calls (as CPython's
``sock_call_ex()``): a blocking socket waits for the first datagram, with the GIL released, and
``MSG_WAITFORONE`` makes the kernel return what else is ready without waiting; a non-blocking
one returns what is ready or raises ``BlockingIOError``; a timeout socket ``poll()``s first, then
takes what is ready, until its deadline (``TimeoutError``). ``EINTR`` is retried after the
signal handlers ran; each attempt reads the socket's fd anew. The kernel's own ``timeout``
argument of ``recvmmsg()`` is never used: it is checked only after each datagram arrives.
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Any

from ._blocking import POLLIN, POLLOUT, retry, timed

if TYPE_CHECKING:
    from socket import socket as StdSocket

__all__ = ["ADDRESS_SIZE", "MSG_WAITFORONE", "UIO_MAXIOV", "Iovec", "Mmsghdr", "Msghdr", "offset", "receive",
           "send"]

_libc = ctypes.CDLL(None, use_errno=True)  # errno shares ctypes' per-thread copy with famsock._libc
_recvmmsg = _libc.recvmmsg
_sendmmsg = _libc.sendmmsg  # both return int: the number of messages, or -1

MSG_WAITFORONE = 0x10000  # <sys/socket.h>; the stdlib's socket module does not define it
UIO_MAXIOV = 1024  # sendmmsg() sends at most this many messages a call (recvmmsg() has no limit)
ADDRESS_SIZE = 128  # sizeof(struct sockaddr_storage): each slot's room for an address


class Iovec(ctypes.Structure):
    _fields_ = (("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t))


class Msghdr(ctypes.Structure):
    _fields_ = (
        ("msg_name", ctypes.c_void_p),
        ("msg_namelen", ctypes.c_uint32),  # socklen_t
        ("msg_iov", ctypes.c_void_p),
        ("msg_iovlen", ctypes.c_size_t),
        ("msg_control", ctypes.c_void_p),
        ("msg_controllen", ctypes.c_size_t),
        ("msg_flags", ctypes.c_int),
    )


class Mmsghdr(ctypes.Structure):
    # msg_len follows the whole msghdr, padding included: nested, as in C
    _fields_ = (("msg_hdr", Msghdr), ("msg_len", ctypes.c_uint))


def offset(field: str) -> int:
    """The offset of ``field`` (a msghdr field, or ``msg_len``) in ``struct mmsghdr``."""
    if field == "msg_len":
        return Mmsghdr.msg_len.offset
    return Mmsghdr.msg_hdr.offset + getattr(Msghdr, field).offset  # type: ignore[no-any-return]


def receive(sock: StdSocket, vector: Any, count: int, flags: int) -> int:
    """``recvmmsg()`` of up to ``count`` datagrams into the ``struct mmsghdr`` array ``vector``
    points at (a ``ctypes.byref``); returns how many arrived. ``flags`` must hold MSG_WAITFORONE
    and be a C int."""
    timeout = sock.timeout
    if timeout:
        return timed(sock, POLLIN, lambda: _recvmmsg(sock.fileno(), vector, count, flags, None), timeout)
    got: int = _recvmmsg(sock.fileno(), vector, count, flags, None)
    if got < 0:
        got = retry(sock, POLLIN, lambda: _recvmmsg(sock.fileno(), vector, count, flags, None))
    return got


def send(sock: StdSocket, vector: Any, count: int, flags: int) -> int:
    """``sendmmsg()`` of ``count`` messages from ``vector``; returns how many were sent (fewer
    when the socket cannot take more now, or a datagram after the first failed)."""
    timeout = sock.timeout
    if timeout:
        return timed(sock, POLLOUT, lambda: _sendmmsg(sock.fileno(), vector, count, flags), timeout)
    sent: int = _sendmmsg(sock.fileno(), vector, count, flags)
    if sent < 0:
        sent = retry(sock, POLLOUT, lambda: _sendmmsg(sock.fileno(), vector, count, flags))
    return sent
