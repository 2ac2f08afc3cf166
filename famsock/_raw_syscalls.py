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

``sendmsg``/``recvmsg``/``recvmsg_into`` build ``struct msghdr``, ``struct iovec`` and the
``struct cmsghdr`` items of the control buffer with ctypes (layouts from the C library's headers:
``tests/vectors/msghdr.c``) and read received control data as ``Modules/socketmodule.c`` does, with
glibc's ``CMSG_FIRSTHDR``/``CMSG_NXTHDR``: the same items, the same truncation, the same warning.
"""

from __future__ import annotations

import ctypes
import errno
import math
import os
import select
import sys
import warnings
from contextlib import suppress
from operator import index
from time import monotonic
from typing import TYPE_CHECKING, Any

from . import _control_messages as control_messages

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
    "recvmsg",
    "recvmsg_into",
    "sendmsg",
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
_sendmsg = _libc.sendmsg
_recvmsg = _libc.recvmsg
_sendto.restype = _recvfrom.restype = _sendmsg.restype = _recvmsg.restype = ctypes.c_ssize_t

_get_errno = ctypes.get_errno
_byref = ctypes.byref
_addressof = ctypes.addressof
_char = ctypes.c_char
_ArgumentError = ctypes.ArgumentError

_SOCK_CLOEXEC = 0o2000000  # accept4() flag; the stdlib's sockets are non-inheritable too
_SOL_SOCKET = 1
_SO_ERROR = 4
_EAGAIN = errno.EAGAIN
_EINTR = errno.EINTR
_ADDRESS_SIZE = 128  # sizeof(struct sockaddr_storage): the kernel never returns more
_DATA_SIZE = 65536  # recvfrom() sizes up to this use a pooled buffer
_INT_MIN, _INT_MAX = -0x80000000, 0x7FFFFFFF
_SSIZE_MIN, _SSIZE_MAX = -sys.maxsize - 1, sys.maxsize
_SOCKLEN_LIMIT = _INT_MAX  # the stdlib's SOCKLEN_T_LIMIT: the largest control buffer it takes


class _Scratch:
    """Buffers for one call: a sockaddr_storage, its socklen_t and a data buffer.

    Read through memoryviews made once: slicing one costs far less than ``ctypes.string_at``,
    which is itself a foreign call (~6,000 instructions per UDP round trip).
    """

    __slots__ = ("address_at", "address_ref", "address_view", "data", "data_view", "length_ref",
                 "length_view")

    def __init__(self) -> None:
        address = (_char * _ADDRESS_SIZE)()
        length = ctypes.c_uint32(_ADDRESS_SIZE)
        self.address_at = _addressof(address)  # for msghdr.msg_name, which holds an address
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
        if not _INT_MIN <= number <= _INT_MAX:
            side = "greater than maximum" if number > 0 else "less than minimum"
            raise OverflowError(f"signed integer is {side}: {number}")
    return numbers


def _sizes(*values: Any) -> tuple[int, ...]:
    """The stdlib's ``Py_ssize_t`` arguments: anything with __index__, fitting a C ssize_t."""
    numbers = tuple(index(value) for value in values)
    for number in numbers:
        if not _SSIZE_MIN <= number <= _SSIZE_MAX:
            raise OverflowError(f"Python int too large to convert to C ssize_t: {number}")
    return numbers


def _readable(data: Any) -> tuple[Any, int]:
    """A pointer-like object and size for any bytes-like object, as the stdlib accepts."""
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not {type(data).__name__!r}") from None
    if not view.c_contiguous:  # as the stdlib, which asks for a simple buffer
        raise BufferError("memoryview: underlying buffer is not C-contiguous")
    view = view.cast("B")
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


# -- sendmsg / recvmsg --------------------------------------------------------------------------
# The layouts are glibc's on x86-64 Linux, as tests/vectors/msghdr.c prints them from
# <sys/socket.h>; the tests check these structures and functions against that output.
# Pointers that may point into ``bytes`` are ``c_char_p``: assigning ``bytes`` stores their address
# and keeps them alive (``ctypes.cast`` costs 0.4 µs); assigning an int stores that address.


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


_BYTES_LIMIT = _SSIZE_MAX - sys.getsizeof(b"")  # past this, bytes() raises OverflowError


def _ancillary(control: memoryview, control_length: int) -> list[tuple[int, int, bytes]]:
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


