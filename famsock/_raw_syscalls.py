"""The address-taking socket syscalls on ``struct sockaddr`` bytes, through libc (ctypes).

This is what lets famsock serve families the interpreter has never heard of. Each function takes
a socket object, for its fd and its mode, and behaves as the stdlib's C methods do:

- blocking (``gettimeout() is None``): the call blocks, with the GIL released (``ctypes.CDLL``);
- non-blocking (``0.0``): ``EAGAIN`` / ``EINPROGRESS`` surface as ``BlockingIOError``;
- timeout (``> 0``): the stdlib keeps such fds non-blocking; we ``poll()`` until a deadline
  measured from the first attempt and raise ``TimeoutError("timed out")`` past it;
- ``EINTR`` is retried (PEP 475): Python runs signal handlers before the retry, so a handler
  that raises ends the call with its exception.

Every attempt and every wait reads the socket's fd anew, as the C methods read ``sock_fd``:
another thread may close the socket meanwhile and the kernel give its number to a new socket;
the call then fails with ``EBADF`` instead of reading from or writing to that socket.

Arguments are checked as the C methods parse them (``n``: ``Py_ssize_t``, ``i``: C ``int``),
with their exceptions and messages, before anything reaches ctypes: without ``argtypes``, ctypes
passes a Python int as a C ``int`` and would wrap it silently. Sizes beyond ``INT_MAX`` go as
``c_size_t``.

Speed: no ``argtypes`` are declared (they cost ~0.12 µs per argument per call, see the brief);
ints, ``bytes`` and ctypes buffers are passed as they are. Scratch buffers (a
``sockaddr_storage``, its length, a data buffer) are reused from a pool: allocating them costs
more than the syscall's own Python overhead. A pooled data buffer holds earlier messages, so only
the bytes the kernel wrote are ever read from it: receives with ``MSG_TRUNC``, whose count is the
message's full length (for TCP: bytes discarded, none written), get a zeroed buffer of their own
and return at most ``bufsize`` bytes. Each call is one straight attempt; the retry loop runs
only after a failure.

``sendmsg``/``recvmsg``/``recvmsg_into`` build ``struct msghdr``, ``struct iovec`` and the
``struct cmsghdr`` items of the control buffer with ctypes (layouts from the C library's headers:
``tests/vectors/msghdr.c``) and read received control data as ``Modules/socketmodule.c`` does, with
glibc's ``CMSG_FIRSTHDR``/``CMSG_NXTHDR``: the same items, the same truncation, the same warning.
"""

from __future__ import annotations

import ctypes
import errno
import io
import math
import os
import select
import sys
import warnings
from _socket import MSG_TRUNC
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
_poll = _libc.poll
_sendto.restype = _recvfrom.restype = _sendmsg.restype = _recvmsg.restype = ctypes.c_ssize_t

_get_errno = ctypes.get_errno
_byref = ctypes.byref
_addressof = ctypes.addressof
_char = ctypes.c_char
_c_size_t = ctypes.c_size_t

_SOCK_CLOEXEC = 0o2000000  # accept4() flag; the stdlib's sockets are non-inheritable too
_SOL_SOCKET = 1
_SO_ERROR = 4
_EAGAIN = errno.EAGAIN
_EINTR = errno.EINTR
_ADDRESS_SIZE = 128  # sizeof(struct sockaddr_storage): the kernel never returns more
_DATA_SIZE = 65536  # recvfrom() sizes up to this use a pooled buffer
_INT_MIN, _INT_MAX = -0x80000000, 0x7FFFFFFF
_LONG_MAX = (1 << (8 * ctypes.sizeof(ctypes.c_long) - 1)) - 1
_LONG_MIN = -_LONG_MAX - 1
_SSIZE_MIN, _SSIZE_MAX = -sys.maxsize - 1, sys.maxsize
_SOCKLEN_LIMIT = _INT_MAX  # the stdlib's SOCKLEN_T_LIMIT: the largest control buffer it takes
_BYTES_LIMIT = _SSIZE_MAX - sys.getsizeof(b"")  # past this, bytes() raises OverflowError
# sendto()'s and recvfrom()'s fast paths test flags for the int 0 by identity first: the
# cheapest test there is (CPython has one 0); other flags go through the range checks
_NO_FLAGS = 0


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


