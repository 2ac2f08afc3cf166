"""The socket's mode around each raw call, as CPython's ``sock_call_ex()`` applies it.

Why: a raw call must block, fail or time out exactly where the C method would. An *attempt* is
one syscall that reads the socket's fd itself and returns ``>= 0``, or ``-1`` with ``errno`` set.

- blocking (``timeout is None``): the attempt blocks, with the GIL released (``ctypes.CDLL``);
- non-blocking (``0.0``): ``EAGAIN`` is the call's error, ``BlockingIOError``;
- timeout (``> 0``): the fd is non-blocking (the stdlib keeps it so); ``poll()`` FIRST, then the
  attempt, and ``poll()`` again after ``EAGAIN``, until a deadline set before the first wait:
  ``TimeoutError("timed out")``. Waiting first matters: a call that would fail at once (UNIX
  datagram sockets refuse ``MSG_OOB``) or succeed at once (a datagram to another socket) on a
  socket that is not ready times out instead, as in the stdlib;
- ``EINTR`` is retried (PEP 475): Python runs the signal handlers before the retry, so a handler
  that raises ends the call with its exception.

Every attempt and every wait reads the socket's fd anew, as the C methods read ``sock_fd``:
another thread may close the socket meanwhile and the kernel give its number to a new socket;
the call then fails with ``EBADF`` instead of touching that socket.

Blocking and non-blocking sockets pay one attribute read (``sock.timeout``) for this: the callers'
fast paths make their first attempt themselves and call :func:`retry` only after it failed.
"""

from __future__ import annotations

import ctypes
import math
from _socket import SO_ERROR, SOL_SOCKET
from errno import EAGAIN, EINTR, EISCONN
from select import POLLIN, POLLOUT
from time import monotonic_ns
from typing import TYPE_CHECKING

from ._libc import Pollfd, error, get_errno, getsockopt, poll, set_errno

if TYPE_CHECKING:
    from collections.abc import Callable
    from socket import socket as StdSocket

__all__ = ["POLLIN", "POLLOUT", "call", "connection", "retry", "timed"]

_INT_MAX = 0x7FFFFFFF  # poll() takes at most this many milliseconds
_NS_PER_MS = 1_000_000


def call(sock: StdSocket, events: int, attempt: Callable[[], int]) -> int:
    """``attempt()`` as the socket's mode says: its result, or the stdlib's exception.
    ``events``: ``POLLIN`` for a receive or an accept, ``POLLOUT`` for a send."""
    timeout = sock.timeout
    if timeout:
        return timed(sock, events, attempt, timeout)
    result = attempt()
    return result if result >= 0 else retry(sock, events, attempt)


def retry(sock: StdSocket, events: int, attempt: Callable[[], int]) -> int:
    """After a first attempt failed on a socket without a timeout: again at once after ``EINTR``,
    else its error (``BlockingIOError`` for ``EAGAIN``). A timeout set meanwhile by another thread
    makes an ``EAGAIN`` wait, as a timeout socket does."""
    while True:
        code = get_errno()
        if code != EINTR:
            timeout = sock.timeout
            if code == EAGAIN and timeout:
                return timed(sock, events, attempt, timeout)
            raise error(code)
        result = attempt()  # Python has run the signal handlers by now
        if result >= 0:
            return result


def timed(sock: StdSocket, events: int, attempt: Callable[[], int], timeout: float) -> int:
    """A call on a timeout socket: wait for ``events``, then attempt, as ``sock_call_ex()``."""
    result = _until_done(sock, events, attempt, timeout)
    if result < 0:
        raise error(-result)
    return result


def connection(sock: StdSocket) -> int:
    """Wait for the connection a ``connect()`` left in progress and return its ``errno`` (0 when
    connected), as CPython's ``internal_connect()``: ``poll()`` for writability (with no limit on
    a blocking socket), then ``SO_ERROR``. TimeoutError past the socket's timeout."""
    result = _until_done(sock, POLLOUT, lambda: _connect_status(sock), sock.timeout)
    return -result if result < 0 else 0