def _sequence(value: Any, what: str) -> Any:
    """``PySequence_Fast``: a list or tuple as it is, any other iterable listed; TypeError naming
    the argument when it is not iterable (errors raised while iterating pass through)."""
    if type(value) is list or type(value) is tuple:
        return value
    try:
        iterator = iter(value)
    except TypeError:
        raise TypeError(f"{what} must be an iterable") from None
    return list(iterator)


def _bytes_like(data: Any) -> memoryview:
    """A C-contiguous bytes-like object, as the stdlib's ``y*`` takes it: TypeError for other
    types, BufferError for memory that is not contiguous."""
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not {type(data).__name__!r}") from None
    if not view.c_contiguous:
        raise BufferError("memoryview: underlying buffer is not C-contiguous")
    return view


def _pointer(data: Any, keep: list[Any]) -> tuple[bytes | int | None, int]:
    """A ``c_char_p`` value for a bytes-like object's memory, and its size: ``bytes`` as they are,
    the address of writable memory (what exports it goes into ``keep``, which the caller holds
    until the syscall is over), a copy of other read-only memory, which ctypes cannot point at."""
    if type(data) is bytes:
        return data, len(data)
    view = _bytes_like(data)
    if view.readonly:
        return view.tobytes(), view.nbytes
    if not view.nbytes:
        return None, 0
    target = (_char * view.nbytes).from_buffer(view)
    keep.append(target)
    return _addressof(target), view.nbytes


def _vector(parts: list[tuple[bytes | int | None, int]], keep: list[Any]) -> tuple[int | None, int]:
    """An iovec array over ``(pointer, size)`` pairs: its address and length, for the msghdr."""
    if not parts:
        return None, 0
    array: Any = _Iovec * len(parts)  # Any: typeshed has no array constructor from tuples
    vector = _Iovec(*parts[0]) if len(parts) == 1 else array(*parts)
    keep.append(vector)
    return _addressof(vector), len(parts)


def _ancillary_item(item: Any) -> tuple[int, int, memoryview]:
    """One ancillary item, as the stdlib's ``(iiy*)`` takes it: any sequence of three but bytes."""
    if type(item) is not tuple and (isinstance(item, (bytes, dict))
                                    or not hasattr(type(item), "__getitem__")):
        raise TypeError("[sendmsg() ancillary data items]() argument must be 3-item sequence, "
                        f"not {type(item).__name__}")
    if len(item) != 3:
        raise TypeError("[sendmsg() ancillary data items]() argument must be sequence of length 3, "
                        f"not {len(item)}")
    level, kind = _ints(item[0], item[1])
    return level, kind, _bytes_like(item[2])


def _control_message(ancdata: Any, keep: list[Any]) -> tuple[int | None, int]:
    """The control buffer for ``sendmsg()``, items checked one by one as the stdlib does."""
    items = [_ancillary_item(item) for item in _sequence(ancdata, "sendmsg() argument 2")]
    if not items:
        return None, 0
    control = control_messages.build(items, _SOCKLEN_LIMIT)
    target = (_char * len(control)).from_buffer(control)
    keep.append(target)
    return _addressof(target), len(control)


def sendmsg(sock: StdSocket, buffers: Any, ancdata: Any, flags: Any, address: bytes | None) -> int:
    """Send ``buffers`` gathered into one message, with ancillary data, to ``address`` or the peer.

    Arguments are checked in the stdlib's order (buffers, then ancillary items); the address
    comes encoded, checked by the path.
    """
    if type(flags) is not int or not _INT_MIN <= flags <= _INT_MAX:
        (flags,) = _ints(flags)
    keep: list[Any] = []
    try:
        msg = _Msghdr()
        if address is not None:
            msg.msg_name, msg.msg_namelen = address, len(address)
        msg.msg_iov, msg.msg_iovlen = _vector(
            [_pointer(part, keep) for part in _sequence(buffers, "sendmsg() argument 1")], keep)
        msg.msg_control, msg.msg_controllen = _control_message(ancdata, keep)
        fd = sock.fileno()
        message = _byref(msg)
        sent: int = _sendmsg(fd, message, flags)
        if sent < 0:
            sent = _again(sock, select.POLLOUT, lambda: _sendmsg(fd, message, flags))
        return sent
    finally:
        keep.clear()  # release the exports now, even while a traceback holds this frame