_MAPPED = 1 << 20  # buffers past this are anonymous mappings


def _buffer(size: int) -> Any:
    """A zeroed buffer of ``size`` bytes, not from the pool. Large ones are anonymous mappings,
    whose pages cost nothing until the kernel writes them: ctypes writes every byte of its own
    arrays first (2**31 bytes: seconds and 2 GB), where the C methods' buffers cost nothing."""
    if size <= _MAPPED:
        return (_char * size)()
    import mmap  # noqa: PLC0415 - only large receives need it

    try:
        mapping = mmap.mmap(-1, size)
    except OSError:  # ENOMEM: what the C methods raise when they cannot allocate
        raise MemoryError from None
    return (_char * size).from_buffer(mapping)  # the array keeps the mapping alive


def _error(code: int) -> OSError:
    return OSError(code, os.strerror(code))  # OSError picks the subclass (ConnectionRefusedError...)


# -- arguments, as the C methods parse them -----------------------------------------------------

def _c_int(value: Any) -> int:
    """An argument the C methods parse as ``i`` (a C ``int``, through ``__index__``)."""
    number = index(value)
    if _INT_MIN <= number <= _INT_MAX:
        return number
    if not _LONG_MIN <= number <= _LONG_MAX:
        raise OverflowError("Python int too large to convert to C long")
    side = "greater than maximum" if number > 0 else "less than minimum"
    raise OverflowError(f"signed integer is {side}")


def _ssize(value: Any) -> int:
    """An argument the C methods parse as ``n`` (a ``Py_ssize_t``, through ``__index__``)."""
    number = index(value)
    if not _SSIZE_MIN <= number <= _SSIZE_MAX:
        raise OverflowError("Python int too large to convert to C ssize_t")
    return number


def _size_t(size: int) -> Any:
    """A byte count for a ``size_t`` parameter: ctypes passes a plain int as a C ``int``."""
    return size if size <= _INT_MAX else _c_size_t(size)


def _readable(data: Any) -> tuple[Any, int]:
    """A pointer-like object and size for any bytes-like object, as the stdlib accepts."""
    view = _bytes_like(data)
    view = view.cast("B")
    if view.readonly:
        return view.tobytes(), view.nbytes
    return (_char * view.nbytes).from_buffer(view), view.nbytes


def _writable(buffer: Any) -> tuple[Any, int]:
    """A ctypes array over a writable, contiguous buffer and its size, as ``w*`` takes it."""
    try:
        view = memoryview(buffer)
    except TypeError:
        view = None
    if view is None or view.readonly or not view.c_contiguous:
        try:  # the interpreter's own "w*" check names the type as the C method's message does
            io.BytesIO().readinto(buffer)
        except TypeError as exc:
            shown = str(exc).rpartition(", not ")[2]
        else:
            shown = type(buffer).__name__
        raise TypeError(f"recvfrom_into() argument 1 must be read-write bytes-like object, not {shown}")
    return (_char * view.nbytes).from_buffer(view.cast("B")), view.nbytes


# -- retries and waits ------------------------------------------------------------------------------

class _Pollfd(ctypes.Structure):
    """``struct pollfd`` (<poll.h>; the tests check the layout against the C compiler's)."""

    _fields_ = (("fd", ctypes.c_int), ("events", ctypes.c_short), ("revents", ctypes.c_short))