def _connect_status(sock: StdSocket) -> int:
    """CPython's ``sock_connect_impl()``: ``SO_ERROR`` as an attempt (``EISCONN`` is success)."""
    status, size = ctypes.c_int(0), ctypes.c_uint32(ctypes.sizeof(ctypes.c_int))
    if getsockopt(sock.fileno(), SOL_SOCKET, SO_ERROR, ctypes.byref(status), ctypes.byref(size)) < 0:
        return -1
    if status.value in (0, EISCONN):
        return 0
    set_errno(status.value)  # sock_connect_impl() hands the code over in errno too
    return -1


class _Waiter:
    """A ``struct pollfd`` for one wait at a time, with views to write its fields through
    (cheaper than ctypes' field setters), and a pointer to hand poll()."""

    __slots__ = ("ints", "pointer", "pollfd", "shorts")

    def __init__(self) -> None:
        self.pollfd = Pollfd(-1, 0, 0)
        self.pointer = ctypes.byref(self.pollfd)
        data = memoryview(self.pollfd).cast("B")
        self.ints, self.shorts = data.cast("i"), data.cast("h")


_FD = Pollfd.fd.offset // ctypes.sizeof(ctypes.c_int)  # where the fields are in those views
_EVENTS = Pollfd.events.offset // ctypes.sizeof(ctypes.c_short)


_waiters: list[_Waiter] = []  # a pool, as the scratch buffers': making one costs ~1 µs
_timeouts: dict[float, tuple[int, int]] = {}  # timeout -> (ns, first wait in ms), computed once


def _until_done(sock: StdSocket, events: int, attempt: Callable[[], int], timeout: float | None) -> int:
    """``sock_call_ex()``'s loop: wait (``timeout`` seconds from now; None: no limit), attempt
    (again at once after ``EINTR``), and wait again after ``EAGAIN`` while the socket has a
    timeout. Returns the attempt's result, or minus the ``errno`` it failed with.

    CPython waits the whole timeout first, however long it took to get there, then until the
    deadline it set: both in ms rounded up, from the timeout in ns rounded up. Each turn waits
    at most INT_MAX ms, poll()'s limit: ``settimeout()`` takes longer timeouts, and the stdlib
    waits them out.

    libc's poll(), not select.poll(): that one retries EINTR itself, on the fd number it was
    given, which may belong to another socket by then. Here each turn reads the socket's fd; a
    closed socket (-1) waits no more, and its attempt fails with EBADF, as the C methods' do.
    """
    deadline, milliseconds = None, -1
    if timeout is not None:
        try:
            whole, milliseconds = _timeouts[timeout]
        except KeyError:
            whole, milliseconds = _converted(timeout)
        deadline = monotonic_ns() + whole
    try:
        waiter = _waiters.pop()
    except IndexError:
        waiter = _Waiter()
    waiter.shorts[_EVENTS] = events
    try:
        while True:
            fd = sock.fileno()
            if fd >= 0:
                waiter.ints[_FD] = fd
                ready = poll(waiter.pointer, 1, milliseconds)
                if ready <= 0:
                    if ready == 0 and milliseconds < _INT_MAX:
                        raise TimeoutError("timed out")
                    if ready < 0 and get_errno() != EINTR:
                        raise error(get_errno())
                    # EINTR (Python has run the signal handlers by now), or an INT_MAX ms turn over
                    milliseconds = -1 if deadline is None else _left(deadline)
                    continue
            result = attempt()
            while result < 0 and get_errno() == EINTR:
                result = attempt()  # Python has run the signal handlers by now
            if result >= 0:
                return result
            code = get_errno()
            if code != EAGAIN or not sock.timeout:
                return -code
            milliseconds = -1 if deadline is None else _left(deadline)  # a false alarm: wait again
    finally:
        _waiters.append(waiter)


def _converted(timeout: float) -> tuple[int, int]:
    whole = math.ceil(timeout * 1e9)
    converted = whole, min(-(-whole // _NS_PER_MS), _INT_MAX)
    if len(_timeouts) >= 64:  # a bound, not an LRU: few programs use more than a few timeouts
        _timeouts.clear()
    _timeouts[timeout] = converted
    return converted


def _left(deadline: int) -> int:
    """The milliseconds until ``deadline``, rounded up, at most INT_MAX; TimeoutError past it."""
    left = deadline - monotonic_ns()
    if left < 0:
        raise TimeoutError("timed out")
    return min(-(-left // _NS_PER_MS), _INT_MAX)
