"""The address-taking socket syscalls on ``struct sockaddr`` bytes, through libc (ctypes).

This is what lets famsock serve families the interpreter has never heard of. Each function takes
a socket object, for its fd and its mode, and behaves as the stdlib's C methods do:

- blocking (``gettimeout() is None``): the call blocks, with the GIL released (``ctypes.CDLL``);
- non-blocking (``0.0``): ``EAGAIN`` / ``EINPROGRESS`` surface as ``BlockingIOError``;
- timeout (``> 0``): the stdlib keeps such fds non-blocking; we ``poll()`` until a deadline
  measured from the first attempt and raise ``TimeoutError("timed out")`` past it;
- ``EINTR`` is retried (PEP 475): Python runs signal handlers before the retry, so a handler
  that raises ends the call with its exception.

Speed: no ``argtypes`` are declared (they cost ~0.12 µs per argument per call, see the brief);
ints, ``bytes`` and ctypes buffers are passed as they are. Scratch buffers (a
``sockaddr_storage``, its length, a data buffer) are reused from a pool: allocating them costs
more than the syscall's own Python overhead.
"""

from __future__ import annotations

import ctypes
import errno
import math
import os
import select
from operator import index
from time import monotonic
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socket import socket as StdSocket

__all__ = [
    "accept",
    "bind",
    "connect",
    "getpeername",
    "getsockname",
    "recvfrom",
    "recvfrom_into",
    "sendto",
]

_libc = ctypes.CDLL(None, use_errno=True)  # the process's own libc: no find_library subprocess
_bind = _libc.bind
_connect = _libc.connect
_accept4 = _libc.accept4
_getsockname = _libc.getsockname
_getpeername = _libc.getpeername
_sendto = _libc.sendto
_recvfrom = _libc.recvfrom
_sendto.restype = _recvfrom.restype = ctypes.c_ssize_t

_get_errno = ctypes.get_errno
_string_at = ctypes.string_at
_byref = ctypes.byref
_char = ctypes.c_char

_SOCK_CLOEXEC = 0o2000000  # accept4() flag; the stdlib's sockets are non-inheritable too
_SOL_SOCKET = 1
_SO_ERROR = 4
_EAGAIN = errno.EAGAIN
_EINTR = errno.EINTR
_ADDRESS_SIZE = 128  # sizeof(struct sockaddr_storage): the kernel never returns more
_DATA_SIZE = 65536  # recvfrom() sizes up to this use a pooled buffer


class _Scratch:
    """Buffers for one call: a sockaddr_storage, its socklen_t and (on demand) a data buffer."""

    __slots__ = ("address_at", "address_ref", "data", "data_at", "length", "length_ref")

    def __init__(self) -> None:
        address = (_char * _ADDRESS_SIZE)()
        self.length = ctypes.c_uint32(_ADDRESS_SIZE)
        self.address_ref = _byref(address)
        self.length_ref = _byref(self.length)
        self.address_at = ctypes.addressof(address)
        self.data: Any = None
        self.data_at = 0

    def address(self) -> bytes | None:
        """The sockaddr the kernel wrote, or None when it wrote none (as the stdlib)."""
        length = self.length.value
        return _string_at(self.address_at, min(length, _ADDRESS_SIZE)) if length else None

    def data_buffer(self) -> Any:
        if self.data is None:
            self.data = (_char * _DATA_SIZE)()
            self.data_at = ctypes.addressof(self.data)
        return self.data


_pool: list[_Scratch] = []  # list.pop()/append() are atomic: safe across threads


def _take() -> _Scratch:
    try:
        scratch = _pool.pop()
    except IndexError:
        scratch = _Scratch()
    scratch.length.value = _ADDRESS_SIZE
    return scratch


def _error(code: int) -> OSError:
    return OSError(code, os.strerror(code))  # OSError picks the subclass (ConnectionRefusedError...)


def _wait(fd: int, events: int, deadline: float | None) -> None:
    """Wait until ``fd`` is ready for ``events``, or raise TimeoutError at ``deadline``."""
    poller = select.poll()
    poller.register(fd, events)
    if deadline is None:
        poller.poll()  # retries EINTR itself (PEP 475)
        return
    remaining = deadline - monotonic()
    if remaining > 0 and poller.poll(math.ceil(remaining * 1000)):
        return
    raise TimeoutError("timed out")


def _retry(sock: StdSocket, fd: int, events: int, deadline: float | None) -> float | None:
    """After a failed call: return the deadline to retry with, or raise the call's error."""
    code = _get_errno()
    if code == _EINTR:
        return deadline
    if code == _EAGAIN:
        timeout = sock.gettimeout()
        if timeout:  # a timeout socket: wait for readiness; blocking or non-blocking: raise
            if deadline is None:
                deadline = monotonic() + timeout
            _wait(fd, events, deadline)
            return deadline
    raise _error(code)


def _c_int(value: Any, what: str) -> int:
    number = index(value)
    if not -0x80000000 <= number <= 0x7FFFFFFF:
        raise OverflowError(f"{what} must fit in a C int, got {number}")
    return number