def _wait(sock: StdSocket, events: int, deadline: float | None) -> None:
    """Wait until the socket is ready for ``events``, or closed; TimeoutError at ``deadline``
    (None: no limit).

    libc's poll(), not select.poll(): that one retries EINTR itself, on the fd number it was
    given, which may belong to another socket by then. Here each turn reads the socket's fd, and
    returns once it is closed (-1): the caller's next attempt then fails with EBADF, as the C
    methods' do. Each turn waits at most INT_MAX ms, poll()'s limit: ``settimeout()`` takes
    longer timeouts, and the stdlib waits them out.
    """
    entry = _Pollfd(-1, events, 0)
    entry_ref = _byref(entry)
    while True:
        fd = sock.fileno()
        if fd < 0:
            return
        if deadline is None:
            milliseconds = -1
        else:
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise TimeoutError("timed out")
            milliseconds = min(math.ceil(remaining * 1000), _INT_MAX)
        entry.fd = fd
        ready = _poll(entry_ref, 1, milliseconds)
        if ready > 0:
            return
        if ready < 0 and _get_errno() != _EINTR:
            raise _error(_get_errno())
        # EINTR: Python has run the signal handlers by now; 0: a chunk or the deadline is over


def _again(sock: StdSocket, events: int, attempt: Callable[[], int]) -> int:
    """After a failed first attempt: retry as the socket's mode says, until success or error.

    EINTR: retry at once (Python has run the signal handlers by now). EAGAIN on a timeout socket:
    wait for readiness until the deadline. Anything else, or EAGAIN in blocking or non-blocking
    mode, is the call's error (``BlockingIOError`` for EAGAIN, as the stdlib). ``attempt`` reads
    the socket's fd itself, each time.
    """
    deadline = None
    while True:
        code = _get_errno()
        if code == _EAGAIN and sock.gettimeout():
            if deadline is None:
                deadline = monotonic() + sock.gettimeout()  # type: ignore[operator]
            _wait(sock, events, deadline)
        elif code != _EINTR:
            raise _error(code)
        result = attempt()
        if result >= 0:
            return result


# -- the calls ------------------------------------------------------------------------------------

def bind(sock: StdSocket, address: bytes) -> None:
    if _bind(sock.fileno(), address, len(address)) < 0:
        raise _error(_get_errno())


def connect(sock: StdSocket, address: bytes) -> int:
    """Connect; return 0, or the errno ``connect_ex()`` reports. Raises TimeoutError.

    As in the stdlib: a timeout socket waits for a connection in progress; a blocking one
    interrupted by a signal waits for the connection the kernel goes on making; both then read
    ``SO_ERROR``. A non-blocking socket returns ``EINPROGRESS`` at once. A socket closed while
    it waits reports ``EBADF``.
    """
    if _connect(sock.fileno(), address, len(address)) == 0:
        return 0
    code = _get_errno()
    timeout = sock.gettimeout()
    # EINTR: the kernel goes on connecting; a blocking or timeout socket waits for the result.
    wait = timeout != 0 if code == _EINTR else code == errno.EINPROGRESS and bool(timeout)
    if not wait:
        return code
    _wait(sock, select.POLLOUT, None if timeout is None else monotonic() + timeout)
    if sock.fileno() < 0:  # closed meanwhile: connect() raises EBADF, connect_ex() returns it
        return errno.EBADF
    code = int(sock.getsockopt(_SOL_SOCKET, _SO_ERROR))
    return 0 if code == errno.EISCONN else code


def accept(sock: StdSocket) -> tuple[int, bytes | None]:
    """A new connection's fd (close-on-exec, blocking) and its peer's sockaddr."""
    scratch = _take()
    try:

        def attempt() -> int:
            scratch.length_view[0] = _ADDRESS_SIZE
            new: int = _accept4(sock.fileno(), scratch.address_ref, scratch.length_ref, _SOCK_CLOEXEC)
            return new

        new = attempt()
        if new < 0:
            new = _again(sock, select.POLLIN, attempt)
        return new, scratch.address()
    finally:
        _pool.append(scratch)