def _receive(sock: StdSocket, scratch: _Scratch, vector: tuple[int | None, int], ancbufsize: int,
             flags: int) -> tuple[int, Any, int, int, bytes | None]:
    """recvmsg() into ``vector`` (an iovec array's address and length) and a zeroed control
    buffer of ``ancbufsize`` bytes, the sender's sockaddr into ``scratch``.

    Returns the byte count, the control buffer, the control length the kernel reported, the
    message flags and the sockaddr (None when the kernel wrote none, as the stdlib).
    """
    if not 0 <= ancbufsize <= _SOCKLEN_LIMIT:
        raise ValueError("invalid ancillary data buffer length")
    control = ctypes.create_string_buffer(ancbufsize) if ancbufsize else None
    msg = _Msghdr()
    msg.msg_name = scratch.address_at
    msg.msg_iov, msg.msg_iovlen = vector
    msg.msg_control = None if control is None else _addressof(control)
    fd = sock.fileno()
    message = _byref(msg)

    def attempt() -> int:
        msg.msg_namelen = _ADDRESS_SIZE
        msg.msg_controllen = ancbufsize
        got: int = _recvmsg(fd, message, flags)
        return got

    received = attempt()
    if received < 0:
        received = _again(sock, select.POLLIN, attempt)
    length = min(msg.msg_namelen, _ADDRESS_SIZE)
    address = scratch.address_view[:length].tobytes() if length else None
    return received, control, min(msg.msg_controllen, ancbufsize), msg.msg_flags, address


def _received(control: Any, control_length: int) -> tuple[memoryview, list[tuple[int, int, bytes]]]:
    if control is None or not control_length:
        return memoryview(b""), []
    view = memoryview(control).cast("B")
    return view, _ancillary(view, control_length)


def recvmsg(sock: StdSocket, bufsize: Any, ancbufsize: Any, flags: Any
            ) -> tuple[bytes, list[tuple[int, int, bytes]], int, bytes | None]:
    """One message: ``(data, ancillary items, message flags, sockaddr bytes or None)``."""
    if not (type(bufsize) is int and type(ancbufsize) is int and type(flags) is int
            and _SSIZE_MIN <= bufsize <= _SSIZE_MAX and _SSIZE_MIN <= ancbufsize <= _SSIZE_MAX
            and _INT_MIN <= flags <= _INT_MAX):
        bufsize, ancbufsize = _sizes(bufsize, ancbufsize)  # the stdlib's order: "n|ni"
        (flags,) = _ints(flags)
    if bufsize < 0:
        raise ValueError("negative buffer size in recvmsg()")
    if bufsize > _BYTES_LIMIT:
        raise OverflowError("byte string is too large")
    scratch = _take()
    try:
        data = scratch.data if bufsize <= _DATA_SIZE else ctypes.create_string_buffer(bufsize)
        iovec = _Iovec(_addressof(data), bufsize)  # ancbufsize's own range is checked next
        received, control, length, msg_flags, address = _receive(
            sock, scratch, (_addressof(iovec), 1), ancbufsize, flags)
        view, ancdata = _received(control, length)
        try:
            message = memoryview(data).cast("B")[:received].tobytes()
        except BaseException:
            _close_rights(view, length)
            raise
        return message, ancdata, msg_flags, address
    finally:
        _pool.append(scratch)


_WRITABLE = "recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers"


def _writable_pointer(buffer: Any, keep: list[Any]) -> tuple[bytes | int | None, int]:
    """The address and size of a writable, contiguous buffer, as the stdlib's ``w*`` takes it."""
    try:
        view = memoryview(buffer)
    except TypeError:
        raise TypeError(_WRITABLE) from None
    if view.readonly or not view.c_contiguous:
        raise TypeError(_WRITABLE)
    if not view.nbytes:
        return None, 0
    target = (_char * view.nbytes).from_buffer(view)
    keep.append(target)
    return _addressof(target), view.nbytes


def recvmsg_into(sock: StdSocket, buffers: Any, ancbufsize: Any, flags: Any
                 ) -> tuple[int, list[tuple[int, int, bytes]], int, bytes | None]:
    """One message scattered into ``buffers`` in order: ``(nbytes, ancillary items, message
    flags, sockaddr bytes or None)``."""
    (ancbufsize,) = _sizes(ancbufsize)
    if type(flags) is not int or not _INT_MIN <= flags <= _INT_MAX:
        (flags,) = _ints(flags)
    keep: list[Any] = []
    try:
        parts = [_writable_pointer(part, keep) for part in _sequence(buffers, "recvmsg_into() argument 1")]
        vector = _vector(parts, keep)
        scratch = _take()
        try:
            received, control, length, msg_flags, address = _receive(sock, scratch, vector, ancbufsize, flags)
            return received, _received(control, length)[1], msg_flags, address
        finally:
            _pool.append(scratch)
    finally:
        keep.clear()
