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
ints, ``bytes`` and ctypes buffers are passed as they are, and ctypes' own conversion errors
become the stdlib's ``OverflowError``. Scratch buffers (a ``sockaddr_storage``, its length, a
data buffer) are reused from a pool: allocating them costs more than the syscall's own Python
overhead. Each call is one straight attempt; the retry loop runs only after a failure.
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
    from collections.abc import Callable
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
_byref = ctypes.byref
_char = ctypes.c_char
_ArgumentError = ctypes.ArgumentError

_SOCK_CLOEXEC = 0o2000000  # accept4() flag; the stdlib's sockets are non-inheritable too
_SOL_SOCKET = 1
_SO_ERROR = 4
_EAGAIN = errno.EAGAIN
_EINTR = errno.EINTR
_ADDRESS_SIZE = 128  # sizeof(struct sockaddr_storage): the kernel never returns more
_DATA_SIZE = 65536  # recvfrom() sizes up to this use a pooled buffer


class _Scratch:
    """Buffers for one call: a sockaddr_storage, its socklen_t and a data buffer.

    Read through memoryviews made once: slicing one costs far less than ``ctypes.string_at``,
    which is itself a foreign call (~6,000 instructions per UDP round trip).
    """

    __slots__ = ("address_ref", "address_view", "data", "data_view", "length_ref", "length_view")

    def __init__(self) -> None:
        address = (_char * _ADDRESS_SIZE)()
        length = ctypes.c_uint32(_ADDRESS_SIZE)
        self.address_ref = _byref(address)
        self.address_view = memoryview(address).cast("B")
        self.length_ref = _byref(length)
        self.length_view = memoryview(length).cast("B").cast("I")
        self.data = (_char * _DATA_SIZE)()
        self.data_view = memoryview(self.data).cast("B")

    def address(self) -> bytes | None:
        """The sockaddr the kernel wrote, or None when it wrote none (as the stdlib)."""
        length = self.length_view[0]
        return self.address_view[:length].tobytes() if length else None


_pool: list[_Scratch] = []  # list.pop()/append() are atomic: safe across threads


def _take() -> _Scratch:
    try:
        scratch = _pool.pop()
    except IndexError:
        scratch = _Scratch()
    scratch.length_view[0] = _ADDRESS_SIZE
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


def _again(sock: StdSocket, events: int, attempt: Callable[[], int]) -> int:
    """After a failed first attempt: retry as the socket's mode says, until success or error.

    EINTR: retry at once (Python has run the signal handlers by now). EAGAIN on a timeout socket:
    wait for readiness until the deadline. Anything else, or EAGAIN in blocking or non-blocking
    mode, is the call's error (``BlockingIOError`` for EAGAIN, as the stdlib).
    """
    deadline = None
    while True:
        code = _get_errno()
        if code == _EAGAIN and sock.gettimeout():
            if deadline is None:
                deadline = monotonic() + sock.gettimeout()  # type: ignore[operator]
            _wait(sock.fileno(), events, deadline)
        elif code != _EINTR:
            raise _error(code)
        result = attempt()
        if result >= 0:
            return result


def _overflow(exc: ctypes.ArgumentError) -> OverflowError:
    return OverflowError(f"an argument does not fit its C type: {exc}")


def _ints(*values: Any) -> tuple[int, ...]:
    """The stdlib's integer arguments: anything with __index__, fitting a C int."""
    numbers = tuple(index(value) for value in values)
    for number in numbers:
        if not -0x80000000 <= number <= 0x7FFFFFFF:
            raise OverflowError(f"signed integer is greater than maximum: {number}")
    return numbers


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
    (nbytes,) = _ints(nbytes)
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

        def attempt() -> int:
            scratch.length_view[0] = _ADDRESS_SIZE
            new: int = _accept4(fd, scratch.address_ref, scratch.length_ref, _SOCK_CLOEXEC)
            return new

        new = attempt()
        if new < 0:
            new = _again(sock, select.POLLIN, attempt)
        return new, scratch.address()
    finally:
        _pool.append(scratch)


def sendto(sock: StdSocket, data: Any, flags: Any, address: bytes) -> int:
    if type(data) is bytes:
        size = len(data)
    else:
        data, size = _readable(data)
    if type(flags) is not int:
        (flags,) = _ints(flags)
    fd = sock.fileno()
    try:
        sent: int = _sendto(fd, data, size, flags, address, len(address))
    except _ArgumentError as exc:
        raise _overflow(exc) from None
    if sent < 0:
        sent = _again(sock, select.POLLOUT, lambda: _sendto(fd, data, size, flags, address, len(address)))
    return sent


def recvfrom(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, bytes | None]:
    if type(bufsize) is not int or type(flags) is not int:
        bufsize, flags = _ints(bufsize, flags)
    if not 0 <= bufsize <= _DATA_SIZE:
        return _recvfrom_large(sock, bufsize, flags)
    fd = sock.fileno()
    try:  # _take() and scratch.address(), inlined: this is the hottest raw call
        scratch = _pool.pop()
    except IndexError:
        scratch = _Scratch()
    try:
        length = scratch.length_view
        length[0] = _ADDRESS_SIZE
        try:
            received: int = _recvfrom(fd, scratch.data, bufsize, flags, scratch.address_ref,
                                      scratch.length_ref)
        except _ArgumentError as exc:
            raise _overflow(exc) from None
        if received < 0:
            received = _receive_again(sock, scratch, scratch.data, bufsize, flags)
        size = length[0]
        return (scratch.data_view[:received].tobytes(),
                scratch.address_view[:size].tobytes() if size else None)
    finally:
        _pool.append(scratch)


def _receive_again(sock: StdSocket, scratch: _Scratch, data: Any, bufsize: int, flags: int) -> int:
    fd = sock.fileno()

    def attempt() -> int:
        scratch.length_view[0] = _ADDRESS_SIZE
        got: int = _recvfrom(fd, data, bufsize, flags, scratch.address_ref, scratch.length_ref)
        return got

    return _again(sock, select.POLLIN, attempt)


def _recvfrom_large(sock: StdSocket, bufsize: int, flags: int) -> tuple[bytes, bytes | None]:
    if bufsize < 0:
        raise ValueError("negative buffersize in recvfrom")
    data = ctypes.create_string_buffer(bufsize)
    scratch = _take()
    try:
        received = _recvfrom(sock.fileno(), data, bufsize, flags, scratch.address_ref, scratch.length_ref)
        if received < 0:
            received = _receive_again(sock, scratch, data, bufsize, flags)
        return memoryview(data).cast("B")[:received].tobytes(), scratch.address()
    finally:
        _pool.append(scratch)


def recvfrom_into(sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, bytes | None]:
    target, nbytes = _writable(buffer, nbytes)
    (flags,) = _ints(flags)
    fd = sock.fileno()
    scratch = _take()
    try:

        def attempt() -> int:
            scratch.length_view[0] = _ADDRESS_SIZE
            got: int = _recvfrom(fd, target, nbytes, flags, scratch.address_ref, scratch.length_ref)
            return got

        received = attempt()
        if received < 0:
            received = _again(sock, select.POLLIN, attempt)
        return received, scratch.address()
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
