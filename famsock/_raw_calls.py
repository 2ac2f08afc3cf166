"""The address-taking socket calls on ``struct sockaddr`` bytes, through libc.

Why: this is what lets famsock serve families the interpreter has never heard of. Each function
takes a socket object (for its fd and its mode) and plugin-encoded sockaddr bytes, and behaves
as the stdlib's C method: arguments checked as it parses them (:mod:`famsock._c_arguments`),
the socket's mode applied as it does (:mod:`famsock._blocking`), results as sockaddr bytes (None
where the kernel wrote none) for the plugin to decode. Messages are :mod:`famsock._raw_messages`.

``sendto()`` and ``recvfrom()`` are the hot paths (a UDP round trip leaves ~0.2 µs for
famsock's work): on a socket without a timeout they make one straight attempt with the values
as they came, checks and retries only after a failure or for unusual arguments. A timeout socket
waits for readiness first, as the C methods do, and pays a poll() for it as they do.

Receives with ``MSG_TRUNC`` get a zeroed buffer of their own: the kernel's count is then the
message's whole length (for TCP: bytes discarded, none written), and a pooled buffer would hold
earlier messages past what it wrote. They return at most ``bufsize`` bytes.
"""

from __future__ import annotations

import ctypes
from _socket import MSG_TRUNC
from errno import EINPROGRESS, EINTR
from typing import TYPE_CHECKING, Any

from . import _libc
from ._blocking import POLLIN, POLLOUT, call, connection, retry, timed
from ._c_arguments import (
    BYTES_LIMIT,
    INT_MAX,
    INT_MIN,
    SSIZE_MAX,
    SSIZE_MIN,
    bytes_like,
    c_int,
    py_ssize_t,
    read_write,
)
from ._libc import (
    ADDRESS_SIZE,
    DATA_SIZE,
    Scratch,
    accept4 as _accept4,
    bind as _bind,
    connect as _connect,
    error,
    get_errno,
    getpeername as _getpeername,
    getsockname as _getsockname,
    recvfrom as _recvfrom,
    sendto as _sendto,
    set_errno,
    size_t,
    take,
    zeroed,
)

if TYPE_CHECKING:
    from socket import socket as StdSocket

__all__ = ["accept", "accept_failed", "bind", "connect", "connect_failed", "getpeername", "getsockname",
           "receiving", "recvfrom", "recvfrom_failed", "recvfrom_into", "sendto", "sendto_failed"]

# The scratch pool by assignment: Python 3.11 compiles a method call on a name bound by an import
# (pool.pop()) as an attribute load that makes a bound method each time (~500 instructions).
_pool = _libc.pool
_SOCK_CLOEXEC = 0o2000000  # accept4() flag; the stdlib's sockets are non-inheritable too
# sendto()'s and recvfrom()'s fast paths test flags for the int 0 by identity first: the
# cheapest test there is (CPython has one 0); other flags go through the range checks
_NO_FLAGS = 0


def bind(sock: StdSocket, address: bytes) -> None:
    if _bind(sock.fileno(), address, len(address)) < 0:
        raise error(get_errno())


def connect(sock: StdSocket, address: bytes) -> int:
    """Connect; return 0, or the errno ``connect_ex()`` reports. Raises TimeoutError.

    As CPython's ``internal_connect()``: the call first, without waiting. A timeout socket then
    waits for a connection in progress; a blocking one interrupted by a signal waits for the
    connection the kernel goes on making (:func:`famsock._blocking.connection`). A non-blocking
    socket returns ``EINPROGRESS`` at once. A socket closed while it waits reports ``EBADF``.
    """
    if _connect(sock.fileno(), address, len(address)) == 0:
        return 0
    return connect_failed(sock, get_errno())


def connect_failed(sock: StdSocket, code: int) -> int:
    """After the connect() call failed with ``code`` (here, or in the C accelerator's attempt):
    0, or the errno ``connect_ex()`` reports."""
    timeout = sock.timeout
    # EINTR: the kernel goes on connecting; a blocking or timeout socket waits for the result.
    wait = timeout != 0 if code == EINTR else code == EINPROGRESS and bool(timeout)
    return connection(sock) if wait else code