def sendto(sock: StdSocket, data: Any, flags: Any, address: bytes) -> int:
    size: Any  # an int, or a c_size_t beyond INT_MAX
    if type(data) is bytes:
        size = len(data)
    else:
        data, size = _readable(data)
    if flags is not _NO_FLAGS or size > _INT_MAX:
        if type(flags) is not int or not _INT_MIN <= flags <= _INT_MAX:
            flags = _c_int(flags)
        if size > _INT_MAX:
            size = _c_size_t(size)
    sent: int = _sendto(sock.fileno(), data, size, flags, address, len(address))
    if sent < 0:
        sent = _again(sock, select.POLLOUT,
                      lambda: _sendto(sock.fileno(), data, size, flags, address, len(address)))
    return sent


def recvfrom(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, bytes | None]:
    # The fast path: a size the pooled buffer holds; flags 0 (by identity), or a positive C int
    # without MSG_TRUNC, whose count may exceed the bytes the kernel wrote.
    if not (type(bufsize) is int and 0 <= bufsize <= _DATA_SIZE
            and (flags is _NO_FLAGS
                 or (type(flags) is int and 0 < flags <= _INT_MAX and not flags & MSG_TRUNC))):
        return _recvfrom_checked(sock, bufsize, flags)
    try:  # _take() and scratch.address(), inlined: this is the hottest raw call
        scratch = _pool.pop()
    except IndexError:
        scratch = _Scratch()
    try:
        length = scratch.length_view
        length[0] = _ADDRESS_SIZE
        received: int = _recvfrom(sock.fileno(), scratch.data, bufsize, flags, scratch.address_ref,
                                  scratch.length_ref)
        if received < 0:
            received = _receive_again(sock, scratch, scratch.data, bufsize, flags)
        size = length[0]
        # no MSG_TRUNC: the count is at most bufsize, and all of it was written now
        return (scratch.data_view[:received].tobytes(),
                scratch.address_view[:size].tobytes() if size else None)
    finally:
        _pool.append(scratch)


def _receive_again(sock: StdSocket, scratch: _Scratch, data: Any, bufsize: Any, flags: int) -> int:
    def attempt() -> int:
        scratch.length_view[0] = _ADDRESS_SIZE
        got: int = _recvfrom(sock.fileno(), data, bufsize, flags, scratch.address_ref, scratch.length_ref)
        return got

    return _again(sock, select.POLLIN, attempt)


def _recvfrom_checked(sock: StdSocket, bufsize: Any, flags: Any) -> tuple[bytes, bytes | None]:
    """recvfrom() off the fast path: arguments to check (as ``"n|i"``), a size beyond the pooled
    buffer, negative flags or MSG_TRUNC. MSG_TRUNC gets a zeroed buffer of its own: the kernel's
    count is then the datagram's length, beyond the bytes it wrote (for TCP it writes none)."""
    if not (type(bufsize) is int and type(flags) is int and _SSIZE_MIN <= bufsize <= _SSIZE_MAX
            and _INT_MIN <= flags <= _INT_MAX):
        bufsize = _ssize(bufsize)  # both parsed before either value is looked at
        flags = _c_int(flags)
    if bufsize < 0:
        raise ValueError("negative buffersize in recvfrom")
    if bufsize > _BYTES_LIMIT:
        raise OverflowError("byte string is too large")
    scratch = _take()
    try:
        pooled = bufsize <= _DATA_SIZE and not flags & MSG_TRUNC
        data = scratch.data if pooled else _buffer(bufsize)
        size = _size_t(bufsize)
        received: int = _recvfrom(sock.fileno(), data, size, flags, scratch.address_ref, scratch.length_ref)
        if received < 0:
            received = _receive_again(sock, scratch, data, size, flags)
        # MSG_TRUNC: the count is the datagram's whole length, of which bufsize bytes were written
        view = scratch.data_view if pooled else memoryview(data).cast("B")
        return view[:min(received, bufsize)].tobytes(), scratch.address()
    finally:
        _pool.append(scratch)