def _readable(data: Any) -> tuple[Any, int]:
    """A pointer-like object and size for any bytes-like object, as the stdlib accepts."""
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not {type(data).__name__!r}") from None
    view = view.cast("B") if view.c_contiguous else memoryview(view.tobytes())
    if view.readonly:
        return view.tobytes(), view.nbytes
    return (_char * view.nbytes).from_buffer(view), view.nbytes


def _writable(buffer: Any, nbytes: Any) -> tuple[Any, int]:
    try:
        view = memoryview(buffer)
    except TypeError:
        view = None
    if view is None or view.readonly or not view.c_contiguous:
        raise TypeError("recvfrom_into() argument 'buffer' must be a writable, contiguous "
                        f"bytes-like object, not {type(buffer).__name__}")
    size = view.nbytes
    nbytes = index(nbytes)
    if nbytes < 0:
        raise ValueError("negative buffersize in recvfrom_into")
    if nbytes == 0:
        nbytes = size
    elif nbytes > size:
        raise ValueError("nbytes is greater than the length of the buffer")
    return (_char * size).from_buffer(view.cast("B")), nbytes


def bind(sock: StdSocket, address: bytes) -> None:
    if _bind(sock.fileno(), address, len(address)) < 0:
        raise _error(_get_errno())


def connect(sock: StdSocket, address: bytes) -> int:
    """Connect; return 0, or the errno ``connect_ex()`` reports. Raises TimeoutError.

    As in the stdlib: a timeout socket waits for a connection in progress; a blocking one
    interrupted by a signal waits for the connection the kernel goes on making; both then read
    ``SO_ERROR``. A non-blocking socket returns ``EINPROGRESS`` at once.
    """
    fd = sock.fileno()
    if _connect(fd, address, len(address)) == 0:
        return 0
    code = _get_errno()
    timeout = sock.gettimeout()
    # EINTR: the kernel goes on connecting; a blocking or timeout socket waits for the result.
    wait = timeout != 0 if code == _EINTR else code == errno.EINPROGRESS and bool(timeout)
    if not wait:
        return code
    _wait(fd, select.POLLOUT, None if timeout is None else monotonic() + timeout)
    code = int(sock.getsockopt(_SOL_SOCKET, _SO_ERROR))
    return 0 if code == errno.EISCONN else code


def accept(sock: StdSocket) -> tuple[int, bytes | None]:
    """A new connection's fd (close-on-exec, blocking) and its peer's sockaddr."""
    fd = sock.fileno()
    scratch = _take()
    try:
        deadline = None
        while True:
            new = _accept4(fd, scratch.address_ref, scratch.length_ref, _SOCK_CLOEXEC)
            if new >= 0:
                return new, scratch.address()
            deadline = _retry(sock, fd, select.POLLIN, deadline)
            scratch.length.value = _ADDRESS_SIZE
    finally:
        _pool.append(scratch)


def sendto(sock: StdSocket, data: Any, flags: Any, address: bytes) -> int:
    if type(data) is bytes:
        pointer, size = data, len(data)
    else:
        pointer, size = _readable(data)
    if type(flags) is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
        flags = _c_int(flags, "flags")
    fd = sock.fileno()
    deadline = None
    while True:
        sent: int = _sendto(fd, pointer, size, flags, address, len(address))
        if sent >= 0:
            return sent
        deadline = _retry(sock, fd, select.POLLOUT, deadline)


def recvfrom(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, bytes | None]:
    if type(bufsize) is not int:
        bufsize = index(bufsize)
    if bufsize < 0:
        raise ValueError("negative buffersize in recvfrom")
    if type(flags) is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
        flags = _c_int(flags, "flags")
    fd = sock.fileno()
    scratch = _take()
    try:
        if bufsize <= _DATA_SIZE:
            data = scratch.data_buffer()
            data_at = scratch.data_at
        else:
            data = ctypes.create_string_buffer(bufsize)
            data_at = ctypes.addressof(data)
        deadline = None
        while True:
            received: int = _recvfrom(fd, data, bufsize, flags, scratch.address_ref, scratch.length_ref)
            if received >= 0:
                return _string_at(data_at, received), scratch.address()
            deadline = _retry(sock, fd, select.POLLIN, deadline)
            scratch.length.value = _ADDRESS_SIZE
    finally:
        _pool.append(scratch)


def recvfrom_into(sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, bytes | None]:
    target, nbytes = _writable(buffer, nbytes)
    flags = _c_int(flags, "flags")
    fd = sock.fileno()
    scratch = _take()
    try:
        deadline = None
        while True:
            received: int = _recvfrom(fd, target, nbytes, flags, scratch.address_ref, scratch.length_ref)
            if received >= 0:
                return received, scratch.address()
            deadline = _retry(sock, fd, select.POLLIN, deadline)
            scratch.length.value = _ADDRESS_SIZE
    finally:
        _pool.append(scratch)


def _name(call: Any, sock: StdSocket) -> bytes | None:
    scratch = _take()
    try:
        if call(sock.fileno(), scratch.address_ref, scratch.length_ref) < 0:
            raise _error(_get_errno())
        return scratch.address()
    finally:
        _pool.append(scratch)


def getsockname(sock: StdSocket) -> bytes | None:
    return _name(_getsockname, sock)


def getpeername(sock: StdSocket) -> bytes | None:
    return _name(_getpeername, sock)