def _accepting(sock: StdSocket, scratch: Scratch) -> Any:
    def attempt() -> int:
        scratch.length_view[0] = ADDRESS_SIZE
        new: int = _accept4(sock.fileno(), scratch.address_ref, scratch.length_ref, _SOCK_CLOEXEC)
        return new

    return attempt


def accept(sock: StdSocket) -> tuple[int, bytes | None]:
    """A new connection's fd (close-on-exec, blocking) and its peer's sockaddr."""
    scratch = take()
    try:
        return call(sock, POLLIN, _accepting(sock, scratch)), scratch.address()
    finally:
        _pool.append(scratch)


def accept_failed(sock: StdSocket, code: int) -> tuple[int, bytes | None]:
    """After the C accelerator's accept4() attempt failed with ``code``, on a socket without a
    timeout: as :func:`accept` after its own first attempt."""
    scratch = take()
    try:
        set_errno(code)
        return retry(sock, POLLIN, _accepting(sock, scratch)), scratch.address()
    finally:
        _pool.append(scratch)


def _readable(data: Any) -> tuple[Any, int]:
    """A pointer-like object and size for any bytes-like object (``y*``): ``bytes`` of read-only
    memory, which ctypes cannot point at; a ctypes array over writable memory."""
    view = bytes_like(data).cast("B")
    if view.readonly:
        return view.tobytes(), view.nbytes
    return (ctypes.c_char * view.nbytes).from_buffer(view), view.nbytes


def sendto(sock: StdSocket, data: Any, flags: Any, address: bytes) -> int:
    size: Any  # an int, or a c_size_t beyond INT_MAX
    if type(data) is bytes:
        size = len(data)
    else:
        data, size = _readable(data)
    if flags is not _NO_FLAGS or size > INT_MAX:
        if type(flags) is not int or not INT_MIN <= flags <= INT_MAX:
            flags = c_int(flags)
        size = size_t(size)
    timeout = sock.timeout
    if timeout:
        return timed(sock, POLLOUT, lambda: _sendto(sock.fileno(), data, size, flags, address, len(address)),
                     timeout)
    sent: int = _sendto(sock.fileno(), data, size, flags, address, len(address))
    if sent < 0:
        sent = retry(sock, POLLOUT, lambda: _sendto(sock.fileno(), data, size, flags, address, len(address)))
    return sent


def recvfrom(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, bytes | None]:
    # The fast path: a size the pooled buffer holds; flags 0 (by identity), or a positive C int
    # without MSG_TRUNC, whose count may exceed the bytes the kernel wrote.
    if not (type(bufsize) is int and 0 <= bufsize <= DATA_SIZE
            and (flags is _NO_FLAGS
                 or (type(flags) is int and 0 < flags <= INT_MAX and not flags & MSG_TRUNC))):
        return _recvfrom_checked(sock, bufsize, flags)
    timeout = sock.timeout
    try:  # take() and scratch.address(), inlined: this is the hottest raw call
        scratch = _pool.pop()
    except IndexError:
        scratch = Scratch()
    try:
        length = scratch.length_view
        length[0] = ADDRESS_SIZE
        if timeout:
            received = timed(sock, POLLIN, receiving(sock, scratch, scratch.data, bufsize, flags), timeout)
        else:
            received = _recvfrom(sock.fileno(), scratch.data, bufsize, flags, scratch.address_ref,
                                 scratch.length_ref)
            if received < 0:
                received = retry(sock, POLLIN, receiving(sock, scratch, scratch.data, bufsize, flags))
        size = length[0]
        # no MSG_TRUNC: the count is at most bufsize, and all of it was written now
        return (scratch.data_view[:received].tobytes(),
                scratch.address_view[:size].tobytes() if size else None)
    finally:
        _pool.append(scratch)