def recvfrom_into(sock: StdSocket, buffer: Any, nbytes: Any, flags: Any) -> tuple[int, bytes | None]:
    """Into ``buffer``: the kernel's count (with MSG_TRUNC, the datagram's whole length, as the
    stdlib returns it) and the sender's sockaddr. Arguments are checked as ``"w*|ni"``."""
    target, size = _writable(buffer)
    if type(nbytes) is not int or not 0 <= nbytes <= size:
        nbytes = _ssize(nbytes)
    if type(flags) is not int or not _INT_MIN <= flags <= _INT_MAX:
        flags = _c_int(flags)
    if nbytes < 0:
        raise ValueError("negative buffersize in recvfrom_into")
    if nbytes == 0:
        nbytes = size
    elif nbytes > size:
        raise ValueError("nbytes is greater than the length of the buffer")
    length = _size_t(nbytes)
    scratch = _take()
    try:

        def attempt() -> int:
            scratch.length_view[0] = _ADDRESS_SIZE
            got: int = _recvfrom(sock.fileno(), target, length, flags, scratch.address_ref,
                                 scratch.length_ref)
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
    except TypeError as exc:  # its message names the type as PyObject_GetBuffer()'s does
        raise TypeError(str(exc).removeprefix("memoryview: ")) from None
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
    return _c_int(item[0]), _c_int(item[1]), _bytes_like(item[2])


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
        flags = _c_int(flags)
    keep: list[Any] = []
    try:
        msg = _Msghdr()
        if address is not None:
            msg.msg_name, msg.msg_namelen = address, len(address)
        msg.msg_iov, msg.msg_iovlen = _vector(
            [_pointer(part, keep) for part in _sequence(buffers, "sendmsg() argument 1")], keep)
        msg.msg_control, msg.msg_controllen = _control_message(ancdata, keep)
        message = _byref(msg)
        sent: int = _sendmsg(sock.fileno(), message, flags)
        if sent < 0:
            sent = _again(sock, select.POLLOUT, lambda: _sendmsg(sock.fileno(), message, flags))
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
    control = _buffer(ancbufsize) if ancbufsize else None
    msg = _Msghdr()
    msg.msg_name = scratch.address_at
    msg.msg_iov, msg.msg_iovlen = vector
    msg.msg_control = None if control is None else _addressof(control)
    message = _byref(msg)

    def attempt() -> int:
        msg.msg_namelen = _ADDRESS_SIZE
        msg.msg_controllen = ancbufsize
        got: int = _recvmsg(sock.fileno(), message, flags)
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
    """One message: ``(data, ancillary items, message flags, sockaddr bytes or None)``: at most
    ``bufsize`` bytes, all of this message (with MSG_TRUNC the kernel counts them all)."""
    if not (type(bufsize) is int and type(ancbufsize) is int and type(flags) is int
            and _SSIZE_MIN <= bufsize <= _SSIZE_MAX and _SSIZE_MIN <= ancbufsize <= _SSIZE_MAX
            and _INT_MIN <= flags <= _INT_MAX):
        bufsize = _ssize(bufsize)  # the stdlib's order: "n|ni"
        ancbufsize = _ssize(ancbufsize)
        flags = _c_int(flags)
    if bufsize < 0:
        raise ValueError("negative buffer size in recvmsg()")
    if bufsize > _BYTES_LIMIT:
        raise OverflowError("byte string is too large")
    scratch = _take()
    try:
        pooled = bufsize <= _DATA_SIZE and not flags & MSG_TRUNC
        data = scratch.data if pooled else _buffer(bufsize)
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
    ancbufsize = _ssize(ancbufsize)
    if type(flags) is not int or not _INT_MIN <= flags <= _INT_MAX:
        flags = _c_int(flags)
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
