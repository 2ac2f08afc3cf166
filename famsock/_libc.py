"""The C library through ctypes: the functions the raw bridge calls, and the memory it hands them.

Why one module: ctypes costs ~5 ms to import and is needed only once a socket takes the raw path;
everything that touches it for the bridge's calls is here, in one place.

Speed: no ``argtypes`` are declared (they cost ~0.12 µs per argument per call, see the brief), so
ints, ``bytes`` and ctypes buffers are passed as they are: a caller checks its integers first
(:mod:`famsock._c_arguments`) and passes sizes beyond ``INT_MAX`` through :func:`size_t`. Scratch
buffers (a ``sockaddr_storage``, its length, a data buffer) are reused from a pool: allocating them
costs more than a syscall's own Python overhead. A pooled data buffer holds earlier messages, so
only the bytes the kernel wrote may ever be read from it.
"""

from __future__ import annotations

import ctypes
import os
from typing import Any

__all__ = [
    "ADDRESS_SIZE",
    "DATA_SIZE",
    "Pollfd",
    "Scratch",
    "accept4",
    "bind",
    "connect",
    "error",
    "get_errno",
    "getpeername",
    "getsockname",
    "getsockopt",
    "poll",
    "pool",
    "recvfrom",
    "recvmsg",
    "sendmsg",
    "sendto",
    "set_errno",
    "size_t",
    "take",
    "zeroed",
]

_libc = ctypes.CDLL(None, use_errno=True)  # the process's own libc: no find_library subprocess
bind = _libc.bind
connect = _libc.connect
accept4 = _libc.accept4
getsockname = _libc.getsockname
getpeername = _libc.getpeername
getsockopt = _libc.getsockopt
sendto = _libc.sendto
recvfrom = _libc.recvfrom
sendmsg = _libc.sendmsg
recvmsg = _libc.recvmsg
poll = _libc.poll
sendto.restype = recvfrom.restype = sendmsg.restype = recvmsg.restype = ctypes.c_ssize_t

get_errno = ctypes.get_errno  # errno as the last foreign call left it, in this thread
set_errno = ctypes.set_errno

ADDRESS_SIZE = 128  # sizeof(struct sockaddr_storage): the kernel never returns more
DATA_SIZE = 65536  # receives up to this size use a pooled buffer
_INT_MAX = 0x7FFFFFFF
_MAPPED = 1 << 20  # zeroed buffers past this are anonymous mappings
_char = ctypes.c_char


def error(code: int) -> OSError:
    """The exception the C methods raise for ``errno`` ``code``: OSError picks the subclass
    (ConnectionRefusedError, BlockingIOError...)."""
    return OSError(code, os.strerror(code))


def size_t(size: int) -> Any:
    """A byte count for a ``size_t`` parameter: ctypes passes a plain int as a C ``int``."""
    return size if size <= _INT_MAX else ctypes.c_size_t(size)


def zeroed(size: int) -> Any:
    """A zeroed ctypes buffer of ``size`` bytes, not from the pool. Large ones are anonymous
    mappings, whose pages cost nothing until the kernel writes them: ctypes writes every byte of
    its own arrays first (2**31 bytes: seconds and 2 GB), where the C methods' buffers cost nothing."""
    if size <= _MAPPED:
        return (_char * size)()
    import mmap  # noqa: PLC0415 - only large receives need it

    try:
        mapping = mmap.mmap(-1, size)
    except OSError:  # ENOMEM: what the C methods raise when they cannot allocate
        raise MemoryError from None
    return (_char * size).from_buffer(mapping)  # the array keeps the mapping alive


class Pollfd(ctypes.Structure):
    """``struct pollfd`` (<poll.h>; the tests check the layout against the C compiler's)."""

    _fields_ = (("fd", ctypes.c_int), ("events", ctypes.c_short), ("revents", ctypes.c_short))


class Scratch:
    """Buffers for one call: a sockaddr_storage, its socklen_t and a data buffer.

    Read through memoryviews made once: slicing one costs far less than ``ctypes.string_at``,
    which is itself a foreign call (~6,000 instructions per UDP round trip).
    """

    __slots__ = ("address_at", "address_ref", "address_view", "data", "data_view", "length_ref",
                 "length_view")

    def __init__(self) -> None:
        address = (_char * ADDRESS_SIZE)()
        length = ctypes.c_uint32(ADDRESS_SIZE)
        self.address_at = ctypes.addressof(address)  # for msghdr.msg_name, which holds an address
        self.address_ref = ctypes.byref(address)
        self.address_view = memoryview(address).cast("B")
        self.length_ref = ctypes.byref(length)
        self.length_view = memoryview(length).cast("B").cast("I")
        self.data = (_char * DATA_SIZE)()
        self.data_view = memoryview(self.data).cast("B")

    def address(self) -> bytes | None:
        """The sockaddr the kernel wrote, or None when it wrote none (as the stdlib)."""
        length = self.length_view[0]
        return self.address_view[:length].tobytes() if length else None


pool: list[Scratch] = []  # list.pop()/append() are atomic: safe across threads; give back with append()


def take() -> Scratch:
    """A scratch set from the pool (or a new one), its length reset to a whole sockaddr_storage."""
    try:
        scratch = pool.pop()
    except IndexError:
        scratch = Scratch()
    scratch.length_view[0] = ADDRESS_SIZE
    return scratch