def receiving(sock: StdSocket, scratch: Scratch, data: Any, size: Any, flags: int) -> Any:
    """A recvfrom() attempt into ``data``, the sender's sockaddr into ``scratch``."""

    def attempt() -> int:
        scratch.length_view[0] = ADDRESS_SIZE
        got: int = _recvfrom(sock.fileno(), data, size, flags, scratch.address_ref, scratch.length_ref)
        return got

    return attempt


# The C accelerator's raw fast paths (famsock/_accel.c) make the straight attempt of sendto() and
# recvfrom() above themselves, on a socket without a timeout, with flags 0 and bytes data (sendto)
# or bufsize <= DATA_SIZE (recvfrom); after a failed attempt they hand its errno here, and the
# socket's mode decides, as after the Python attempt's failure.

def sendto_failed(sock: StdSocket, data: bytes, flags: int, address: bytes, code: int) -> int:
    set_errno(code)
    return retry(sock, POLLOUT, lambda: _sendto(sock.fileno(), data, len(data), flags, address, len(address)))


def recvfrom_failed(sock: StdSocket, bufsize: int, flags: int, code: int) -> tuple[bytes, bytes | None]:
    scratch = take()
    try:
        set_errno(code)
        received = retry(sock, POLLIN, receiving(sock, scratch, scratch.data, bufsize, flags))
        return scratch.data_view[:received].tobytes(), scratch.address()
    finally:
        _pool.append(scratch)


def _recvfrom_checked(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, bytes | None]:
    """recvfrom() off the fast path: arguments to check (as ``"n|i"``), a size beyond the pooled
    buffer, negative flags or MSG_TRUNC."""
    if not (type(bufsize) is int and type(flags) is int and SSIZE_MIN <= bufsize <= SSIZE_MAX
            and INT_MIN <= flags <= INT_MAX):
        bufsize = py_ssize_t(bufsize)  # both parsed before either value is looked at
        flags = c_int(flags)
    if bufsize < 0:
        raise ValueError("negative buffersize in recvfrom")
    if bufsize > BYTES_LIMIT:
        raise OverflowError("byte string is too large")
    scratch = take()
    try:
        pooled = bufsize <= DATA_SIZE and not flags & MSG_TRUNC
        data = scratch.data if pooled else zeroed(bufsize)
        received = call(sock, POLLIN, receiving(sock, scratch, data, size_t(bufsize), flags))
        # MSG_TRUNC: the count is the datagram's whole length, of which bufsize bytes were written
        view = scratch.data_view if pooled else memoryview(data).cast("B")
        return view[:min(received, bufsize)].tobytes(), scratch.address()
    finally:
        _pool.append(scratch)


def recvfrom_into(sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, bytes | None]:
    """Into ``buffer``: the kernel's count (with MSG_TRUNC, the datagram's whole length, as the
    stdlib returns it) and the sender's sockaddr. Arguments are checked as ``"w*|ni"``."""
    view = read_write(buffer, "recvfrom_into")
    size = view.nbytes
    if type(nbytes) is not int or not 0 <= nbytes <= size:
        nbytes = py_ssize_t(nbytes)
    if type(flags) is not int or not INT_MIN <= flags <= INT_MAX:
        flags = c_int(flags)
    if nbytes < 0:
        raise ValueError("negative buffersize in recvfrom_into")
    if nbytes == 0:
        nbytes = size
    elif nbytes > size:
        raise ValueError("nbytes is greater than the length of the buffer")
    target = (ctypes.c_char * size).from_buffer(view)
    scratch = take()
    try:
        return call(sock, POLLIN, receiving(sock, scratch, target, size_t(nbytes), flags)), scratch.address()
    finally:
        _pool.append(scratch)


def _name(function: Any, sock: StdSocket) -> bytes | None:
    scratch = take()
    try:
        if function(sock.fileno(), scratch.address_ref, scratch.length_ref) < 0:
            raise error(get_errno())
        return scratch.address()
    finally:
        _pool.append(scratch)


def getsockname(sock: StdSocket) -> bytes | None:
    return _name(_getsockname, sock)


def getpeername(sock: StdSocket) -> bytes | None:
    return _name(_getpeername, sock)
